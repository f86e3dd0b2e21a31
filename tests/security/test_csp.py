"""The Content-Security-Policy header: its directives, the nonce, the tile origin."""

from __future__ import annotations

import re

import pytest

from fieldapp.security import tile_origin


def directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_every_page_has_the_policy_with_a_fresh_nonce(client):
    first, second = client.get("/login"), client.get("/login")
    policy = directives(first)
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
    assert policy["script-src"] == f"'self' 'nonce-{nonce}'"
    assert nonce not in second.headers["Content-Security-Policy"]
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == policy["form-action"] == "'self'"
    assert policy["worker-src"] == policy["manifest-src"] == "'self'"
    assert policy["img-src"] == "'self' data: blob: https://tile.openstreetmap.org"
    assert policy["connect-src"] == "'self' https://tile.openstreetmap.org"
    # The API and static files carry it too (a JSON or image response can't run script).
    assert "Content-Security-Policy" in client.get("/api/v1/openapi.json").headers


def test_inline_scripts_of_a_map_page_carry_the_nonce(client, auth, make_user, db):
    from tests.map_helpers import build_world

    world = build_world()
    auth.login(world.supervisor.email)
    for path in ("/mapa/", "/uts/T-001"):
        response = client.get(path)
        nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])[1]
        html = response.get_data(as_text=True)
        inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
        assert inline, path
        for attrs in inline:
            assert f'nonce="{nonce}"' in attrs or 'type="application/json"' in attrs, attrs


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.org:8443/{z}/{x}/{y}.png", "https://*.tile.example.org:8443"),
        ("/tiles/{z}/{x}/{y}.png", None),  # the app's own: 'self'
        ("", None),
        (None, None),
        ("https://evil.example; script-src *", None),
        ("javascript:alert(1)", None),
    ],
)
def test_tile_origin(url, origin):
    assert tile_origin(url) == origin


def test_no_tiles_means_no_other_origin(app, client):
    saved = app.config["TILE_URL"]
    app.config["TILE_URL"] = ""
    try:
        policy = directives(client.get("/login"))
    finally:
        app.config["TILE_URL"] = saved
    assert policy["img-src"] == "'self' data: blob:"
    assert policy["connect-src"] == "'self'"
