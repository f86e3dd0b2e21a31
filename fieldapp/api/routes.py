"""Account and catalogue endpoints of the API."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.api import bp
from fieldapp.auth import services
from fieldapp.auth.models import ApiToken
from fieldapp.errors import json_error
from fieldapp.extensions import db
from fieldapp.findings.models import Category


def token_json(token: ApiToken) -> dict:
    return {
        "id": token.id,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at.isoformat(),
        "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
        "revoked": token.is_revoked,
    }


def user_json(user) -> dict:
    return {"id": user.id, "email": user.email, "name": user.name, "role": user.role.value}


@bp.post("/tokens")
def create_token():
    """E-mail and password in, a bearer token out (shown once)."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return json_error(400, _("Envía un objeto JSON con «email» y «password»."))
    email, password = payload.get("email"), payload.get("password")
    if not isinstance(email, str) or not isinstance(password, str) or not email or not password:
        return json_error(
            422,
            _("Faltan «email» o «password»."),
            fields={
                k: [_("Obligatorio.")]
                for k in ("email", "password")
                if not isinstance(payload.get(k), str) or not payload.get(k)
            },
        )
    try:
        user = services.authenticate(email, password)
    except services.TooManyAttempts:
        db.session.rollback()
        return json_error(429, headers={"Retry-After": "900"})
    if user is None:
        db.session.commit()  # keep the failed attempt for throttling
        return json_error(
            401,
            _("Correo o contraseña incorrectos, o la cuenta está desactivada."),
            code="invalid_credentials",
        )
    name = payload.get("name") if isinstance(payload.get("name"), str) else ""
    token, raw = services.issue_token(user, name or request.user_agent.string[:80])
    db.session.commit()
    body = {"token": raw, "token_type": "Bearer", **token_json(token), "user": user_json(user)}
    return jsonify(body), 201


@bp.post("/tokens/device")
def create_device_token():
    """For the phone app, signed in with its browser session (and the CSRF header): a
    token its outbox keeps using after the session cookie is gone; revocable like any."""
    if services.bearer_token():
        return json_error(400, _("Pide el token del dispositivo con la sesión del navegador."))
    agent = request.user_agent
    name = _("App de campo (%(agent)s)", agent=(agent.string or "?")[:50])
    token, raw = services.issue_token(current_user, name)
    db.session.commit()
    return jsonify({"token": raw, "token_type": "Bearer", **token_json(token)}), 201


@bp.get("/tokens")
def list_tokens():
    tokens = db.session.scalars(
        sa.select(ApiToken)
        .where(ApiToken.user_id == current_user.id)
        .order_by(ApiToken.created_at.desc())
    )
    return jsonify(tokens=[token_json(t) for t in tokens])


@bp.delete("/tokens/<int:token_id>")
def revoke_token(token_id: int):
    token = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == current_user.id)
    )
    if token is None:
        abort(404)
    services.revoke_token(token, current_user)
    db.session.commit()
    return jsonify(token_json(token))


@bp.get("/me")
def me():
    return jsonify(user_json(current_user))


@bp.get("/categories")
def categories():
    rows = db.session.scalars(
        sa.select(Category).where(Category.active.is_(True)).order_by(Category.name)
    )
    return jsonify(
        categories=[
            {
                "code": c.code,
                "name": c.name,
                "color": c.color,
                "icon": c.icon,
                "expected_days": c.expected_days,
                "default_area": c.default_area.code if c.default_area else None,
            }
            for c in rows
        ]
    )
