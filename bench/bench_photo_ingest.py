"""Server photo ingest: FieldApp's pipeline against a naive Pillow pipeline, same run.

Both sides ingest the same generated 12-megapixel phone JPEGs (4000 x 3000, ~4 MB, with
EXIF: time, GPS, orientation 1/6/8):

- **fieldapp**: the real ``fieldapp.media.services.ingest_photo`` in an app context on a
  temporary SQLite database and media folder — SHA-256 check, validation, EXIF, display
  variants (JPEG draft mode: decoded at a reduced scale), content-addressed files, one row.
- **naive**: the same storage and row, but the image work done the obvious way: decode at
  full size, ``ImageOps.exif_transpose``, ``resize`` to a long edge of 1600 px and 320 px
  (LANCZOS), save both with the same JPEG settings as FieldApp.

Also timed alone: the image work (FieldApp's ``process_photo`` — or, on older code,
``inspect_image`` + ``make_variants`` — against the naive decode/resize/save).

Photos are made unique per ingest (bytes after the JPEG end marker) so that content
addressing never skips a write. The run is bounded: ROUNDS x PHOTOS ingests per side, and
it stops early after TIME_LIMIT seconds. Target: fieldapp at least 2x the naive rate.

    .venv/bin/python bench/bench_photo_ingest.py
"""

from __future__ import annotations

import hashlib
import io
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _photos import machine, phone_jpeg  # noqa: E402
from _results import record  # noqa: E402
from PIL import Image, ImageOps  # noqa: E402

from fieldapp import create_app  # noqa: E402
from fieldapp.extensions import db  # noqa: E402
from fieldapp.media import services  # noqa: E402
from fieldapp.media.models import Photo  # noqa: E402
from fieldapp.media.storage import get_storage  # noqa: E402

PHOTOS = [(1, 1), (2, 6), (3, 1), (4, 8)]  # (seed, EXIF orientation)
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
TIME_LIMIT = float(os.environ.get("BENCH_TIME_LIMIT", "240"))
TARGET = 2.0


def naive_variants(data: bytes) -> tuple[bytes, bytes, Image.Image]:
    """Decode everything at full size, turn upright, resize twice, save."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        upright = ImageOps.exif_transpose(image)
        if upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        width, height = upright.size
        scale = services.DISPLAY_EDGE / max(width, height)
        display = upright.resize(
            (round(width * scale), round(height * scale)), Image.Resampling.LANCZOS
        )
        scale = services.THUMB_EDGE / max(width, height)
        thumb = upright.resize(
            (round(width * scale), round(height * scale)), Image.Resampling.LANCZOS
        )
        return services._jpeg(display, 82), services._jpeg(thumb, 75), image


def naive_ingest(data: bytes, claimed: str) -> Photo:
    """The same checks, files and row as ``ingest_photo``, with the naive image work."""
    if hashlib.sha256(data).hexdigest() != claimed:
        raise ValueError("hash mismatch")
    display, thumb, image = naive_variants(data)
    taken_at, lat, lon = services.read_exif(image)
    storage = get_storage()
    key, digest = storage.put(data, ".jpg")
    display_key, _ = storage.put(display, ".jpg")
    thumb_key, _ = storage.put(thumb, ".jpg")
    photo = Photo(
        uuid=uuid.uuid4(),
        sha256=digest,
        size=len(data),
        content_type="image/jpeg",
        width=image.width,
        height=image.height,
        storage_key=key,
        display_key=display_key,
        thumb_key=thumb_key,
        exif_taken_at=taken_at,
        exif_lat=lat,
        exif_lon=lon,
    )
    db.session.add(photo)
    db.session.flush()
    return photo


def fieldapp_ingest(data: bytes, claimed: str) -> Photo:
    photo, created = services.ingest_photo(uuid.uuid4(), data, claimed)
    assert created
    return photo


def fieldapp_image_work(data: bytes):
    if hasattr(services, "process_photo"):
        return services.process_photo(data)
    return services.inspect_image(data), services.make_variants(data)


def naive_image_work(data: bytes):
    return naive_variants(data)[:2]


def check_outputs(data: bytes) -> None:
    """Both pipelines give what the app promises: upright, no EXIF, 1600 / 320 px."""
    (display, thumb), (naive_display, naive_thumb) = (
        services.make_variants(data),
        naive_variants(data)[:2],
    )
    for produced in ((display, thumb), (naive_display, naive_thumb)):
        with Image.open(io.BytesIO(produced[0])) as big, Image.open(io.BytesIO(produced[1])) as sm:
            assert max(big.size) == services.DISPLAY_EDGE, big.size
            assert max(sm.size) == services.THUMB_EDGE, sm.size
            assert not big.getexif() and not sm.getexif()
    with Image.open(io.BytesIO(display)) as a, Image.open(io.BytesIO(naive_display)) as b:
        assert a.size == b.size, (a.size, b.size)


def run_pass(label, func, photos, round_no, deadline, results, with_hash) -> bool:
    """One pass over the photos; False when the time limit stopped it."""
    for index, data in enumerate(photos):
        if time.monotonic() > deadline:
            return False
        unique = data + f"{label}-{round_no}-{index}".encode()  # after the end marker: ignored
        if with_hash:
            claimed = hashlib.sha256(unique).hexdigest()
            start = time.perf_counter()
            func(unique, claimed)
            db.session.commit()
        else:
            start = time.perf_counter()
            func(unique)
        results.append(time.perf_counter() - start)
    return True


def compare(title, sides, photos, deadline, with_hash):
    """Interleave the two sides round by round so that drift hits both alike."""
    times = {label: [] for label, _ in sides}
    for round_no in range(ROUNDS):
        finished = [
            run_pass(label, func, photos, round_no, deadline, times[label], with_hash)
            for label, func in sides
        ]
        if not all(finished):
            break
    (a_label, a_times), (b_label, b_times) = times.items()
    n = min(len(a_times), len(b_times))
    a_rate, b_rate = n / sum(a_times[:n]), n / sum(b_times[:n])
    print(f"\n{title} ({n} photos per side)")
    for label, values, rate in ((a_label, a_times[:n], a_rate), (b_label, b_times[:n], b_rate)):
        print(
            f"  {label:<9} {rate:6.2f} photos/s   median {statistics.median(values) * 1000:6.0f}"
            f" ms   max {max(values) * 1000:6.0f} ms"
        )
    ratio = a_rate / b_rate
    print(f"  ratio fieldapp/naive: {ratio:.2f}x (target >= {TARGET:.0f}x)")
    return ratio


def main() -> int:
    print("bench_photo_ingest:", machine())
    print(f"Pillow {Image.__version__}, libjpeg-turbo {Image.core.libjpeg_turbo_version}")
    start = time.monotonic()
    photos = [phone_jpeg(seed, orientation) for seed, orientation in PHOTOS]
    sizes = ", ".join(f"{len(p) / 1e6:.1f}" for p in photos)
    took = time.monotonic() - start
    print(f"{len(photos)} generated 4000x3000 JPEGs ({sizes} MB) in {took:.1f} s")
    deadline = time.monotonic() + TIME_LIMIT
    with tempfile.TemporaryDirectory(prefix="fieldapp-bench-") as tmp:
        app = create_app(
            {
                "INSTANCE_PATH": tmp,
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
                "MEDIA_ROOT": f"{tmp}/media",
            }
        )
        with app.app_context():
            db.create_all()
            check_outputs(photos[1])
            image_ratio = compare(
                "Image work only (decode, check, EXIF, upright, 1600 + 320 px, save)",
                [("fieldapp", fieldapp_image_work), ("naive", naive_image_work)],
                photos,
                deadline,
                with_hash=False,
            )
            ingest_ratio = compare(
                "Whole ingest (SHA-256, image work, 3 files fsynced, 1 row, commit)",
                [("fieldapp", fieldapp_ingest), ("naive", naive_ingest)],
                photos,
                deadline,
                with_hash=True,
            )
            stored = db.session.query(Photo).count()
            db.session.remove()
            db.engine.dispose()
    print(f"\n{stored} photo rows written; finished in {time.monotonic() - start:.1f} s")
    met = ingest_ratio >= TARGET
    print(
        f"RESULT photo ingest: {ingest_ratio:.2f}x whole ingest, {image_ratio:.2f}x image work "
        f"-> target {'met' if met else 'NOT met'}"
    )
    record(
        "photo_ingest",
        {"whole_ingest_ratio": ingest_ratio, "image_work_ratio": image_ratio, "target": TARGET},
        met,
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
