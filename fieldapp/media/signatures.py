"""Signatures drawn on the phone: small PNGs, stored by content like photos."""

from __future__ import annotations

import hashlib
import uuid

import sqlalchemy as sa
from flask_babel import gettext as _

from fieldapp.domain_errors import Conflict
from fieldapp.extensions import db
from fieldapp.media.services import PhotoError, inspect_image
from fieldapp.media.storage import get_storage
from fieldapp.visits.models import Signature


def ingest_signature(
    key: uuid.UUID, data: bytes, claimed_sha256: str | None, **fields
) -> tuple[Signature, bool]:
    """Idempotent upload of signature ``key``: (signature, created)."""
    digest = hashlib.sha256(data).hexdigest()
    if not claimed_sha256 or claimed_sha256.strip().lower() != digest:
        raise PhotoError(_("El contenido no coincide con su SHA-256 (X-Content-SHA256)."))
    existing = db.session.scalar(sa.select(Signature).where(Signature.uuid == key))
    if existing is not None:
        if existing.sha256 != digest:
            raise Conflict(_("Esa firma ya existe con otro contenido."), code="signature_conflict")
        return existing, False
    if inspect_image(data).content_type != "image/png":
        raise PhotoError(_("La firma debe ser una imagen PNG."))
    storage_key, _digest = get_storage().put(data, ".png")
    signature = Signature(
        uuid=key, sha256=digest, storage_key=storage_key, size=len(data), **fields
    )
    db.session.add(signature)
    db.session.flush()
    return signature, True
