"""Serving the phone app: /app (the shell), /sw.js, the manifest and the icons."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, send_from_directory, url_for
from flask_babel import gettext as _

from fieldapp.auth.decorators import login_required
from fieldapp.field.icons import icon_png
from fieldapp.field.strings import ui_strings

bp = Blueprint("field", __name__)
ICON_SIZES = (192, 512)


@bp.route("/app")
@login_required
def shell():
    """The app shell; the service worker keeps a copy so it opens without network."""
    response = Response(render_template("field/app.html", strings=ui_strings()))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/sw.js")
def service_worker():
    response = send_from_directory(
        current_app.static_folder, "field/sw.js", mimetype="text/javascript", max_age=0
    )
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.route("/manifest.webmanifest")
def manifest():
    icons = [
        {
            "src": url_for("field.icon", size=s),
            "sizes": f"{s}x{s}",
            "type": "image/png",
            "purpose": "any",
        }
        for s in ICON_SIZES
    ]
    icons += [
        {
            "src": url_for("field.icon", size=s, maskable=1),
            "sizes": f"{s}x{s}",
            "type": "image/png",
            "purpose": "maskable",
        }
        for s in ICON_SIZES
    ]
    body = {
        "name": _("FieldApp — Recorridos y supervisión"),
        "short_name": "FieldApp",
        "description": _("Registro de recorridos, supervisiones de obra y demandas ciudadanas."),
        "lang": "es-MX",
        "start_url": url_for("field.shell"),
        "scope": "/",
        "id": "/app",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0b3d91",
        "icons": icons,
    }
    response = current_app.response_class(
        current_app.json.dumps(body), mimetype="application/manifest+json"
    )
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/icons/icon-<int:size>.png")
def icon(size: int):
    from flask import abort, request

    if size not in ICON_SIZES:
        abort(404)
    data = icon_png(size, maskable=request.args.get("maskable") == "1")
    return Response(data, mimetype="image/png", headers={"Cache-Control": "public, max-age=86400"})
