import sqlalchemy as sa

from fieldapp.audit.models import AuditEvent
from fieldapp.auth.models import Role, User
from tests.helpers import PASSWORD


def test_login_page_is_spanish_by_default(client):
    response = client.get("/login")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="es-MX">' in html
    assert "Iniciar sesión" in html and "Contraseña" in html


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_login_then_home_then_logout(client, auth, make_user):
    make_user(Role.INSPECTOR, name="Ana Promotora")
    response = auth.login("inspector@example.mx")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "Hola, Ana Promotora" in home
    auth.logout()
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_in_spanish(client, auth, make_user, db):
    make_user()
    response = auth.login("inspector@example.mx", "no-es-la-clave")
    assert response.status_code == 401
    assert "Correo o contraseña incorrectos" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    failures = db.session.scalars(
        sa.select(AuditEvent.target_id).where(AuditEvent.action == "login_failed")
    ).all()
    assert failures == ["inspector@example.mx"]


def test_email_is_case_insensitive(client, auth, make_user):
    make_user()
    assert auth.login("  Inspector@Example.MX ").status_code == 302


def test_password_is_stored_hashed(make_user):
    user = make_user()
    assert PASSWORD not in user.password_hash
    assert user.check_password(PASSWORD) and not user.check_password(PASSWORD + "x")


def test_failed_logins_are_rate_limited(client, auth, make_user, app):
    make_user()
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert auth.login("inspector@example.mx", "mala-clave-123").status_code == 401
    # Even the right password is refused until the window passes.
    response = auth.login("inspector@example.mx")
    assert response.status_code == 429
    assert "Demasiados intentos" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_rate_limit_is_per_email(client, auth, make_user, app):
    make_user(Role.INSPECTOR)
    make_user(Role.SUPERVISOR)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        auth.login("inspector@example.mx", "mala-clave-123")
    assert auth.login("supervisor@example.mx").status_code == 302


def test_disabled_user_cannot_log_in(auth, make_user, db):
    user = make_user()
    user.active = False
    db.session.commit()
    assert auth.login("inspector@example.mx").status_code == 401


def test_disabled_user_loses_open_session(client, auth, make_user, db):
    user = make_user()
    auth.login("inspector@example.mx")
    assert client.get("/").status_code == 200
    db.session.get(User, user.id).active = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_login_never_redirects_off_site(auth, make_user):
    make_user()
    for target in ("//evil.example/x", "https://evil.example/", "javascript:alert(1)"):
        response = auth.client.post(
            f"/login?next={target}",
            data={"email": "inspector@example.mx", "password": PASSWORD, "csrf_token": auth.csrf()},
        )
        assert response.headers["Location"] == "/", target
        auth.logout()


def test_login_form_without_csrf_token_is_refused(client, make_user, db):
    make_user()
    response = client.post("/login", data={"email": "inspector@example.mx", "password": PASSWORD})
    assert response.status_code == 400
    assert "El formulario caducó" in response.get_data(as_text=True)
    failed = sa.select(sa.func.count()).where(AuditEvent.action == "login_failed")
    assert db.session.scalar(failed) == 0


def test_empty_login_form_shows_field_errors(client, auth):
    response = client.post("/login", data={"csrf_token": auth.csrf()})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Escribe tu correo electrónico." in html and "Escribe tu contraseña." in html


def test_logout_needs_post(client, auth, make_user):
    make_user()
    auth.login("inspector@example.mx")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    assert client.get("/").status_code == 200
