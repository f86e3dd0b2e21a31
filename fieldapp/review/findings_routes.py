"""The follow-up queue and the finding page (history, before/after, status changes)."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from fieldapp.auth.decorators import login_required, role_required
from fieldapp.auth.models import Role, User
from fieldapp.domain_errors import DomainError
from fieldapp.extensions import db
from fieldapp.findings import lifecycle, queue
from fieldapp.findings.models import Area, Category, Finding, FindingStatus, FindingUpdate
from fieldapp.media.services import PhotoError
from fieldapp.orm import utcnow
from fieldapp.review import bp
from fieldapp.review.filters import queue_filters
from fieldapp.review.forms import TransitionForm
from fieldapp.review.maps import finding_map
from fieldapp.territory.models import TerritorialUnit


@bp.route("/bandeja")
@role_required(Role.SUPERVISOR, Role.ADMIN)
def queue_page():
    filters, errors = queue_filters(request.args)
    now = utcnow()
    page = queue.queue_page(filters, now)
    choices = {
        "areas": db.session.scalars(sa.select(Area).order_by(Area.name)).all(),
        "categories": db.session.scalars(sa.select(Category).order_by(Category.name)).all(),
        "units": db.session.execute(
            sa.select(TerritorialUnit.code, TerritorialUnit.name).order_by(TerritorialUnit.code)
        ).all(),
        "inspectors": queue.inspectors(),
    }
    html = render_template(
        "review/queue.html",
        page=page,
        filters=filters,
        errors=errors,
        now=now,
        statuses=list(FindingStatus),
        age=queue.age_days,
        overdue=queue.is_overdue,
        args=request.args,
        **choices,
    )
    return html, 400 if errors else 200


def load_finding(key: uuid.UUID) -> Finding:
    finding = db.session.scalar(
        sa.select(Finding)
        .where(Finding.uuid == key)
        .options(
            selectinload(Finding.updates).selectinload(FindingUpdate.photos),
            selectinload(Finding.photos),
        )
    )
    may_see = finding is not None and (
        current_user.role != Role.INSPECTOR or finding.created_by_id == current_user.id
    )
    if not may_see:
        abort(404)
    return finding


def transition_form(finding: Finding, blank: bool = False) -> TransitionForm:
    """The form with the statuses this person may choose (``blank``: ignore the request)."""
    form = TransitionForm(formdata=None) if blank else TransitionForm()
    form.to_status.choices = [
        (s.value, s.value) for s in lifecycle.allowed_targets(finding, current_user)
    ]
    areas = db.session.scalars(
        sa.select(Area).where(Area.active.is_(True)).order_by(Area.name)
    ).all()
    form.area.choices = [("", _("La del área de la categoría"))] + [(a.code, a.name) for a in areas]
    return form


def render_finding(finding: Finding, form: TransitionForm, status: int = 200):
    now = utcnow()
    after = [p for u in finding.updates for p in u.photos]
    authors = {u.author_id for u in finding.updates}
    names = dict(
        db.session.execute(sa.select(User.id, User.name).where(User.id.in_(authors))).all()
    )
    html = render_template(
        "review/finding.html",
        finding=finding,
        form=form,
        now=now,
        age=queue.age_days(finding, now),
        overdue=queue.is_overdue(finding, now),
        before=finding.photos,
        after=after,
        authors=names,
        duplicates=queue.possible_duplicates(finding) if finding.status in lifecycle.OPEN else [],
        map_parts=finding_map(finding),
    )
    return html, status


@bp.route("/findings/<uuid:key>")
@login_required
def finding_page(key: uuid.UUID):
    finding = load_finding(key)
    return render_finding(finding, transition_form(finding, blank=True))


@bp.route("/findings/<uuid:key>/status", methods=["POST"])
@login_required
def change_status(key: uuid.UUID):
    finding = load_finding(key)
    form = transition_form(finding)
    if not form.validate_on_submit():
        return render_finding(finding, form, 400)
    try:
        change = lifecycle.Change(
            to_status=FindingStatus(form.to_status.data),
            note=form.note.data or "",
            area_code=form.area.data or None,
            external_folio=form.external_folio.data,
            duplicate_of=find_original(form.duplicate_of.data),
            photos=[f.read() for f in form.photos.data or [] if f and f.filename],
        )
        lifecycle.apply_change(finding, change, current_user)
    except (DomainError, PhotoError, ValueError) as exc:
        db.session.rollback()
        form.form_errors.append(getattr(exc, "message", None) or str(exc))
        return render_finding(load_finding(key), form, getattr(exc, "status", 422))
    db.session.commit()
    flash(_("Estado actualizado."), "success")
    return redirect(url_for("review.finding_page", key=key))


def find_original(text: str | None) -> Finding | None:
    if not text:
        return None
    try:
        key = uuid.UUID(text.strip())
    except ValueError:
        raise ValueError(
            _("«%(value)s» no es el identificador de una demanda.", value=text[:40])
        ) from None
    return db.session.scalar(sa.select(Finding).where(Finding.uuid == key))
