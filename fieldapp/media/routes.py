"""Serving stored photos to people allowed to see them (never from static/)."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import Blueprint, abort, send_file
from flask_login import current_user

from fieldapp.auth.decorators import login_required
from fieldapp.auth.models import Role
from fieldapp.extensions import db
from fieldapp.findings.models import Finding
from fieldapp.media.models import Photo
from fieldapp.media.storage import get_storage
from fieldapp.visits.models import Visit

bp = Blueprint("media", __name__, url_prefix="/media")
VARIANTS = {"display": "display_key", "thumb": "thumb_key", "original": "storage_key"}


def may_see(photo: Photo) -> bool:
    """Supervisors and admins see every photo; inspectors those of their own work."""
    if current_user.role != Role.INSPECTOR:
        return True
    if photo.uploaded_by_id == current_user.id:
        return True
    owner = None
    if photo.finding_id:
        owner = db.session.scalar(
            sa.select(Finding.created_by_id).where(Finding.id == photo.finding_id)
        )
    elif photo.visit_id:
        owner = db.session.scalar(sa.select(Visit.inspector_id).where(Visit.id == photo.visit_id))
    return owner == current_user.id


@bp.get("/photos/<uuid:key>/<variant>")
@login_required
def photo_file(key: uuid.UUID, variant: str):
    if variant not in VARIANTS:
        abort(404)
    photo = db.session.scalar(sa.select(Photo).where(Photo.uuid == key))
    if photo is None or not may_see(photo):
        abort(404)
    storage_key = getattr(photo, VARIANTS[variant]) or photo.storage_key
    mimetype = photo.content_type if storage_key == photo.storage_key else "image/jpeg"
    response = send_file(
        get_storage().path(storage_key), mimetype=mimetype, max_age=31536000, etag=True
    )
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response
