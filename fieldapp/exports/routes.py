"""GET /exports/<dataset>.<format>: findings, visits and projects as files."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from fieldapp.auth.decorators import login_required
from fieldapp.exports.datasets import DATASETS
from fieldapp.exports.formats import FORMATS
from fieldapp.exports.services import export

bp = Blueprint("exports", __name__, url_prefix="/exports")


@bp.get("/")
@login_required
def index():
    return render_template("exports/index.html", datasets=DATASETS, formats=FORMATS)


@bp.get("/<name>")
@login_required
def download(name: str):
    result = export(current_user, name, request.args)
    response = Response(result.data, mimetype=result.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Row-Count"] = str(result.rows)
    return response
