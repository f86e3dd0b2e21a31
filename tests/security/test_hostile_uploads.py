"""Hostile files through PUT /api/v1/photos and /api/v1/signatures: each a clear 4xx and
nothing stored, or a documented acceptance that is stored and served safely.

Already covered in tests/test_sync_api.py: PDF, empty and SVG bodies refused as photos, a
PNG decompression bomb, a truncated JPEG, the 413 size limit, GPS hints out of range.
"""

from __future__ import annotations

import io
import random
import struct
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image, TiffImagePlugin

from fieldapp.media.models import Photo
from fieldapp.visits.models import Signature
from tests.helpers import count
from tests.test_sync_api import api, finding, jpeg, put_photo, sha, visit, world  # noqa: F401

SVG = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'><script>alert(2)</script></svg>"
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 512


def noisy(size) -> Image.Image:
    """Incompressible pixels, the same every run (a seeded generator, not effect_noise)."""
    return Image.frombytes("RGB", size, random.Random(7).randbytes(size[0] * size[1] * 3))


def noise_jpeg(size=(800, 600), exif=b"") -> bytes:
    buffer = io.BytesIO()
    noisy(size).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png(size=(300, 200), **params) -> bytes:
    buffer = io.BytesIO()
    noisy(size).save(buffer, "PNG", **params)
    return buffer.getvalue()


def with_size(data: bytes, width: int, height: int) -> bytes:
    """A small real JPEG whose header claims another size (what a bomb looks like)."""
    at = data.index(b"\xff\xc0")
    return data[: at + 5] + struct.pack(">HH", height, width) + data[at + 9 :]


def broken_huffman(data: bytes) -> bytes:
    """Garbage in the first Huffman table. (Garbage in the middle of the scan is not
    refused: libjpeg decodes it into a glitchy but complete picture, which is accepted.)"""
    at = data.index(b"\xff\xc4")
    return data[: at + 4] + b"\xff" * 26 + data[at + 30 :]


def flipped(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :]


def files_in(app) -> int:
    return sum(1 for p in Path(app.config["MEDIA_ROOT"]).rglob("*") if p.is_file())


REFUSED = {
    "jpeg bomb (65000 x 65000 in the header)": with_size(noise_jpeg((64, 48)), 65000, 65000),
    "jpeg of 60 megapixels": with_size(noise_jpeg((64, 48)), 10000, 6000),
    "truncated png": png()[:3000],
    "png with a broken CRC": flipped(png(), 40),
    "jpeg with a broken huffman table": broken_huffman(noise_jpeg()),
    "heic": HEIC,
    "svg with script": SVG,
    "html": b"<!doctype html><script>alert(1)</script>",
}


@pytest.mark.parametrize("name", REFUSED)
def test_hostile_photos_are_refused_and_nothing_is_stored(api, app, finding, name):  # noqa: F811
    data = REFUSED[name]
    before = files_in(app)
    response = put_photo(api, data, f"finding={finding}")
    assert response.status_code == 422, (name, response.status_code)
    error = response.get_json()["error"]
    assert error["code"] == "invalid_image" and error["message"]
    assert count(Photo) == 0 and files_in(app) == before


def test_heic_gets_a_message_naming_the_accepted_formats(api, finding):  # noqa: F811
    message = put_photo(api, HEIC, f"finding={finding}").get_json()["error"]["message"]
    assert "HEIC" in message and "JPEG, PNG o WebP" in message


@pytest.mark.parametrize(
    "name", ["svg with script", "heic", "jpeg bomb (65000 x 65000 in the header)"]
)
def test_hostile_signatures_are_refused(api, visit, name):  # noqa: F811
    data = REFUSED[name]
    response = api.put(
        f"/api/v1/signatures/{uuid.uuid4()}?visit={visit}&name=X",
        raw=data,
        extra={"X-Content-SHA256": sha(data), "Content-Type": "image/png"},
    )
    assert response.status_code == 422 and count(Signature) == 0


def test_polyglot_is_kept_as_a_jpeg_and_never_served_as_html(api, finding):  # noqa: F811
    """Decision: a JPEG with HTML and a ZIP appended is a readable JPEG, so it is accepted
    (the original is evidence, kept byte for byte), but it is only ever served as
    image/jpeg with nosniff, and its display variants are re-encoded without the tail."""
    zip_tail = b"PK\x03\x04" + b"\x00" * 26 + b"PK\x05\x06" + b"\x00" * 18
    data = noise_jpeg() + b"<html><script>alert(1)</script></html>" + zip_tail
    body = put_photo(api, data, f"finding={finding}").get_json()
    assert body["sha256"] == sha(data)
    original = api.get(body["url"].replace("/display", "/original"))
    assert original.status_code == 200 and original.data == data
    assert original.mimetype == "image/jpeg"
    assert original.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in original.headers["Content-Security-Policy"]
    display = api.get(body["url"])
    assert display.mimetype == "image/jpeg" and b"<script>" not in display.data


def test_huge_exif_is_accepted_and_left_out_of_the_variants(api, db, finding):  # noqa: F811
    """Decision: EXIF of hundreds of KB (a PNG eXIf chunk has no size limit) is accepted;
    the original keeps it as sent, the display variants carry no EXIF at all."""
    exif = Image.Exif()
    exif[0x010E] = "A" * 400_000  # ImageDescription
    exif[0x0132] = "2026:03:10 10:15:00"
    data = png(exif=exif.tobytes())
    assert len(data) > 400_000
    response = put_photo(api, data, f"finding={finding}", **{"Content-Type": "image/png"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    stored = db.session.scalar(sa.select(Photo))
    assert stored.exif_taken_at is not None and stored.content_type == "image/png"
    with Image.open(io.BytesIO(api.get(body["url"]).data)) as display:
        assert not display.getexif()


def gps_exif(lat, lat_ref="N", lon=(99.0, 5.0, 54.6), lon_ref="W") -> Image.Exif:
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps.update({1: lat_ref, 2: lat, 3: lon_ref, 4: lon})
    return exif


IMPOSSIBLE_GPS = {
    "latitude 200°": gps_exif((200.0, 0.0, 0.0)),
    "longitude 300°": gps_exif((19.0, 23.0, 43.8), lon=(300.0, 0.0, 0.0)),
    "zero denominators": gps_exif(tuple(TiffImagePlugin.IFDRational(1, 0) for _ in range(3))),
    "only two numbers": gps_exif((19.0, 23.0)),
}


@pytest.mark.parametrize("name", IMPOSSIBLE_GPS)
def test_impossible_exif_gps_is_stored_as_null(api, db, finding, name):  # noqa: F811
    data = noise_jpeg(exif=IMPOSSIBLE_GPS[name])
    assert put_photo(api, data, f"finding={finding}").status_code == 201
    stored = db.session.scalar(sa.select(Photo))
    assert (stored.exif_lat, stored.exif_lon) == (None, None)


def test_sane_exif_gps_is_kept(api, db, finding):  # noqa: F811
    put_photo(api, noise_jpeg(exif=gps_exif((19.0, 23.0, 43.8))), f"finding={finding}")
    stored = db.session.scalar(sa.select(Photo))
    assert stored.exif_lat == pytest.approx(19.3955, abs=1e-4)
    assert stored.exif_lon == pytest.approx(-99.0985, abs=1e-4)
