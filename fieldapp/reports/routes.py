"""Report faces: evidence PDFs, actas, the public verification page, POA and quarterly."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_login import current_user

from fieldapp.auth.decorators import login_required, role_required
from fieldapp.auth.models import Role
from fieldapp.extensions import db
from fieldapp.reports import acta, evidence
from fieldapp.reports.documents import KIND_LABELS, file_matches, find_issued, format_code
from fieldapp.reports.forms import VerifyFileForm

bp = Blueprint("reports", __name__)


def pdf_response(pdf: bytes, filename: str, document) -> Response:
    """The PDF as issued, shown in the browser; never cached (it holds personal data)."""
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Verification-Code"] = document.code
    return response


@bp.get("/visits/<uuid:key>/evidence.pdf")
@login_required
def visit_evidence(key):
    pdf, document = evidence.issue_visit_evidence(current_user, key)
    db.session.commit()
    return pdf_response(pdf, f"evidencia-{key.hex[:8]}.pdf", document)


@bp.get("/projects/<uuid:key>/acta.pdf")
@role_required(Role.SUPERVISOR, Role.ADMIN)
def project_acta(key):
    pdf, document = acta.issue_acta(current_user, key)
    db.session.commit()
    return pdf_response(pdf, f"acta-entrega-{key.hex[:8]}.pdf", document)


@bp.route("/verify/<code>", methods=["GET", "POST"])
def verify(code):
    """Public: anyone holding a copy may check it, without an account; a PDF file can be
    uploaded to compare its SHA-256 with the one recorded when it was issued."""
    document = find_issued(code)
    form = VerifyFileForm()
    matches = None
    if document and form.validate_on_submit():
        matches = file_matches(document, form.pdf_file.data.stream)
    status = 200 if document else 404
    if document and form.is_submitted() and form.errors:
        status = 400
    return render_template(
        "reports/verify.html",
        document=document,
        form=form,
        matches=matches,
        code=format_code(document.code) if document else code[:20],
        kind=KIND_LABELS.get(document.kind, document.kind) if document else None,
    ), status


from fieldapp.reports import plan_routes  # noqa: E402,F401  (adds the POA and report views)
