"""Visit pages (review: validate or return), project pages, and signature images."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from fieldapp.auth.decorators import login_required, role_required
from fieldapp.domain_errors import DomainError
from fieldapp.extensions import db
from fieldapp.media.storage import get_storage
from fieldapp.orm import utcnow
from fieldapp.projects import services as projects
from fieldapp.projects.models import Project
from fieldapp.review import bp
from fieldapp.review.forms import ReviewForm
from fieldapp.review.maps import visit_map
from fieldapp.visits.models import Signature, Visit, VisitKind, VisitStatus
from fieldapp.visits.review import REVIEWERS, review_visit
from fieldapp.visits.services import visible_visits

PAGE = 100


@bp.route("/visits")
@login_required
def visits_page():
    status = request.args.get("status", "enviada")
    valid = {s.value for s in VisitStatus} | {"all"}
    error = None
    if status not in valid:
        error, status = _("El estado «%(value)s» no existe.", value=status[:40]), "all"
    query = visible_visits(current_user).options(
        selectinload(Visit.inspector),
        selectinload(Visit.territorial_unit),
        selectinload(Visit.findings),
    )
    if status != "all":
        query = query.where(Visit.status == VisitStatus(status))
    visits = db.session.scalars(query.order_by(Visit.started_at.desc()).limit(PAGE)).all()
    html = render_template(
        "review/visits.html", visits=visits, status=status, error=error, statuses=list(VisitStatus)
    )
    return html, 400 if error else 200


def load_visit(key: uuid.UUID) -> Visit:
    visit = db.session.scalar(visible_visits(current_user).where(Visit.uuid == key))
    if visit is None:
        abort(404)
    return visit


def review_form(blank: bool = False) -> ReviewForm:
    form = ReviewForm(formdata=None) if blank else ReviewForm()
    form.decision.choices = [("validar", _("Validar")), ("devolver", _("Devolver con comentarios"))]
    return form


def render_visit(visit: Visit, form: ReviewForm, status: int = 200):
    may_review = (
        current_user.role in REVIEWERS
        and visit.status == VisitStatus.ENVIADA
        and visit.inspector_id != current_user.id
    )
    photos = [*visit.photos, *(p for f in visit.findings for p in f.photos)]
    html = render_template(
        "review/visit.html",
        visit=visit,
        form=form,
        may_review=may_review,
        photos=photos,
        map_parts=visit_map(visit),
    )
    return html, status


@bp.route("/visits/<uuid:key>")
@login_required
def visit_page(key: uuid.UUID):
    return render_visit(load_visit(key), review_form(blank=True))


@bp.route("/visits/<uuid:key>/review", methods=["POST"])
@role_required(*REVIEWERS)
def review(key: uuid.UUID):
    visit = load_visit(key)
    form = review_form()
    if not form.validate_on_submit() or form.decision.data not in ("validar", "devolver"):
        form.form_errors.append(_("Elige validar o devolver."))
        return render_visit(visit, form, 400)
    try:
        review_visit(
            visit, current_user, form.decision.data == "validar", form.comment.data or "", utcnow()
        )
    except DomainError as exc:
        db.session.rollback()
        form.form_errors.append(exc.message)
        return render_visit(load_visit(key), form, exc.status)
    db.session.commit()
    flash(
        _("Visita validada.")
        if visit.status == VisitStatus.VALIDADA
        else _("Visita devuelta; el inspector verá tus comentarios en su teléfono."),
        "success",
    )
    return redirect(url_for("review.visit_page", key=key))


@bp.route("/signatures/<uuid:key>.png")
@login_required
def signature_image(key: uuid.UUID):
    signature = db.session.scalar(sa.select(Signature).where(Signature.uuid == key))
    if signature is None or (
        signature.visit_id
        and not db.session.scalar(
            visible_visits(current_user).where(Visit.id == signature.visit_id)
        )
    ):
        abort(404)
    return send_file(get_storage().path(signature.storage_key), mimetype="image/png", max_age=3600)


@bp.route("/projects")
@login_required
def projects_page():
    return render_template("review/projects.html", projects=projects.list_projects())


@bp.route("/projects/<uuid:key>")
@login_required
def project_page(key: uuid.UUID):
    project = db.session.scalar(sa.select(Project).where(Project.uuid == key))
    if project is None:
        abort(404)
    return render_template(
        "review/project.html",
        project=project,
        history=projects.progress_history(project),
        timeline=projects.photo_timeline(project),
        supervision=VisitKind.SUPERVISION_OBRA,
    )
