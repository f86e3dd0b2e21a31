"""Serving third-party browser assets from installed XStatic packages (no copies, no CDN).

``/vendor/leaflet/leaflet.js``, ``/vendor/leaflet/leaflet.css`` (with its ``images/``) and
``/vendor/jquery/jquery.min.js``. Another asset is one line in ``VENDOR_PACKAGES`` plus the
PyPI package in ``pyproject.toml``.
"""

from __future__ import annotations

import importlib
from functools import cache

from flask import Blueprint, abort, send_from_directory

VENDOR_PACKAGES = {
    "leaflet": "xstatic.pkg.leaflet",
    "jquery": "xstatic.pkg.jquery",
}
MAX_AGE_SECONDS = 7 * 24 * 3600

bp = Blueprint("vendor", __name__, url_prefix="/vendor")


@cache
def package_dir(package: str) -> str:
    """The folder holding the package's files (``BASE_DIR`` of the XStatic module)."""
    return importlib.import_module(VENDOR_PACKAGES[package]).BASE_DIR


@bp.get("/<package>/<path:filename>")
def asset(package: str, filename: str):
    if package not in VENDOR_PACKAGES:
        abort(404)
    # send_from_directory refuses paths that leave the folder.
    return send_from_directory(package_dir(package), filename, max_age=MAX_AGE_SECONDS)
