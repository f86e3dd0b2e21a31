"""The home page."""

from flask import Blueprint, current_app, render_template
from flask_login import current_user
from sqlalchemy import text

from fieldapp.auth.decorators import login_required
from fieldapp.extensions import db
from fieldapp.orm import utcnow
from fieldapp.visits.services import home_summary

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def home():

    summary = home_summary(current_user, current_app.config["BABEL_DEFAULT_TIMEZONE"], utcnow())
    return render_template("main/home.html", **summary)


@bp.route("/healthz")
def healthz():
    """For load balancers: the app answers and reaches its database."""

    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
