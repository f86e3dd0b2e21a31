"""gzip for scripts, stylesheets and JSON (fieldapp/compression.py); never for HTML pages."""

import gzip

from fieldapp.auth.models import Role

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_static_scripts_are_gzipped_and_revalidate(client):
    plain = client.get("/vendor/leaflet/leaflet.js")
    plain_body = plain.data
    plain.close()
    assert "Content-Encoding" not in plain.headers  # the client did not ask for it
    assert "Accept-Encoding" in plain.headers["Vary"]

    packed = client.get("/vendor/leaflet/leaflet.js", headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert "Accept-Ranges" not in packed.headers
    assert gzip.decompress(packed.data) == plain_body
    assert len(packed.data) < len(plain_body) / 2
    assert int(packed.headers["Content-Length"]) == len(packed.data)
    etag = packed.headers["ETag"]
    assert etag.startswith('W/"')
    packed.close()

    again = client.get("/vendor/leaflet/leaflet.js", headers={**GZIP, "If-None-Match": etag})
    assert again.status_code == 304
    again.close()
    css = client.get("/static/css/app.css", headers=GZIP)
    assert css.headers["Content-Encoding"] == "gzip"
    css.close()


def test_json_is_gzipped_but_pages_are_not(client, auth, make_user):
    make_user(Role.INSPECTOR)
    auth.login("inspector@example.mx")
    page = client.get("/app", headers=GZIP)
    assert page.status_code == 200 and "Content-Encoding" not in page.headers  # BREACH
    manifest = client.get("/manifest.webmanifest", headers=GZIP)
    body = gzip.decompress(manifest.data) if "Content-Encoding" in manifest.headers else None
    assert body is None or b'"start_url"' in body
    spec = client.get("/api/v1/openapi.json", headers=GZIP)
    assert spec.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(spec.data).startswith(b"{")


def test_small_and_range_answers_stay_plain(client):
    small = client.get("/healthz", headers=GZIP)
    assert "Content-Encoding" not in small.headers
    part = client.get("/vendor/leaflet/leaflet.js", headers={**GZIP, "Range": "bytes=0-99"})
    assert part.status_code == 206 and "Content-Encoding" not in part.headers
    assert len(part.data) == 100
    part.close()
