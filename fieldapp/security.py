"""Content-Security-Policy: a per-request nonce for the few inline scripts, nothing else inline.

Pages place inline scripts only with ``nonce="{{ csp_nonce() }}"``; Folium's pieces from
``render_map`` get it through the ``nonced`` filter (``templates/maps/_map.html``). The tile
server from ``TILE_URL`` is the only other origin a page talks to.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, request
from markupsafe import Markup
from werkzeug.routing import IntegerConverter

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bnonce=)(?=[\s>])", re.IGNORECASE)


class DatabaseIntConverter(IntegerConverter):
    """``<int:...>`` limited to what an INTEGER column holds (32 bits on PostgreSQL): a
    larger number is a 404 like any unknown id, never an overflow in the database (500)."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def csp_nonce() -> str:
    """The nonce of this request (made on first use, the same for the whole response)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def nonced(html: str) -> Markup:
    """Give every ``<script>`` tag in trusted, already-rendered HTML this request's nonce."""
    return Markup(_INLINE_SCRIPT.sub(f'<script nonce="{csp_nonce()}"', str(html)))


def tile_origin(tile_url: str | None) -> str | None:
    """``https://{s}.tile.example.org/{z}/{x}/{y}.png`` -> ``https://*.tile.example.org``;
    None for no tiles or tiles served by the app itself (covered by 'self')."""
    if not tile_url:
        return None
    parts = urlsplit(tile_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    host = re.sub(r"\{[^}]*\}", "*", parts.netloc)
    if not re.fullmatch(r"[A-Za-z0-9.*:\[\]-]+", host):
        return None  # nothing that could break out of the header
    return f"{parts.scheme}://{host}"


def content_security_policy(nonce: str, tiles: str | None) -> str:
    extra = f" {tiles}" if tiles else ""
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}'",
        # Leaflet positions every tile, marker and popup with style attributes, and
        # Folium's map size comes in a <style> block: inline styles are needed for maps.
        "style-src": "'self' 'unsafe-inline'",
        "img-src": f"'self' data: blob:{extra}",
        # The field app's service worker fetches and caches map tiles, so its fetch()
        # needs the tile server too.
        "connect-src": f"'self'{extra}",
        "font-src": "'self'",
        "worker-src": "'self'",
        "manifest-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def refuse_nul_characters() -> None:
    """A NUL character in the path, the query or a form is never legitimate, and
    PostgreSQL refuses it in text (a 500 deep inside a query): answer 400 at once.
    JSON bodies are checked field by field by the API's validation."""
    values = [request.path]
    for _name, items in request.args.lists():
        values.extend(items)
    if request.mimetype in FORM_TYPES:
        for _name, items in request.form.lists():
            values.extend(items)
    if any("\x00" in value for value in values):
        abort(400)


def init_security(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.jinja_env.filters["nonced"] = nonced
    app.before_request(refuse_nul_characters)

    @app.after_request
    def set_csp(response):
        tiles = tile_origin(current_app.config.get("TILE_URL"))
        response.headers.setdefault(
            "Content-Security-Policy", content_security_policy(csp_nonce(), tiles)
        )
        return response
