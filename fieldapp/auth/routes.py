"""Login, logout and the user's own page (with their API tokens)."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from fieldapp.auth import services
from fieldapp.auth.decorators import login_required
from fieldapp.auth.forms import LoginForm, TokenForm
from fieldapp.auth.models import ApiToken
from fieldapp.extensions import db

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only same-site relative paths, never another host."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
        ):
            return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.TooManyAttempts:
            db.session.rollback()
            form.form_errors.append(
                _("Demasiados intentos fallidos. Espera %(n)d minutos y vuelve a intentar.", n=15)
            )
            return render_template("auth/login.html", form=form), 429
        db.session.commit()
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
        form.form_errors.append(_("Correo o contraseña incorrectos, o la cuenta está desactivada."))
        status = 401
    elif form.is_submitted():
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()  # CSRFProtect has checked the form's token
    flash(_("Cerraste tu sesión."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account")
@login_required
def account():
    return render_template("auth/account.html", token_form=TokenForm(), new_token=None)


@bp.route("/account/tokens", methods=["POST"])
@login_required
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return render_template("auth/account.html", token_form=form, new_token=None), 400
    token, raw = services.issue_token(current_user, form.name.data)
    db.session.commit()
    # Shown once, on this response only; never stored in clear.
    return render_template("auth/account.html", token_form=TokenForm(formdata=None), new_token=raw)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    token = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == current_user.id)
    )
    if token is None:
        abort(404)
    services.revoke_token(token, current_user)
    db.session.commit()
    flash(_("Token «%(name)s» revocado.", name=token.name), "info")
    return redirect(url_for("auth.account"))
