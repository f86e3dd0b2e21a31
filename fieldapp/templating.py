"""Jinja helpers: local time, labels, the current language."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import format_datetime, get_locale

from fieldapp.labels import label
from fieldapp.security import init_security


def localtime(value: datetime | None, fmt: str = "medium") -> str:
    """Stored UTC shown in America/Mexico_City (Flask-Babel's default timezone)."""
    if value is None:
        return "—"
    return format_datetime(value, fmt)


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["label"] = label
    init_security(app)

    @app.context_processor
    def inject_language():
        locale = get_locale()
        return {"lang": locale.language if locale else "es"}

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
