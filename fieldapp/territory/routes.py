"""UT pages: the list with quarterly coverage, one page per UT, and the layer upload.

Supervisors and admins only: these pages add up everyone's visits and demands, while an
inspector sees only their own visits elsewhere; inspectors get their UT on the phone
through ``/api/v1/locate`` and the UT outlines through ``/api/v1/territorial-units``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user
from werkzeug.utils import secure_filename

from fieldapp.auth.decorators import role_required
from fieldapp.auth.models import Role
from fieldapp.extensions import db
from fieldapp.orm import utcnow
from fieldapp.territory import stats
from fieldapp.territory.forms import ImportForm
from fieldapp.territory.importer import import_units
from fieldapp.territory.layers import LayerError
from fieldapp.territory.locator import locator
from fieldapp.territory.models import TerritorialUnit
from fieldapp.territory.unit_map import unit_map
from fieldapp.visits.models import VisitKind

bp = Blueprint("territory", __name__, url_prefix="/uts")
PAGE_SIZE = 200


def tz_name() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def selected_quarter() -> stats.Quarter:
    current = stats.Quarter.containing(utcnow(), tz_name())
    return stats.Quarter.parse(request.args.get("trimestre")) or current


@bp.route("/")
@role_required(Role.SUPERVISOR, Role.ADMIN)
def unit_list():
    quarter = selected_quarter()
    parent = request.args.get("padre") or None
    sort = request.args.get("orden", "code")
    descending = request.args.get("dir") == "desc"
    rows = stats.unit_rows(quarter, tz_name(), parent)
    visited, total_units = sum(1 for r in rows if r.visited), len(rows)
    if request.args.get("sin_visita"):
        rows = [r for r in rows if not r.visited]
    rows = stats.sort_rows(rows, sort, descending)
    page = max(request.args.get("pagina", 1, type=int), 1)
    return render_template(
        "territory/list.html",
        rows=rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        total_rows=len(rows),
        page=page,
        pages=max((len(rows) + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        visited=visited,
        total_units=total_units,
        keep={k: request.args[k] for k in ("padre", "sin_visita") if request.args.get(k)},
        quarter=quarter,
        parents=stats.unit_parents(),
        parent=parent,
        sort=sort,
        descending=descending,
        kinds=list(VisitKind),
    )


@bp.route("/importar", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def import_layer():
    form = ImportForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("territory/import.html", form=form), status
    upload = form.layer_file.data
    with tempfile.TemporaryDirectory(prefix="fieldapp-uts-") as folder:
        path = Path(folder) / (secure_filename(upload.filename or "") or "capa")
        upload.save(path)
        try:
            report = import_units(path, form.options(), actor=current_user, source=path.name)
        except LayerError as exc:
            db.session.rollback()
            form.layer_file.errors = [str(exc)]
            return render_template("territory/import.html", form=form), 422
        except Exception:
            db.session.rollback()
            locator.invalidate()
            raise
    if not report.applied:
        db.session.rollback()
        return render_template("territory/import.html", form=form, report=report), 422
    db.session.commit()
    return render_template("territory/import.html", form=ImportForm(formdata=None), report=report)


@bp.route("/<path:code>")
@role_required(Role.SUPERVISOR, Role.ADMIN)
def unit_page(code: str):
    unit = db.session.scalar(sa.select(TerritorialUnit).where(TerritorialUnit.code == code))
    if unit is None:
        abort(404)
    quarter = selected_quarter()
    detail = stats.unit_detail(unit, quarter, tz_name())
    start, end = quarter.bounds(tz_name())
    parts, hidden = unit_map(unit, start, end, detail.projects)
    return render_template(
        "territory/unit.html",
        unit=unit,
        quarter=quarter,
        detail=detail,
        map_parts=parts,
        hidden_findings=hidden,
    )
