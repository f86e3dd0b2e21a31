"""FieldApp: offline-first field capture for municipal participation offices."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click
from flask import Flask, has_request_context, request, session
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from fieldapp.compression import init_compression
from fieldapp.config import instance_secret_key, load_config
from fieldapp.extensions import babel, csrf, db, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class InstanceFolderError(click.ClickException):
    """The instance folder (database, media) cannot be created or written to."""


def create_app(config: dict | None = None) -> Flask:
    """Application factory: ``flask --app fieldapp ...`` and gunicorn ``fieldapp:create_app()``."""
    config = dict(config or {})
    instance_path = config.pop("INSTANCE_PATH", None) or os.environ.get("FIELDAPP_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=os.path.abspath(instance_path) if instance_path else None,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(load_config(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)  # local overrides in instance/
    app.config.update(config)
    app.json.ensure_ascii = False  # readable Spanish in API responses
    ensure_instance_folder(app)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    init_compression(app)  # registered first, so it runs after every other after_request
    register_extensions(app)
    register_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def ensure_instance_folder(app: Flask) -> None:
    """Fail early, in plain words, when the instance folder cannot hold the data."""
    needs = [app.instance_path]
    if app.config["MEDIA_ROOT"].startswith(app.instance_path):
        needs.append(app.config["MEDIA_ROOT"])
    for folder in needs:
        try:
            os.makedirs(folder, exist_ok=True)
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as exc:
            raise InstanceFolderError(
                f"No se puede usar la carpeta {folder} ({exc.strerror}). "
                "Créala y da permiso de escritura al usuario que ejecuta FieldApp, "
                "o indica otra con FIELDAPP_INSTANCE_PATH / MEDIA_ROOT."
            ) from exc


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL for concurrent readers, enforced foreign keys, and waiting instead of failing."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def select_locale() -> str:
    """``?lang=`` (remembered in the session), else the browser's language, else Spanish."""
    languages = current_languages()
    if not has_request_context():  # CLI commands speak the default language
        return _babel_locale(languages[0])
    wanted = request.args.get("lang")
    if wanted in languages:
        session["lang"] = wanted
        return _babel_locale(wanted)
    if session.get("lang") in languages:
        return _babel_locale(session["lang"])
    best = request.accept_languages.best_match(languages, default=languages[0])
    return _babel_locale(best)


def current_languages() -> list[str]:
    from flask import current_app

    return current_app.config["LANGUAGES"]


def _babel_locale(lang: str) -> str:
    return "es_MX" if lang == "es" else lang


def register_extensions(app: Flask) -> None:
    from fieldapp import models  # noqa: F401  (complete metadata for Alembic)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    from fieldapp.auth.services import init_login

    init_login(app, login_manager)


def register_converters(app: Flask) -> None:
    from fieldapp.security import DatabaseIntConverter

    app.url_map.converters["int"] = DatabaseIntConverter  # before any route is added


def register_blueprints(app: Flask) -> None:
    from fieldapp.api import bp as api_bp
    from fieldapp.auth.admin_routes import bp as admin_bp
    from fieldapp.auth.routes import bp as auth_bp
    from fieldapp.exports.routes import bp as exports_bp
    from fieldapp.field.routes import bp as field_bp
    from fieldapp.main.routes import bp as main_bp
    from fieldapp.maps.vendor import bp as vendor_bp
    from fieldapp.media.routes import bp as media_bp
    from fieldapp.reports.routes import bp as reports_bp
    from fieldapp.review import bp as review_bp
    from fieldapp.supervisor_map.routes import bp as supervisor_map_bp
    from fieldapp.territory import api as _territory_api  # noqa: F401  (adds its API views)
    from fieldapp.territory.routes import bp as territory_bp

    for blueprint in (
        main_bp,
        auth_bp,
        admin_bp,
        api_bp,
        media_bp,
        territory_bp,
        vendor_bp,
        field_bp,
        reports_bp,
        exports_bp,
        review_bp,
        supervisor_map_bp,
    ):
        app.register_blueprint(blueprint)
    csrf.exempt(api_bp)  # the API checks CSRF itself for cookie sessions only


def register_errorhandlers(app: Flask) -> None:
    from fieldapp.errors import init_errorhandlers

    init_errorhandlers(app)


def register_template_helpers(app: Flask) -> None:
    from fieldapp.templating import init_templating

    init_templating(app)


def register_commands(app: Flask) -> None:
    from fieldapp.auth.cli import users_cli
    from fieldapp.demo.cli import demo_command
    from fieldapp.media.cli import media_cli
    from fieldapp.territory.cli import uts_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(uts_cli)
    app.cli.add_command(media_cli)
