"""Admin pages: list, create, disable and enable users."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.auth import services
from fieldapp.auth.decorators import role_required
from fieldapp.auth.forms import UserCreateForm
from fieldapp.auth.models import Role, User
from fieldapp.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    people = db.session.scalars(sa.select(User).order_by(User.active.desc(), User.name)).all()
    return render_template("admin/users.html", users=people)


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_user():
    form = UserCreateForm()
    if not form.validate_on_submit():
        return render_template(
            "admin/user_new.html", form=form
        ), 400 if form.is_submitted() else 200
    try:
        user = services.create_user(
            form.email.data, form.name.data, form.role.data, form.password.data, actor=current_user
        )
    except services.AccountError as exc:
        db.session.rollback()
        for field, messages in exc.fields.items():
            getattr(form, field).errors = list(messages)
        return render_template("admin/user_new.html", form=form), 400
    db.session.commit()
    flash(_("Cuenta creada para %(name)s.", name=user.name), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@role_required(Role.ADMIN)
def toggle_active(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    try:
        services.set_user_active(user, not user.active, actor=current_user)
    except services.AccountError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("admin.users"))
    db.session.commit()
    message = (
        _("Cuenta activada: %(name)s.", name=user.name)
        if user.active
        else _("Cuenta desactivada: %(name)s.", name=user.name)
    )
    flash(message, "info")
    return redirect(url_for("admin.users"))
