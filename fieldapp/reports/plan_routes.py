"""POA pages (list, add, edit, CSV import) and the quarterly report (page and PDF)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.auth.decorators import role_required
from fieldapp.auth.models import Role
from fieldapp.domain_errors import DomainError, NotFound, Unprocessable
from fieldapp.extensions import db
from fieldapp.findings.models import Area
from fieldapp.orm import utcnow
from fieldapp.reports import plan
from fieldapp.reports.documents import issue_pdf
from fieldapp.reports.forms import ActivityForm, PlanImportForm
from fieldapp.reports.models import PlannedActivity
from fieldapp.reports.pdf import render_pdf
from fieldapp.reports.quarterly import quarterly_report
from fieldapp.reports.routes import bp, pdf_response
from fieldapp.territory.stats import Quarter

READERS = (Role.SUPERVISOR, Role.ADMIN)
TEMPLATE_CSV = (
    "anio,trimestre,actividad,area,meta,descripcion\n"
    "2026,1,recorrido,participacion,24,Recorridos exploratorios con comités\n"
    "2026,1,supervision_obra,,57,Supervisión de los proyectos de las 57 UT\n"
)


def tz_name() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def active_areas():
    return list(db.session.scalars(sa.select(Area).where(Area.active).order_by(Area.name)))


def render_plan(year: int, form=None, import_form=None, status: int = 200):
    form = form or ActivityForm(year=year, formdata=None)
    form.set_choices(active_areas())
    return render_template(
        "reports/poa.html",
        year=year,
        years=sorted(set(plan.plan_years()) | {year}),
        activities=plan.plan_for(year),
        form=form,
        import_form=import_form or PlanImportForm(formdata=None),
    ), status


@bp.get("/poa")
@role_required(*READERS)
def plan_page():
    year = request.args.get("anio", type=int) or utcnow().year
    return render_plan(year)


@bp.post("/poa")
@role_required(Role.ADMIN)
def plan_add():
    form = ActivityForm()
    form.set_choices(active_areas())
    if not form.validate_on_submit():
        return render_plan(form.year.data or utcnow().year, form=form, status=400)
    try:
        plan.save_activity(form.row())
    except DomainError as exc:
        form.form_errors.append(exc.message)
        return render_plan(form.year.data, form=form, status=exc.status)
    db.session.commit()
    flash(_("Meta guardada."), "success")
    return redirect(url_for("reports.plan_page", anio=form.year.data))


@bp.route("/poa/<int:activity_id>/editar", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def plan_edit(activity_id: int):
    activity = db.session.get(PlannedActivity, activity_id)
    if activity is None:
        raise NotFound(_("No existe esa meta del POA."))
    form = ActivityForm(obj=activity if request.method == "GET" else None)
    if request.method == "GET":
        form.area_id.data = activity.area_id or 0
    form.set_choices(active_areas())
    status = 200
    if form.validate_on_submit():
        try:
            plan.save_activity(form.row(), activity)
            db.session.commit()
            flash(_("Meta actualizada."), "success")
            return redirect(url_for("reports.plan_page", anio=activity.year))
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(exc.message)
            status = exc.status
    elif form.is_submitted():
        status = 400
    return render_template("reports/poa_edit.html", form=form, activity=activity), status


@bp.post("/poa/importar")
@role_required(Role.ADMIN)
def plan_import():
    form = PlanImportForm()
    year = request.args.get("anio", type=int) or utcnow().year
    if not form.validate_on_submit():
        return render_plan(year, import_form=form, status=400)
    try:
        created, updated = plan.import_plan(form.plan_file.data.read())
    except DomainError as exc:
        db.session.rollback()
        errors = (exc.fields or {}).get("archivo") or [exc.message]
        form.plan_file.errors = list(errors)
        return render_plan(year, import_form=form, status=exc.status)
    db.session.commit()
    flash(_("Plan importado: %(c)d metas nuevas, %(u)d actualizadas.", c=created, u=updated),
          "success")  # fmt: skip
    return redirect(url_for("reports.plan_page", anio=year))


@bp.get("/poa/plantilla.csv")
@role_required(*READERS)
def plan_template():
    response = current_app.response_class(TEMPLATE_CSV, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="poa-plantilla.csv"'
    return response


def selected_quarter() -> Quarter:
    text = request.args.get("trimestre")
    if not text:
        return Quarter.containing(utcnow(), tz_name())
    quarter = Quarter.parse(text)
    if quarter is None:
        raise Unprocessable(_("Trimestre no válido: usa AAAA-T, por ejemplo 2026-3."))
    return quarter


@bp.get("/informes/trimestral")
@role_required(*READERS)
def quarterly_page():
    report = quarterly_report(selected_quarter(), tz_name())
    return render_template("reports/quarterly.html", **report)


@bp.get("/informes/trimestral.pdf")
@role_required(*READERS)
def quarterly_pdf():
    quarter = selected_quarter()
    report = quarterly_report(quarter, tz_name())
    pdf, document = issue_pdf(
        "informe_trimestral",
        str(quarter),
        _("Informe del trimestre %(q)d de %(y)d", q=quarter.number, y=quarter.year),
        current_user,
        lambda stamp: render_pdf("reports/quarterly_pdf.html", stamp=stamp, **report),
    )
    db.session.commit()
    return pdf_response(pdf, f"informe-{quarter}.pdf", document)
