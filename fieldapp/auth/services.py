"""Accounts: creating users, checking passwords, throttling failed logins, API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import Flask, abort, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import LoginManager

from fieldapp.audit.models import AuditEvent
from fieldapp.audit.services import client_ip, record_event
from fieldapp.auth.models import ApiToken, Role, User
from fieldapp.extensions import db
from fieldapp.orm import utcnow

COMMON_PASSWORDS = {
    "1234567890",
    "12345678910",
    "contraseña",
    "contrasena",
    "password",
    "password1",
    "qwertyuiop",
    "administrador",
    "fieldapp123",
    "0987654321",
    "1111111111",
    "mexico2024",
    "mexico2025",
    "mexico2026",
    "iloveyou12",
    "abcdefghij",
    "asdfghjklñ",
    "asdfghjkl1",
}


# Where a bearer token is accepted: the API, and the photo files it links to.
TOKEN_PATHS = ("/api/", "/media/")


class AccountError(ValueError):
    """Bad input for an account operation; ``fields`` maps field name to messages."""

    def __init__(self, fields: dict[str, list[str]]):
        self.fields = fields
        super().__init__("; ".join(m for msgs in fields.values() for m in msgs))


class TooManyAttempts(Exception):
    """Too many failed logins for this e-mail or address in the window."""


def normalize_email(email: str | None) -> str:
    return (email or "").strip().lower()


def check_email(email: str) -> list[str]:
    if not email:
        return [_("Escribe un correo electrónico.")]
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return [_("«%(email)s» no es un correo electrónico válido.", email=email)]
    return []


def check_password_strength(password: str | None, email: str = "") -> list[str]:
    """Messages explaining why a password is not acceptable (empty list: it is)."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if not password:
        return [_("Escribe una contraseña.")]
    if len(password) < minimum:
        return [_("La contraseña debe tener al menos %(n)d caracteres.", n=minimum)]
    lowered = password.lower()
    local_part = email.split("@")[0]
    if (
        lowered in COMMON_PASSWORDS
        or len(set(password)) < 4
        or (len(local_part) >= 4 and local_part in lowered)
    ):
        return [_("Esa contraseña es demasiado fácil de adivinar; usa una frase o más variedad.")]
    return []


def parse_role(role: str | Role | None) -> Role:
    try:
        return Role(role)
    except ValueError:
        valid = ", ".join(r.value for r in Role)
        raise AccountError(
            {
                "role": [
                    _("El rol «%(role)s» no existe; usa uno de: %(valid)s.", role=role, valid=valid)
                ]
            }
        ) from None


def create_user(email: str, name: str, role: str | Role, password: str, actor=None) -> User:
    """Validate and add a user (flushes; the caller commits). Raises ``AccountError``."""
    email = normalize_email(email)
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if msgs := check_email(email):
        errors["email"] = msgs
    elif db.session.scalar(sa.select(User.id).where(User.email == email)):
        errors["email"] = [_("Ya existe una cuenta con el correo %(email)s.", email=email)]
    if not name:
        errors["name"] = [_("Escribe el nombre de la persona.")]
    elif len(name) > 120:
        errors["name"] = [_("El nombre es demasiado largo (máximo 120 caracteres).")]
    try:
        role = parse_role(role)
    except AccountError as exc:
        errors.update(exc.fields)
    if msgs := check_password_strength(password, email):
        errors["password"] = msgs
    if errors:
        raise AccountError(errors)
    user = User(email=email, name=name, role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record_event(
        "user_created", actor=actor, target_type="user", target_id=user.id, role=role.value
    )
    return user


def set_user_active(user: User, active: bool, actor: User) -> None:
    if user.id == actor.id and not active:
        raise AccountError({"user": [_("No puedes desactivar tu propia cuenta.")]})
    user.active = active
    record_event(
        "user_enabled" if active else "user_disabled",
        actor=actor,
        target_type="user",
        target_id=user.id,
    )


def failed_login_count(email: str, ip: str | None) -> tuple[int, int]:
    """Failed logins in the window, for this e-mail and for this address."""
    since = utcnow() - timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])
    base = sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.action == "login_failed", AuditEvent.created_at >= since
    )
    by_email = db.session.scalar(base.where(AuditEvent.target_id == email))
    by_ip = db.session.scalar(base.where(AuditEvent.ip == ip)) if ip else 0
    return by_email, by_ip


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (the failure is recorded).

    Raises ``TooManyAttempts`` before checking anything once the e-mail or the client
    address has failed too often; counting in the database works across workers.
    """
    email = normalize_email(email)
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    by_email, by_ip = failed_login_count(email, client_ip())
    if by_email >= limit or by_ip >= limit * 4:
        raise TooManyAttempts()
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None or not user.check_password(password or "") or not user.active:
        record_event(
            "login_failed",
            target_type="email",
            target_id=email[:254],
            reason="disabled" if user is not None and user.active is False else "bad",
        )
        return None
    user.last_login_at = utcnow()
    record_event("login", actor=user, target_type="user", target_id=user.id)
    return user


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new bearer token; the raw value is returned once and never stored."""
    name = (name or "").strip()[:80] or _("Dispositivo")
    raw = "fa_" + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, token_hash=hash_token(raw), prefix=raw[:10])
    db.session.add(token)
    db.session.flush()
    record_event("token_issued", actor=user, target_type="api_token", target_id=token.id)
    return token, raw


def revoke_token(token: ApiToken, actor: User) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record_event("token_revoked", actor=actor, target_type="api_token", target_id=token.id)


TOKEN_USE_RESOLUTION = timedelta(minutes=1)


def user_for_token(raw: str) -> User | None:
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = utcnow()
    # Written at most once a minute: a write at the start of every request would hold
    # SQLite's single write lock for the whole request and serialise the phones' syncs.
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_RESOLUTION:
        token.last_used_at = now
    return token.user


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def init_login(app: Flask, manager: LoginManager) -> None:
    manager.init_app(app)
    manager.login_view = "auth.login"
    manager.login_message = None

    @manager.unauthorized_handler
    def unauthorized():
        from fieldapp.errors import wants_json

        if wants_json():
            abort(401)
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    @manager.user_loader
    def load_user(user_id: str) -> User | None:
        # A bearer token speaks for itself: a browser session must not stand in for a
        # revoked or invalid token on an API call.
        if request.path.startswith(TOKEN_PATHS) and bearer_token():
            return None
        return db.session.get(User, int(user_id)) if user_id.isdigit() else None

    @manager.request_loader
    def load_user_from_bearer(req) -> User | None:
        if not req.path.startswith(TOKEN_PATHS):
            return None
        raw = bearer_token()
        return user_for_token(raw) if raw else None
