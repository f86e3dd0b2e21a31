import pytest
import sqlalchemy as sa

from fieldapp.auth.models import Role, User
from tests.helpers import count


@pytest.fixture
def admin(auth, make_user):
    user = make_user(Role.ADMIN, name="Admin Prueba")
    auth.login(user.email)
    return user


def new_user_form(auth, **fields):
    data = {
        "name": "Beto Inspector",
        "email": "beto@example.mx",
        "role": "inspector",
        "password": "una-frase-larga-segura",
        "confirm": "una-frase-larga-segura",
        "csrf_token": auth.csrf("/admin/users/new"),
    }
    data.update(fields)
    return auth.client.post("/admin/users/new", data=data)


@pytest.mark.parametrize(
    "role, expected",
    [(None, 302), (Role.INSPECTOR, 403), (Role.SUPERVISOR, 403), (Role.ADMIN, 200)],
)
def test_user_admin_is_for_admins_only(client, auth, make_user, role, expected):
    if role:
        auth.login(make_user(role).email)
    for path in ("/admin/users", "/admin/users/new"):
        assert client.get(path).status_code == expected


def test_forbidden_page_is_spanish(client, auth, make_user):
    auth.login(make_user(Role.INSPECTOR).email)
    assert "No tienes permiso" in client.get("/admin/users").get_data(as_text=True)


def test_admin_creates_user_who_can_log_in(client, auth, admin, db):
    response = new_user_form(auth)
    assert response.status_code == 302
    listing = client.get("/admin/users").get_data(as_text=True)
    assert "Beto Inspector" in listing and "beto@example.mx" in listing
    auth.logout()
    assert auth.login("beto@example.mx", "una-frase-larga-segura").status_code == 302


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"email": "admin@example.mx"}, "Ya existe una cuenta con el correo admin@example.mx"),
        ({"email": "ADMIN@example.mx"}, "Ya existe una cuenta"),
        ({"email": "no-es-correo"}, "no es un correo electrónico válido"),
        ({"role": "jefe"}, "El rol «jefe» no existe"),
        ({"password": "", "confirm": ""}, "Escribe una contraseña."),
        ({"password": "corta", "confirm": "corta"}, "al menos 10 caracteres"),
        ({"password": "1234567890", "confirm": "1234567890"}, "demasiado fácil"),
        ({"password": "aaaaaaaaaaaa", "confirm": "aaaaaaaaaaaa"}, "demasiado fácil"),
        ({"confirm": "otra-cosa-distinta"}, "Las contraseñas no coinciden."),
        ({"name": ""}, "Escribe el nombre de la persona."),
    ],
)
def test_bad_user_input_is_explained_and_changes_nothing(auth, admin, fields, message):
    before = count(User)
    response = new_user_form(auth, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(User) == before


def test_admin_disables_and_enables_a_user(client, auth, admin, make_user, db):
    other = make_user(Role.INSPECTOR)
    csrf = auth.csrf("/admin/users")
    assert (
        client.post(f"/admin/users/{other.id}/active", data={"csrf_token": csrf}).status_code == 302
    )
    assert db.session.scalar(sa.select(User.active).where(User.id == other.id)) is False
    assert "Desactivada" in client.get("/admin/users").get_data(as_text=True)
    client.post(f"/admin/users/{other.id}/active", data={"csrf_token": csrf})
    assert db.session.scalar(sa.select(User.active).where(User.id == other.id)) is True


def test_admin_cannot_disable_self(client, auth, admin, db):
    csrf = auth.csrf("/admin/users")
    response = client.post(
        f"/admin/users/{admin.id}/active", data={"csrf_token": csrf}, follow_redirects=True
    )
    assert "No puedes desactivar tu propia cuenta." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User.active).where(User.id == admin.id)) is True


def test_toggle_needs_csrf(client, admin, make_user, db):
    other = make_user(Role.INSPECTOR)
    assert client.post(f"/admin/users/{other.id}/active").status_code == 400
    assert db.session.scalar(sa.select(User.active).where(User.id == other.id)) is True


def test_unknown_user_is_404(client, auth, admin):
    csrf = auth.csrf("/admin/users")
    assert client.post("/admin/users/9999/active", data={"csrf_token": csrf}).status_code == 404
