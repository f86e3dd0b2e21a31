"""The JSON API under /api/v1: bearer tokens or a session cookie plus the CSRF header."""

from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.auth.services import bearer_token
from fieldapp.errors import json_error
from fieldapp.extensions import csrf, db

bp = Blueprint("api", __name__, url_prefix="/api/v1")

PUBLIC_ENDPOINTS = {"api.create_token", "api.openapi"}


@bp.before_request
def check_auth():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if bearer_token():
        if not current_user.is_authenticated:
            return json_error(
                401, code="invalid_token", message=_("El token no es válido o fue revocado.")
            )
        return None
    if not current_user.is_authenticated:
        return json_error(401)
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()  # cookie sessions need the X-CSRFToken header
    return None


@bp.after_request
def commit_request(response):
    """One commit per request (token last-use, for instance); failures roll back."""
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response


from fieldapp.api import openapi, reads, routes, sync  # noqa: E402,F401  (registers the views)
