"""One error handler: JSON with one shape under /api/, an HTML page elsewhere."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from fieldapp.domain_errors import DomainError

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


def handle_domain_error(exc: DomainError):
    if wants_json():
        return json_error(exc.status, exc.message, exc.code, exc.fields)
    html = render_template("errors/error.html", status=exc.status, message=exc.message)
    return html, exc.status


def init_errorhandlers(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
