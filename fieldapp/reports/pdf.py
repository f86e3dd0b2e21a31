"""Turning report templates into PDF bytes with WeasyPrint, reading only local files."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import segno
from flask import current_app, render_template
from PIL import Image, ImageFile
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from fieldapp.media.storage import get_storage

# Importing WeasyPrint turns on Pillow's tolerance of truncated images for the whole process
# (weasyprint/images.py). FieldApp only gives it complete files, and photo uploads must be
# refused when cut short, so it is switched back off here, once, instead of around each
# check (a per-call toggle races between threads).
ImageFile.LOAD_TRUNCATED_IMAGES = False

# Photos are printed 8 cm wide: 640 px is about 200 dpi there, sharp on paper. Reducing
# them ourselves (JPEG draft decoding) is several times faster than WeasyPrint's own
# ``dpi``/``optimize_images`` and keeps a 60-photo PDF at a few MB (docs/performance.md).
PRINT_SIZE = 640
PRINT_QUERY = "?print"
PRINT_URL = re.compile(r'file://[^"\s]+\?print(?=")')


class LocalFetcher(URLFetcher):
    """Lets WeasyPrint read ``data:`` URIs and files under the media root or ``static/``
    only: nothing in a report can make the server fetch a network address."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols={"file", "data"})
        self.roots = [root.resolve() for root in roots]
        self.prepared: dict[str, bytes] = {}

    def allowed_path(self, url: str) -> Path:
        path = Path(url.removeprefix("file://").split("?")[0]).resolve()
        if not any(root == path or root in path.parents for root in self.roots):
            raise ValueError(f"file outside the allowed folders: {url}")
        return path

    def prepare(self, html: str) -> None:
        """Reduce the photos ``html`` prints, in parallel (Pillow releases the GIL while
        decoding and encoding); WeasyPrint then fetches them one by one from memory."""
        urls, paths = [], []
        for url in sorted(set(PRINT_URL.findall(html))):
            with contextlib.suppress(ValueError):  # refused again, and logged, by fetch()
                paths.append(self.allowed_path(url))
                urls.append(url)
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            self.prepared = dict(zip(urls, pool.map(print_jpeg, paths), strict=True))

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = self.allowed_path(url)
            if url.endswith(PRINT_QUERY):
                body = self.prepared.get(url) or print_jpeg(path)
                # Not a file: URL in the answer, or WeasyPrint embeds the file it names
                # instead of these reduced bytes.
                return URLFetcherResponse(
                    f"print:{path.name}", body, {"Content-Type": "image/jpeg"}
                )
        return super().fetch(url, headers)


def print_jpeg(path: Path) -> bytes:
    """The photo at print size: decoded at a reduced scale, upright, as JPEG."""
    with Image.open(path) as image:
        image.draft("RGB", (PRINT_SIZE, PRINT_SIZE))
        image = image.convert("RGB")
        image.thumbnail((PRINT_SIZE, PRINT_SIZE))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def render_pdf(template: str, **context) -> bytes:
    """Render ``templates/<template>`` to PDF bytes."""
    html = render_template(template, **context)
    roots = [Path(current_app.config["MEDIA_ROOT"]), Path(current_app.static_folder)]
    fetcher = LocalFetcher(roots)
    fetcher.prepare(html)
    document = HTML(string=html, base_url=current_app.static_folder, url_fetcher=fetcher)
    return document.write_pdf()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;charset=utf-8," + quote(svg)


def qr_svg_uri(text: str) -> str:
    """A QR code (medium error correction) as an SVG data URI."""
    return segno.make(text, error="m", micro=False).svg_data_uri(scale=4, border=2)


@dataclass
class PhotoItem:
    """A photo as a PDF shows it: the display variant's file, the original's hash."""

    uri: str | None  # None: the file is missing from storage
    sha256: str
    taken_at: object
    lat: float | None
    lon: float | None


def photo_item(photo) -> PhotoItem:
    """The display variant (or the original when it has none), if its file exists."""
    storage = get_storage()
    uri = None
    for key in (photo.display_key, photo.storage_key):
        if key and storage.exists(key):
            uri = storage.path(key).as_uri() + PRINT_QUERY
            break
    return PhotoItem(uri, photo.sha256, photo.exif_taken_at, photo.exif_lat, photo.exif_lon)


def signature_uri(signature) -> str | None:
    storage = get_storage()
    key = signature.storage_key
    return storage.path(key).as_uri() if key and storage.exists(key) else None
