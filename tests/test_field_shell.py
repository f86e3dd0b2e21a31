"""Server side of the phone app: shell, manifest, icons, service worker, device tokens,
and the OpenAPI document."""

import io
import re

from PIL import Image

from fieldapp.auth.models import Role
from tests.helpers import csrf_from


def test_shell_needs_login_and_embeds_translated_words(client, auth, make_user):
    assert client.get("/app").status_code == 302
    make_user(Role.INSPECTOR)
    auth.login("inspector@example.mx")
    page = client.get("/app").get_data(as_text=True)
    assert '"start_recorrido": "Iniciar recorrido"' in page
    assert "/vendor/leaflet/leaflet.js" in page and "cdn" not in page.lower()
    english = client.get("/app?lang=en").get_data(as_text=True)
    assert '"start_recorrido": "Start a walk"' in english


def test_manifest_is_installable(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    body = manifest.get_json()
    assert body["display"] == "standalone" and body["lang"] == "es-MX"
    assert body["start_url"] == "/app" and body["short_name"] == "FieldApp"
    purposes = {(icon["sizes"], icon["purpose"]) for icon in body["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes
    for icon in body["icons"]:
        response = client.get(icon["src"])
        with Image.open(io.BytesIO(response.data)) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
            assert image.format == "PNG"
    assert client.get("/icons/icon-64.png").status_code == 404


def test_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response.headers["Cache-Control"]
    source = response.get_data(as_text=True)
    response.close()
    # Every file the shell needs is cached for offline use.
    for script in ("db", "exif", "photos", "sync", "ui", "visit", "finding", "close", "app"):
        assert f"/static/field/{script}.js" in source


def test_device_token_needs_the_session_and_its_csrf_header(client, auth, make_user):
    make_user(Role.INSPECTOR)
    assert client.post("/api/v1/tokens/device").status_code == 401
    auth.login("inspector@example.mx")
    assert client.post("/api/v1/tokens/device").status_code == 400  # no CSRF header
    csrf = csrf_from(client.get("/account").get_data(as_text=True))
    response = client.post("/api/v1/tokens/device", headers={"X-CSRFToken": csrf})
    assert response.status_code == 201
    token = response.get_json()["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.get_json()["email"] == "inspector@example.mx"
    assert "App de campo" in client.get("/account").get_data(as_text=True)


def test_openapi_lists_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api.openapi":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api/v1") :])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (path, method.lower()) not in documented:
                missing.append(f"{method} {path}")
    assert missing == []
