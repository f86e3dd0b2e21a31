"""Validating and storing photos: real images only, with their EXIF time and GPS."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from PIL import Image, UnidentifiedImageError

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


def inspect_image(data: bytes) -> ImageInfo:
    """Decode the whole image once to prove it is a complete, reasonable photo."""
    if not data:
        raise PhotoError("El archivo está vacío.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in ALLOWED_FORMATS:
                    raise PhotoError("Solo se aceptan fotos JPEG, PNG o WebP.")
                if image.width * image.height > MAX_PIXELS:
                    raise PhotoError("La imagen tiene demasiados píxeles.")
                image.load()
                content_type, extension = ALLOWED_FORMATS[image.format]
                taken_at, lat, lon = read_exif(image, current_app.config["BABEL_DEFAULT_TIMEZONE"])
                return ImageInfo(
                    content_type, extension, image.width, image.height, taken_at, lat, lon
                )
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise PhotoError("El archivo no es una imagen válida o es demasiado grande.") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise PhotoError("La imagen está incompleta o dañada.") from exc


def store_photo(data: bytes, **links) -> Photo:
    """Check, store once by content and add a ``Photo`` row (flushes; caller commits)."""
    info = inspect_image(data)
    key, digest = get_storage().put(data, info.extension)
    photo = Photo(
        sha256=digest,
        size=len(data),
        content_type=info.content_type,
        width=info.width,
        height=info.height,
        storage_key=key,
        exif_taken_at=info.taken_at,
        exif_lat=info.lat,
        exif_lon=info.lon,
        **links,
    )
    db.session.add(photo)
    db.session.flush()
    return photo
