"""UT endpoints of the JSON API (auth by the api blueprint): outlines and "where am I"."""

from __future__ import annotations

import math

from flask import jsonify, request
from flask_babel import gettext as _

from fieldapp.api import bp
from fieldapp.errors import json_error
from fieldapp.territory import services


@bp.get("/territorial-units")
def territorial_units():
    """All UTs as GeoJSON (``?simplify=`` tolerance in metres, ``?parent=`` one alcaldía)."""
    simplify = parse_number(request.args.get("simplify", "0"), 0, services.MAX_SIMPLIFY_M)
    if simplify is None:
        return json_error(
            422,
            _(
                "«simplify» es una tolerancia en metros, de 0 a %(max)d.",
                max=services.MAX_SIMPLIFY_M,
            ),
            fields={
                "simplify": [_("Debe ser un número de 0 a %(max)d.", max=services.MAX_SIMPLIFY_M)]
            },
        )
    parent = request.args.get("parent") or None
    etag = services.units_etag(simplify, parent)
    if etag in request.if_none_match:
        return "", 304, {"ETag": f'"{etag}"', "Cache-Control": "private, no-cache"}
    response = jsonify(type="FeatureCollection", features=services.unit_features(simplify, parent))
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    response.mimetype = "application/geo+json"
    return response


@bp.get("/locate")
def locate():
    """The UT at ``?lat=&lon=``, or null with the nearest UT and its distance in metres."""
    lat = parse_number(request.args.get("lat"), -90, 90)
    lon = parse_number(request.args.get("lon"), -180, 180)
    errors = {}
    if lat is None:
        errors["lat"] = [_("Latitud entre -90 y 90, en grados decimales.")]
    if lon is None:
        errors["lon"] = [_("Longitud entre -180 y 180, en grados decimales.")]
    if errors:
        return json_error(422, _("Indica «lat» y «lon» en grados decimales."), fields=errors)
    return jsonify(services.locate(lat, lon))


def parse_number(text: str | None, low: float, high: float) -> float | None:
    try:
        value = float(text) if text is not None else math.nan
    except ValueError:
        return None
    return value if math.isfinite(value) and low <= value <= high else None
