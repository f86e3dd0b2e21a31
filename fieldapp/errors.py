"""One error handler: JSON with one shape under /api/, an HTML page elsewhere."""

from __future__ import annotations

import contextlib

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, InternalServerError

from fieldapp.domain_errors import DomainError
from fieldapp.extensions import db

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


def error_message(status: int) -> str:
    messages = {
        400: _("La solicitud no es válida."),
        401: _("Inicia sesión para continuar."),
        403: _("No tienes permiso para hacer esto."),
        404: _("No encontramos lo que buscas."),
        405: _("Esta dirección no acepta esa operación."),
        409: _("Hay un conflicto con lo que ya está guardado."),
        413: _(
            "El archivo o los datos enviados son demasiado grandes (máximo %(mb)d MB).",
            mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024),
        ),
        415: _("Ese tipo de contenido no se acepta."),
        422: _("Los datos enviados no son válidos."),
        429: _("Demasiados intentos. Espera unos minutos y vuelve a intentar."),
        500: _(
            "Algo falló de nuestro lado. Lo que guardaste antes sigue a salvo; intenta de nuevo."
        ),
        503: _("El servicio no está disponible por un momento. Intenta de nuevo en unos segundos."),
    }
    return messages.get(status, _("Ocurrió un error."))


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def json_error(
    status: int,
    message: str | None = None,
    code: str | None = None,
    fields: dict | None = None,
    headers: dict | None = None,
):
    """The API's single error shape: ``{"error": {"status", "code", "message", "fields"}}``."""
    body = {
        "status": status,
        "code": code or ERROR_CODES.get(status, "error"),
        "message": message or error_message(status),
    }
    if fields:
        body["fields"] = fields
    response = jsonify(error=body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def handle_http_error(exc: HTTPException):
    status = exc.code or 500
    message = getattr(exc, "fieldapp_message", None)
    if isinstance(exc, CSRFError):
        message = _("El formulario caducó o no es válido. Recarga la página e intenta de nuevo.")
    headers = dict(exc.get_headers()) if status in (405, 429, 503) else {}
    headers.pop("Content-Type", None)
    if wants_json():
        return json_error(status, message, headers=headers)
    html = render_template(
        "errors/error.html", status=status, message=message or error_message(status)
    )
    return html, status, headers


def handle_unexpected(exc: Exception):
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return handle_http_error(InternalServerError())


RETRY_AFTER_SECONDS = 2
# SQLite says "busy" or "locked" when its single write lock stays taken longer than the
# busy timeout; its other OperationalErrors (no such table, ...) are bugs, not load.
# "disk is full" too: nothing was written, and the same request works once space is freed.
SQLITE_TRANSIENT = (
    "database is locked",
    "database table is locked",
    "database is busy",
    "database or disk is full",
)


def is_transient_db_error(exc: Exception) -> bool:
    """The database is momentarily unreachable or busy: asking again later will work."""
    if isinstance(exc, sa_exc.TimeoutError | sa_exc.DisconnectionError):
        return True  # no free connection in the pool, or the connection dropped
    if not isinstance(exc, sa_exc.OperationalError):
        return False
    if exc.connection_invalidated:
        return True
    if type(exc.orig).__module__.startswith("sqlite3"):
        return any(text in str(exc.orig).lower() for text in SQLITE_TRANSIENT)
    # PostgreSQL (psycopg): connection failures, serialisation failures and deadlocks,
    # lock and statement timeouts — all worth a retry.
    return True


def handle_db_error(exc: sa_exc.SQLAlchemyError):
    """A busy or unreachable database is a 503 with Retry-After, which the phone's outbox
    retries by itself; nothing of the request was saved. Anything else is a 500."""
    if not is_transient_db_error(exc):
        return handle_unexpected(exc)
    current_app.logger.warning(
        "Database busy or unreachable on %s %s: %s", request.method, request.path, exc
    )
    with contextlib.suppress(sa_exc.SQLAlchemyError):
        db.session.rollback()
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if wants_json():
        return json_error(503, code="database_unavailable", headers=headers)
    return (
        render_template("errors/error.html", status=503, message=error_message(503)),
        503,
        headers,
    )


def handle_domain_error(exc: DomainError):
    if wants_json():
        return json_error(exc.status, exc.message, exc.code, exc.fields)
    html = render_template("errors/error.html", status=exc.status, message=exc.message)
    return html, exc.status


def init_errorhandlers(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(sa_exc.OperationalError, handle_db_error)
    app.register_error_handler(sa_exc.TimeoutError, handle_db_error)
    app.register_error_handler(sa_exc.DisconnectionError, handle_db_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
