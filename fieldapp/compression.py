"""gzip for text answers: scripts, stylesheets, the manifest, SVG and JSON.

A phone on a weak signal pays for every byte: Leaflet alone is 140 KB as a file and 40 KB
gzipped. Behind nginx, ``gzip on`` does the same and this steps aside (it never compresses an
answer that already has a ``Content-Encoding``).

HTML pages are left as they are on purpose: they carry the CSRF token next to text the
visitor can choose (search filters, form values), which is what BREACH needs to guess a token
from compressed sizes. Static files compress once per version (by ETag) and are kept in
memory; their ETag becomes weak, as with nginx, so revalidation still answers 304.
"""

from __future__ import annotations

import gzip
from collections import OrderedDict
from threading import Lock

from flask import Flask, Response, request

COMPRESSIBLE = {
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/geo+json",
    "application/manifest+json",
    "image/svg+xml",
    "text/plain",
    "text/csv",
}
MIN_BYTES = 1024
LEVEL = 6
CACHE_ENTRIES = 128

_cache: OrderedDict[tuple[str, str], bytes] = OrderedDict()
_cache_lock = Lock()


def _compressed(data: bytes, key: tuple[str, str] | None) -> bytes:
    if key is None:
        return gzip.compress(data, LEVEL, mtime=0)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    body = gzip.compress(data, LEVEL, mtime=0)
    with _cache_lock:
        _cache[key] = body
        while len(_cache) > CACHE_ENTRIES:
            _cache.popitem(last=False)
    return body


def compress_response(response: Response) -> Response:
    if response.mimetype not in COMPRESSIBLE or request.method not in ("GET", "HEAD"):
        return response
    response.vary.add("Accept-Encoding")
    if (
        response.status_code != 200
        or "Content-Encoding" in response.headers
        or "gzip" not in request.accept_encodings
        or "no-transform" in response.headers.get("Cache-Control", "")
        or (response.is_streamed and not response.direct_passthrough)
    ):
        return response
    if response.content_length is not None and response.content_length < MIN_BYTES:
        return response
    response.direct_passthrough = False  # a file from send_file: read it to compress it
    data = response.get_data()
    if len(data) < MIN_BYTES:
        return response
    etag, weak = response.get_etag()
    key = (request.path, etag) if etag and not weak else None
    response.set_data(_compressed(data, key))
    response.headers["Content-Encoding"] = "gzip"
    response.headers.pop("Accept-Ranges", None)
    if etag:
        response.set_etag(etag, weak=True)
    return response


def init_compression(app: Flask) -> None:
    app.after_request(compress_response)
