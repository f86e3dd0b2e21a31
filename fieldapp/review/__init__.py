"""The supervisors' side: follow-up queue, finding, visit and project pages, dashboard."""

from flask import Blueprint

bp = Blueprint("review", __name__)

from fieldapp.review import dashboard, findings_routes, visits_routes  # noqa: E402,F401
