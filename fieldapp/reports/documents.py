"""Issued PDFs: a short code per copy, recorded with the SHA-256 of the bytes handed out."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from fieldapp.extensions import db
from fieldapp.orm import utcnow
from fieldapp.reports.models import IssuedDocument
from fieldapp.reports.pdf import qr_svg_uri, sha256_hex

# Crockford's base 32: no I, L, O or U, so a code read aloud or typed from paper survives.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 50 random bits: not guessable, short enough to type
KIND_LABELS = {
    "evidencia_visita": _l("Evidencia de visita"),
    "acta_entrega": _l("Acta de entrega-recepción"),
    "informe_trimestral": _l("Informe trimestral"),
}


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """``ABCDE-FGHJK``: easier to read from paper."""
    return f"{code[:5]}-{code[5:]}"


def normalize_code(text: str) -> str:
    """What a person typed (dashes, spaces, lower case, O for 0, I/L for 1) as a stored code."""
    text = re.sub(r"[\s-]", "", text or "").upper()
    return text.translate(str.maketrans("OIL", "011"))


def issue_pdf(
    kind: str, target: str, summary: str, user, render: Callable[[dict], bytes]
) -> tuple[bytes, IssuedDocument]:
    """Give the document a code, render it (``render`` gets the code, the verification URL,
    its QR and the issue time), and record the SHA-256 of the bytes. Flushes only."""
    code = new_code()
    verify_url = url_for("reports.verify", code=code, _external=True)
    issued_at = utcnow()
    stamp = {
        "code": format_code(code),
        "url": verify_url,
        "qr": qr_svg_uri(verify_url),
        "issued_at": issued_at,
    }
    pdf = render(stamp)
    document = IssuedDocument(
        code=code,
        kind=kind,
        target=target,
        summary=summary[:300],
        sha256=sha256_hex(pdf),
        size=len(pdf),
        issued_at=issued_at,
        issued_by_id=getattr(user, "id", None),
    )
    db.session.add(document)
    db.session.flush()
    return pdf, document


def find_issued(code: str) -> IssuedDocument | None:
    return db.session.scalar(
        sa.select(IssuedDocument).where(IssuedDocument.code == normalize_code(code))
    )


def file_matches(document: IssuedDocument, stream) -> bool:
    """Whether the uploaded file has exactly the bytes that were issued (read in chunks)."""
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 16), b""):
        digest.update(chunk)
    return digest.hexdigest() == document.sha256
