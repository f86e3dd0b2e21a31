"""Validating and storing photos: real images only, with their EXIF time and GPS."""

from __future__ import annotations

import hashlib
import io
import math
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from fieldapp.domain_errors import Conflict
from fieldapp.extensions import db
from fieldapp.media.models import Photo
from fieldapp.media.storage import get_storage

ALLOWED_FORMATS = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "WEBP": ("image/webp", ".webp"),
}
MAX_PIXELS = 50_000_000  # decompression-bomb guard: ~7000 x 7000
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME_ORIGINAL, DATETIME, OFFSET_TIME_ORIGINAL = 0x9003, 0x0132, 0x9011


class PhotoError(ValueError):
    """The bytes are not an acceptable photo; the message says why, in Spanish."""


@dataclass
class ImageInfo:
    content_type: str
    extension: str
    width: int
    height: int
    taken_at: datetime | None
    lat: float | None
    lon: float | None


def _dms_to_degrees(dms, ref) -> float | None:
    try:
        degrees = float(dms[0]) + float(dms[1]) / 60 + float(dms[2]) / 3600
    except (TypeError, ValueError, IndexError, ZeroDivisionError):
        return None
    return -degrees if ref in ("S", "W") else degrees


def _exif_time(exif: Image.Exif, local_tz: str) -> datetime | None:
    """DateTimeOriginal is the camera's wall clock: use OffsetTimeOriginal when present,
    else the office's timezone."""
    sub = exif.get_ifd(EXIF_IFD)
    raw_time = sub.get(DATETIME_ORIGINAL) or exif.get(DATETIME)
    if not isinstance(raw_time, str):
        return None
    try:
        naive = datetime.strptime(raw_time.strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = sub.get(OFFSET_TIME_ORIGINAL)
    if isinstance(offset, str):
        try:
            aware = datetime.strptime(offset.strip("\x00 "), "%z")
            return naive.replace(tzinfo=aware.tzinfo).astimezone(UTC)
        except ValueError:
            pass
    return naive.replace(tzinfo=ZoneInfo(local_tz)).astimezone(UTC)


def read_exif(
    image: Image.Image, local_tz: str = "America/Mexico_City"
) -> tuple[datetime | None, float | None, float | None]:
    """Capture time and GPS position from EXIF; impossible values are dropped."""
    exif = image.getexif()
    taken_at = _exif_time(exif, local_tz)
    gps = exif.get_ifd(GPS_IFD)
    lat = _dms_to_degrees(gps.get(2), gps.get(1)) if gps else None
    lon = _dms_to_degrees(gps.get(4), gps.get(3)) if gps else None
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        lat = lon = None
    return taken_at, lat, lon


@contextmanager
def _open_photo(data: bytes) -> Iterator[Image.Image]:
    """Open ``data`` as an allowed, reasonably sized image; any failure to read it, in the
    ``with`` body too, becomes a ``PhotoError`` with a Spanish message."""
    if not data:
        raise PhotoError(_("El archivo está vacío."))
    if data[4:8] == b"ftyp":  # ISO media (HEIC/HEIF, AVIF): Pillow cannot read it here
        raise PhotoError(
            _("Las fotos HEIC, HEIF o AVIF no se aceptan: FieldApp acepta JPEG, PNG o WebP.")
        )
    # Importing WeasyPrint turns on Pillow's tolerance of truncated images process-wide,
    # which would let a cut-off upload pass as a complete photo. Nothing in FieldApp wants
    # it on, so it is forced off (never restored: restoring would race between threads).
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in ALLOWED_FORMATS:
                    raise PhotoError(_("Solo se aceptan fotos JPEG, PNG o WebP."))
                if image.width * image.height > MAX_PIXELS:
                    raise PhotoError(_("La imagen tiene demasiados píxeles."))
                yield image
    except PhotoError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise PhotoError(_("El archivo no es una imagen válida o es demasiado grande.")) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise PhotoError(_("La imagen está incompleta o dañada.")) from exc


def _describe(image: Image.Image) -> ImageInfo:
    """Format, full size and EXIF of an opened image (before any reduced decoding)."""
    content_type, extension = ALLOWED_FORMATS[image.format]
    taken_at, lat, lon = read_exif(image, current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return ImageInfo(content_type, extension, image.width, image.height, taken_at, lat, lon)


def _draft_box(size: tuple[int, int], edge: int) -> tuple[int, int]:
    """The size to ask JPEG draft mode for so that the long edge still reaches ``edge``.

    Draft mode picks the largest DCT scale (1/2, 1/4, 1/8) that keeps *both* sides at least
    the requested ones, so the request must keep the photo's proportions: asking for
    (1600, 1600) on a 4000 x 3000 photo would keep the full size (3000 // 1600 == 1).
    """
    width, height = size
    factor = min(1.0, edge / max(width, height))
    return max(1, math.ceil(width * factor)), max(1, math.ceil(height * factor))


def inspect_image(data: bytes) -> ImageInfo:
    """Decode the whole image once to prove it is a complete, reasonable photo.

    JPEGs are decoded at 1/8 scale: every byte of the compressed data is still read and
    checked (a truncated or corrupt file fails the same way), only the final pixels are
    smaller, which is several times faster on a 12-megapixel photo.
    """
    with _open_photo(data) as image:
        info = _describe(image)
        if image.format == "JPEG":
            image.draft(None, (max(1, image.width // 8), max(1, image.height // 8)))
        image.load()
        return info


DISPLAY_EDGE, THUMB_EDGE = 1600, 320


def _variants(image: Image.Image) -> tuple[bytes, bytes]:
    if image.format == "JPEG":
        image.draft("RGB", _draft_box(image.size, DISPLAY_EDGE))
    upright = ImageOps.exif_transpose(image)
    if upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    upright.thumbnail((DISPLAY_EDGE, DISPLAY_EDGE), Image.Resampling.LANCZOS)
    display = _jpeg(upright, 82)
    upright.thumbnail((THUMB_EDGE, THUMB_EDGE), Image.Resampling.LANCZOS)
    return display, _jpeg(upright, 75)


def make_variants(data: bytes) -> tuple[bytes, bytes]:
    """Display (long edge 1600 px) and thumbnail JPEGs, upright, without EXIF.

    JPEG draft mode decodes at a reduced scale straight away (2000 x 1500 for a 12 MP
    photo), which is most of the speed.
    """
    with _open_photo(data) as image:
        return _variants(image)


def process_photo(data: bytes) -> tuple[ImageInfo, bytes, bytes]:
    """``inspect_image`` and ``make_variants`` with a single (reduced) decode: the check
    that the whole file reads, its EXIF and full size, and the display variants."""
    with _open_photo(data) as image:
        info = _describe(image)
        display, thumb = _variants(image)
        return info, display, thumb


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def store_photo(data: bytes, hints: ExifHints | None = None, **links) -> Photo:
    """Check, store the original once by content plus its variants, and add a ``Photo``
    row (flushes; the caller commits). Files are written before the row: a crash leaves
    at most an unreferenced file, never a row without its file."""
    info, display, thumb = process_photo(data)
    storage = get_storage()
    key, digest = storage.put(data, info.extension)
    display_key, _ = storage.put(display, ".jpg")
    thumb_key, _ = storage.put(thumb, ".jpg")
    taken_at, lat, lon = info.taken_at, info.lat, info.lon
    if hints is not None and taken_at is None:
        taken_at = hints.taken_at
    if hints is not None and lat is None:
        lat, lon = hints.lat, hints.lon
    photo = Photo(
        sha256=digest,
        size=len(data),
        content_type=info.content_type,
        width=info.width,
        height=info.height,
        storage_key=key,
        display_key=display_key,
        thumb_key=thumb_key,
        exif_taken_at=taken_at,
        exif_lat=lat,
        exif_lon=lon,
        **links,
    )
    db.session.add(photo)
    db.session.flush()
    return photo


@dataclass
class ExifHints:
    """EXIF time and GPS read on the phone from the original, before it was resized."""

    taken_at: datetime | None = None
    lat: float | None = None
    lon: float | None = None


def ingest_photo(
    key: uuid.UUID, data: bytes, claimed_sha256: str | None, hints: ExifHints | None = None, **links
) -> tuple[Photo, bool]:
    """Idempotent upload of photo ``key``: (photo, created).

    Raises ``Conflict`` when the UUID already holds other bytes and ``PhotoError`` when
    the body is not a readable image or does not match its announced SHA-256.
    """
    digest = hashlib.sha256(data).hexdigest()
    if not claimed_sha256 or claimed_sha256.strip().lower() != digest:
        raise PhotoError(
            _(
                "El contenido no coincide con su SHA-256 (X-Content-SHA256); "
                "la foto llegó incompleta o alterada."
            )
        )
    existing = db.session.scalar(sa.select(Photo).where(Photo.uuid == key))
    if existing is not None:
        if existing.sha256 != digest:
            raise Conflict(_("Esa foto ya existe con otro contenido."), code="photo_conflict")
        return existing, False
    photo = store_photo(data, hints, uuid=key, **links)
    return photo, True
