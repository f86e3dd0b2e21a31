"""PUT endpoints the phone's outbox replays: visits, findings, photos, signatures.

Each is an upsert by the phone's UUID: 201 when created, 200 when it was already there
(a retry), never a duplicate.
"""

from __future__ import annotations

import errno
import uuid
from collections.abc import Callable

from flask import current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from fieldapp.api import bp
from fieldapp.api.schemas import parse_finding, parse_visit
from fieldapp.api.serializers import finding_json, photo_json, visit_json
from fieldapp.api.targets import photo_target, signature_target
from fieldapp.api.validation import Invalid, parse_datetime, parse_uuid
from fieldapp.domain_errors import Unprocessable
from fieldapp.errors import handle_unexpected, json_error
from fieldapp.extensions import db
from fieldapp.findings.sync import upsert_finding
from fieldapp.media.services import ExifHints, PhotoError, ingest_photo
from fieldapp.media.signatures import ingest_signature
from fieldapp.orm import utcnow
from fieldapp.visits.sync import upsert_visit


@bp.errorhandler(Invalid)
def invalid_body(exc: Invalid):
    return json_error(422, _("Los datos enviados no son válidos."), fields=exc.fields)


@bp.errorhandler(PhotoError)
def invalid_photo(exc: PhotoError):
    return json_error(422, str(exc), code="invalid_image")


DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


@bp.errorhandler(OSError)
def disk_full(exc: OSError):
    """No space left for a photo or signature: 507, retryable (the outbox keeps the file
    and tries again later). ``FilesystemStorage.put`` removed its temporary file, so no
    half file remains, and the row was never committed."""
    if exc.errno not in DISK_FULL:
        return handle_unexpected(exc)
    current_app.logger.error("Disk full on %s %s: %s", request.method, request.path, exc)
    db.session.rollback()
    return json_error(
        507,
        _(
            "No hay espacio en el servidor para guardar el archivo. Sigue guardado en el "
            "teléfono y se enviará de nuevo más tarde."
        ),
        code="insufficient_storage",
        headers={"Retry-After": "60"},
    )


def require_uuid(value: str) -> uuid.UUID:
    parsed = parse_uuid(value)
    if parsed is None:
        raise Unprocessable(_("«%(value)s» no es un UUID.", value=value[:60]), code="invalid_uuid")
    return parsed


def upsert_once(action: Callable[[], tuple]) -> tuple:
    """Run an upsert; if a simultaneous retry created the row first, run it again (the
    second run finds the row and answers as a replay)."""
    try:
        return action()
    except IntegrityError:
        db.session.rollback()
        return action()


def answer(serialize: Callable[[], dict], created: bool):
    """Commit, then describe the record as stored (times normalised to UTC)."""
    db.session.commit()
    return jsonify(serialize()), 201 if created else 200


@bp.put("/visits/<key>")
def put_visit(key: str):
    key = require_uuid(key)
    data = parse_visit(request.get_json(silent=True))
    visit, created = upsert_once(lambda: upsert_visit(key, data, current_user, utcnow()))
    return answer(lambda: visit_json(visit), created)


@bp.put("/findings/<key>")
def put_finding(key: str):
    key = require_uuid(key)
    data = parse_finding(request.get_json(silent=True))
    finding, created = upsert_once(lambda: upsert_finding(key, data, current_user, utcnow()))
    return answer(lambda: finding_json(finding, private=True), created)


def read_body(limit_mb_key: str) -> bytes:
    limit = current_app.config[limit_mb_key] * 1024 * 1024
    if request.content_length is not None and request.content_length > limit:
        raise TooLarge(limit)
    data = request.get_data(cache=False)
    if len(data) > limit:
        raise TooLarge(limit)
    return data


class TooLarge(Exception):
    def __init__(self, limit: int):
        self.limit = limit


@bp.errorhandler(TooLarge)
def too_large(exc: TooLarge):
    return json_error(
        413, _("El archivo es demasiado grande (máximo %(mb)d MB).", mb=exc.limit // (1024 * 1024))
    )


def exif_hints() -> ExifHints:
    """EXIF read on the phone from the original (the resized copy has none); impossible
    values are dropped."""
    taken = parse_datetime(request.headers.get("X-Exif-Taken-At"))
    try:
        lat = float(request.headers.get("X-Exif-Lat", "nan"))
        lon = float(request.headers.get("X-Exif-Lon", "nan"))
    except ValueError:
        lat = lon = float("nan")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        lat = lon = None
    return ExifHints(taken_at=taken, lat=lat, lon=lon)


@bp.put("/photos/<key>")
def put_photo(key: str):
    key = require_uuid(key)
    links = photo_target(request.args, current_user)
    data = read_body("PHOTO_MAX_MB")
    photo, created = upsert_once(
        lambda: ingest_photo(
            key,
            data,
            request.headers.get("X-Content-SHA256"),
            exif_hints(),
            uploaded_by_id=current_user.id,
            **links,
        )
    )
    return answer(lambda: photo_json(photo), created)


@bp.put("/signatures/<key>")
def put_signature(key: str):
    key = require_uuid(key)
    target = signature_target(request.args, current_user)
    data = read_body("SIGNATURE_MAX_MB")
    signature, created = upsert_once(
        lambda: ingest_signature(key, data, request.headers.get("X-Content-SHA256"), **target)
    )
    return answer(
        lambda: {
            "id": str(signature.uuid),
            "sha256": signature.sha256,
            "name": signature.signer_name,
            "role": signature.signer_role,
        },
        created,
    )
