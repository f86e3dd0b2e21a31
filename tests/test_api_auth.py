import sqlalchemy as sa

from fieldapp.auth.models import ApiToken, Role
from tests.helpers import PASSWORD


def get_token(client, email="inspector@example.mx", password=PASSWORD, **extra):
    return client.post("/api/v1/tokens", json={"email": email, "password": password, **extra})


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def assert_error_shape(response, status, code=None):
    assert response.status_code == status
    assert response.is_json
    error = response.get_json()["error"]
    assert set(error) >= {"status", "code", "message"}
    assert error["status"] == status and error["message"]
    if code:
        assert error["code"] == code
    return error


def test_token_grants_access_to_the_api(client, make_user):
    make_user(Role.SUPERVISOR)
    response = get_token(client, "supervisor@example.mx", name="Teléfono de Ana")
    assert response.status_code == 201
    body = response.get_json()
    assert body["token_type"] == "Bearer" and body["name"] == "Teléfono de Ana"
    me = client.get("/api/v1/me", headers=bearer(body["token"]))
    assert me.status_code == 200
    assert me.get_json()["email"] == "supervisor@example.mx"


def test_only_the_token_hash_is_stored(client, make_user, db):
    make_user()
    raw = get_token(client).get_json()["token"]
    stored = db.session.scalar(sa.select(ApiToken))
    assert raw not in (stored.token_hash, stored.prefix) and raw.startswith(stored.prefix)


def test_bad_credentials_get_json_error(client, make_user):
    make_user()
    assert_error_shape(get_token(client, password="equivocada-123"), 401, "invalid_credentials")
    assert_error_shape(get_token(client, email="nadie@example.mx"), 401)


def test_token_endpoint_validates_its_body(client):
    assert_error_shape(
        client.post("/api/v1/tokens", data="no json", content_type="application/json"), 400
    )
    error = assert_error_shape(client.post("/api/v1/tokens", json={"email": "a@b.mx"}), 422)
    assert error["fields"] == {"password": ["Obligatorio."]}
    assert_error_shape(client.post("/api/v1/tokens", json=["x"]), 400)


def test_token_endpoint_is_rate_limited(client, make_user, app):
    make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        get_token(client, password="equivocada-123")
    response = get_token(client)
    assert_error_shape(response, 429, "too_many_requests")
    assert response.headers["Retry-After"] == "900"


def test_revoked_token_stops_working(client, make_user):
    make_user()
    body = get_token(client).get_json()
    token = body["token"]
    listed = client.get("/api/v1/tokens", headers=bearer(token)).get_json()["tokens"]
    assert [t["id"] for t in listed] == [body["id"]]
    revoked = client.delete(f"/api/v1/tokens/{body['id']}", headers=bearer(token))
    assert revoked.status_code == 200 and revoked.get_json()["revoked"] is True
    assert_error_shape(client.get("/api/v1/me", headers=bearer(token)), 401, "invalid_token")


def test_token_of_disabled_user_stops_working(client, make_user, db):
    user = make_user()
    token = get_token(client).get_json()["token"]
    user.active = False
    db.session.commit()
    assert_error_shape(client.get("/api/v1/me", headers=bearer(token)), 401, "invalid_token")


def test_cannot_revoke_someone_elses_token(client, make_user):
    make_user(Role.INSPECTOR)
    make_user(Role.SUPERVISOR)
    mine = get_token(client).get_json()
    theirs = get_token(client, "supervisor@example.mx").get_json()
    response = client.delete(f"/api/v1/tokens/{theirs['id']}", headers=bearer(mine["token"]))
    assert_error_shape(response, 404, "not_found")
    assert client.get("/api/v1/me", headers=bearer(theirs["token"])).status_code == 200


def test_api_errors_share_one_shape(client, make_user):
    make_user()
    token = get_token(client).get_json()["token"]
    assert_error_shape(client.get("/api/v1/me"), 401, "unauthorized")
    assert_error_shape(client.get("/api/v1/no-such-thing", headers=bearer(token)), 404)
    assert_error_shape(client.put("/api/v1/me", headers=bearer(token)), 405)
    assert_error_shape(client.get("/api/v1/me", headers=bearer("fa_not-a-token")), 401)


def test_api_token_is_not_accepted_on_html_pages(client, make_user):
    make_user()
    token = get_token(client).get_json()["token"]
    assert client.get("/", headers=bearer(token)).status_code == 302


def test_browser_session_needs_csrf_header_for_api_writes(client, auth, make_user):
    make_user()
    token_id = get_token(client, name="viejo").get_json()["id"]
    auth.login("inspector@example.mx")
    assert client.get("/api/v1/me").status_code == 200  # reads need no CSRF
    assert_error_shape(client.delete(f"/api/v1/tokens/{token_id}"), 400)
    csrf = auth.csrf("/account")
    response = client.delete(f"/api/v1/tokens/{token_id}", headers={"X-CSRFToken": csrf})
    assert response.status_code == 200


def test_tokens_are_listed_and_revocable_on_the_account_page(client, auth, make_user):
    make_user()
    body = get_token(client, name="Tablet de campo").get_json()
    auth.login("inspector@example.mx")
    page = client.get("/account").get_data(as_text=True)
    assert "Tablet de campo" in page and body["prefix"] in page and body["token"] not in page
    csrf = auth.csrf("/account")
    client.post(f"/account/tokens/{body['id']}/revoke", data={"csrf_token": csrf})
    assert "Revocado" in client.get("/account").get_data(as_text=True)
    assert client.get("/api/v1/me", headers=bearer(body["token"])).status_code == 401


def test_account_page_creates_a_token_shown_once(client, auth, make_user):
    make_user()
    auth.login("inspector@example.mx")
    csrf = auth.csrf("/account")
    page = client.post(
        "/account/tokens", data={"name": "Script de reportes", "csrf_token": csrf}
    ).get_data(as_text=True)
    raw = page.split('id="new-token">')[1].split("<")[0]
    assert client.get("/api/v1/me", headers=bearer(raw)).status_code == 200
    assert raw not in client.get("/account").get_data(as_text=True)


def test_categories_endpoint(client, make_user, db):
    from fieldapp.findings.models import Area, Category

    make_user()
    area = Area(code="agua", name="Agua")
    db.session.add(Category(code="fugas", name="Fugas de agua", default_area=area, expected_days=2))
    db.session.add(Category(code="vieja", name="Vieja", active=False))
    db.session.commit()
    token = get_token(client).get_json()["token"]
    cats = client.get("/api/v1/categories", headers=bearer(token)).get_json()["categories"]
    assert [(c["code"], c["default_area"], c["expected_days"]) for c in cats] == [
        ("fugas", "agua", 2)
    ]
