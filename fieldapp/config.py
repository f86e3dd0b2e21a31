"""Configuration: defaults in code, secrets and deployment choices from the environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "si", "sí"}


def load_config(instance_path: str) -> dict:
    """Build the configuration dict from environment variables with safe defaults."""
    instance = Path(instance_path)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'fieldapp.orm'}"
    # Heroku-style URLs name the old driver; SQLAlchemy 2 wants an explicit one.
    if database_url.startswith(("postgres://", "postgresql://")):
        database_url = "postgresql+psycopg://" + database_url.split("://", 1)[1]
    return {
        # Unset: a random key kept in instance/secret_key (see ``instance_secret_key``).
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MEDIA_ROOT": os.environ.get("MEDIA_ROOT", str(instance / "media")),
        "TILE_URL": os.environ.get("TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
        "TILE_ATTRIBUTION": os.environ.get("TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors"),
        "OFFICE_NAME": os.environ.get("OFFICE_NAME", "Participación Ciudadana"),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_MB", "25")) * 1024 * 1024,
        "PHOTO_MAX_MB": int(os.environ.get("PHOTO_MAX_MB", "20")),
        "SIGNATURE_MAX_MB": 2,
        "BABEL_DEFAULT_LOCALE": "es_MX",
        "BABEL_DEFAULT_TIMEZONE": "America/Mexico_City",
        "LANGUAGES": ["es", "en"],
        # A capture queued offline for hours must still be accepted when replayed:
        # the CSRF token lives as long as the session instead of one hour.
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(os.environ.get("SESSION_COOKIE_SECURE")),
        "REMEMBER_COOKIE_SECURE": _bool(os.environ.get("SESSION_COOKIE_SECURE")),
        "LOGIN_MAX_FAILURES": int(os.environ.get("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_FAILURE_WINDOW_MINUTES": int(os.environ.get("LOGIN_FAILURE_WINDOW_MINUTES", "15")),
        "PASSWORD_MIN_LENGTH": 10,
        # Number of reverse proxies in front of the app (nginx: 1); 0 trusts no X-Forwarded-*.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
    }


def instance_secret_key(instance_path: str) -> str:
    """A random secret created once per installation, so no install runs on a known key.

    Several app servers must share one key: set SECRET_KEY in their environment.
    """
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
