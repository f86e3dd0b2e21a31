"""The quarter at a glance: visits by kind, UT coverage, demands, days to attend, overdue."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, render_template, request

from fieldapp.auth.decorators import role_required
from fieldapp.auth.models import Role
from fieldapp.extensions import db
from fieldapp.findings.stats import demand_stats
from fieldapp.orm import utcnow
from fieldapp.review import bp
from fieldapp.territory.models import TerritorialUnit
from fieldapp.territory.stats import Quarter
from fieldapp.visits.models import Visit, VisitKind


@bp.route("/tablero")
@role_required(Role.SUPERVISOR, Role.ADMIN)
def dashboard():
    tz = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    now = utcnow()
    quarter = Quarter.parse(request.args.get("q")) or Quarter.containing(now, tz)
    start, end = quarter.bounds(tz)
    in_quarter = sa.and_(Visit.started_at >= start, Visit.started_at < end)
    by_kind = dict(
        db.session.execute(
            sa.select(Visit.kind, sa.func.count(Visit.id)).where(in_quarter).group_by(Visit.kind)
        ).all()
    )
    visited = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Visit.territorial_unit_id))).where(
            in_quarter, Visit.territorial_unit_id.is_not(None)
        )
    )
    units = db.session.scalar(sa.select(sa.func.count(TerritorialUnit.id)))
    return render_template(
        "review/dashboard.html",
        quarter=quarter,
        kinds=list(VisitKind),
        by_kind=by_kind,
        visited=visited,
        units=units,
        demands=demand_stats(start, end, now),
    )
