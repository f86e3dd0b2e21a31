"""``/mapa``: the supervisors' map, its compact findings data and one finding's popup.

Supervisors and admins only (an inspector sees their own work on the phone). The page is
built by Folium without any finding in it; the browser then fetches ``/mapa/datos.json``
(gzip-compressed when accepted) and ``/mapa/hallazgos/<id>.json`` on a click.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from fieldapp.auth.decorators import role_required
from fieldapp.auth.models import Role
from fieldapp.errors import json_error
from fieldapp.maps import render_map
from fieldapp.orm import utcnow
from fieldapp.supervisor_map import data, options
from fieldapp.supervisor_map.filters import parse_filters
from fieldapp.supervisor_map.layers import supervisor_map
from fieldapp.territory.stats import Quarter

bp = Blueprint("supervisor_map", __name__, url_prefix="/mapa")
DEFAULT_MAX_POINTS = 250_000


def tz_name() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


@bp.get("/")
@role_required(Role.SUPERVISOR, Role.ADMIN)
def map_page():
    filters, errors = parse_filters(request.args, tz_name())
    quarter = Quarter.containing(utcnow(), tz_name())
    findings = options.findings_layer_options(
        url_for(".map_data", **filters.args),
        url_for(".finding_popup", finding_id=0).replace("/0.json", "/{id}.json"),
    )
    if errors:  # the page still shows the UTs; the findings wait for valid filters
        findings["dataUrl"] = ""
    fmap, classes = supervisor_map(filters, findings, quarter.bounds(tz_name()))
    html = render_template(
        "supervisor_map/map.html",
        map_parts=render_map(fmap, height="calc(100vh - 140px)"),
        filters=filters,
        errors=errors,
        classes=classes,
        quarter=quarter,
        choices=options.filter_choices(),
        args=request.args,
    )
    return html, 422 if errors else 200


@bp.get("/datos.json")
@role_required(Role.SUPERVISOR, Role.ADMIN)
def map_data():
    filters, errors = parse_filters(request.args, tz_name(), with_bbox=True)
    if errors:
        return json_error(422, _("Hay filtros no válidos."), fields=errors)
    max_points = current_app.config.get("MAP_MAX_POINTS", DEFAULT_MAX_POINTS)
    body = data.compact_json(data.map_findings(filters, max_points))
    response = Response(body, mimetype="application/json")
    if "gzip" in request.accept_encodings:
        response.set_data(data.gzipped(body))
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding, Cookie"
    response.headers["Cache-Control"] = "private, no-cache"
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/hallazgos/<int:finding_id>.json")
@role_required(Role.SUPERVISOR, Role.ADMIN)
def finding_popup(finding_id: int):
    content = data.finding_popup(finding_id)
    if content is None:
        abort(404)
    return jsonify(content)
