"""Bytes sent per photo: a 12-megapixel phone JPEG against what the phone app uploads.

The phone app's own resize, ``FA.photos.resize(file)`` from ``static/field/photos.js``
(createImageBitmap with the EXIF orientation, canvas, JPEG quality 0.8, long edge 1600 px),
runs in Debian's Chromium (headless, through Playwright, which never downloads a browser)
on generated 4000 x 3000 JPEGs with a phone's EXIF (time, GPS, orientation). Next to it,
``FA.exif.read`` reads the capture time and GPS that travel as headers, since the resized
copy has none.

"Sent" is the upload body plus the request line and headers as ``static/field/sync.js``
builds them (token, SHA-256, EXIF hints). The baseline is uploading the original as it is.
Target: under 10 % of the original.

The page is served by a Playwright route on http://127.0.0.1 (no socket is opened; a
127.0.0.1 origin is a secure context); nothing leaves the machine. Bounded: PHOTOS photos,
one resize each, 60 s per step at most.

    .venv/bin/python bench/bench_photo_bytes.py
"""

from __future__ import annotations

import base64
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _photos import machine, phone_jpeg  # noqa: E402
from _results import record  # noqa: E402
from PIL import Image  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PHOTOS_JS = ROOT / "static" / "field" / "photos.js"
EXIF_JS = ROOT / "static" / "field" / "exif.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGE = "http://127.0.0.1:9/bench-blank.html"
PHOTOS = [(11, 1), (12, 6), (13, 1), (14, 8)]  # (seed, EXIF orientation)
TARGET = 0.10
LONG_EDGE = 1600

RESIZE = """async ({data}) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const file = new File([bytes], "IMG_20260310_101500.jpg", {type: "image/jpeg"});
  const start = performance.now();
  const [exif, resized] = await Promise.all([FA.exif.read(file), FA.photos.resize(file)]);
  const ms = performance.now() - start;
  const sha256 = await FA.photos.sha256(resized.blob);
  const out = new Uint8Array(await resized.blob.arrayBuffer());
  let binary = "";
  for (let i = 0; i < out.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, out.subarray(i, i + 0x8000));
  }
  return {ms, exif, sha256, width: resized.width, height: resized.height,
          type: resized.blob.type, size: resized.blob.size, data: btoa(binary)};
}"""


def request_overhead(size: int, sha256: str, exif: dict) -> int:
    """Request line and headers of the photo PUT, as sync.js sends them over HTTP/1.1."""
    headers = {
        "Host": "campo.alcaldia.gob.mx",
        "Authorization": "Bearer fa_" + "x" * 43,
        "Content-Type": "image/jpeg",
        "Content-Length": str(size),
        "X-Content-SHA256": sha256,
    }
    if exif.get("taken_at"):
        headers["X-Exif-Taken-At"] = exif["taken_at"]
    if exif.get("lat") is not None:
        headers["X-Exif-Lat"], headers["X-Exif-Lon"] = str(exif["lat"]), str(exif["lon"])
    line = "PUT /api/v1/photos/0b6f3c1e-8d2a-4f4e-9a51-3c7d2e9f1a20?finding=" + "f" * 36
    text = line + " HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    return len(text.encode())


def main() -> int:
    from playwright.sync_api import sync_playwright

    print("bench_photo_bytes:", machine())
    if not PHOTOS_JS.exists():
        print(f"{PHOTOS_JS} is missing: the phone app's resize is not there to measure")
        return 1
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing (apt-get install chromium); cannot measure")
        return 1
    started = time.monotonic()
    originals = [phone_jpeg(seed, orientation) for seed, orientation in PHOTOS]
    print(f"{len(originals)} generated 4000x3000 JPEGs with EXIF, quality 92")
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True, timeout=60_000
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(60_000)
            page.route(
                "**/*",
                lambda route: (
                    route.fulfill(
                        status=200,
                        content_type="text/html",
                        body="<!doctype html><meta charset=utf-8><title>bench</title>",
                    )
                    if route.request.url == PAGE
                    else route.abort()
                ),
            )
            page.goto(PAGE)
            page.add_script_tag(content=EXIF_JS.read_text())
            page.add_script_tag(content=PHOTOS_JS.read_text())
            version = browser.version
            for (seed, orientation), original in zip(PHOTOS, originals, strict=True):
                result = page.evaluate(RESIZE, {"data": base64.b64encode(original).decode()})
                sent = base64.b64decode(result["data"])
                assert len(sent) == result["size"] and result["type"] == "image/jpeg"
                with Image.open(io.BytesIO(sent)) as image:
                    assert image.format == "JPEG" and max(image.size) == LONG_EDGE, image.size
                    upright = (1200, 1600) if orientation in (6, 8) else (1600, 1200)
                    assert image.size == upright, (image.size, orientation)
                    assert (result["width"], result["height"]) == image.size
                assert result["exif"].get("taken_at") and result["exif"].get("lat"), result
                overhead = request_overhead(len(sent), result["sha256"], result["exif"])
                rows.append((seed, orientation, len(original), len(sent), overhead, result))
        finally:
            browser.close()

    print(f"Chromium {version}; FA.photos.resize from static/field/photos.js\n")
    print(
        f"{'photo':<9}{'orient.':>8}{'original':>12}{'body sent':>12}{'+headers':>10}"
        f"{'ratio':>8}{'size':>11}{'resize':>9}"
    )
    for seed, orientation, original, body, overhead, result in rows:
        print(
            f"{'#' + str(seed):<9}{orientation:>8}{original:>12,}{body:>12,}{overhead:>10,}"
            f"{(body + overhead) / original:>8.1%}{result['width']:>6}x{result['height']:<4}"
            f"{result['ms']:>7.0f}ms"
        )
    total_original = sum(r[2] for r in rows)
    total_sent = sum(r[3] + r[4] for r in rows)
    ratio = total_sent / total_original
    worst = max((r[3] + r[4]) / r[2] for r in rows)
    print(
        f"\nmean per photo: original {total_original / len(rows) / 1e6:.2f} MB, sent "
        f"{total_sent / len(rows) / 1e3:.0f} KB (body + headers); EXIF time and GPS read "
        f"on the phone and sent as headers for every photo"
    )
    print(f"finished in {time.monotonic() - started:.1f} s")
    met = worst < TARGET
    print(
        f"RESULT photo bytes: sent/original {ratio:.1%} overall, worst {worst:.1%} "
        f"(target < {TARGET:.0%}) -> target {'met' if met else 'NOT met'}"
    )
    record(
        "photo_bytes",
        {
            "sent_over_original": ratio,
            "worst": worst,
            "target_below": TARGET,
            "mean_original_bytes": total_original / len(rows),
            "mean_sent_bytes": total_sent / len(rows),
            "chromium": version,
        },
        met,
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
