import os
import subprocess
import sys

import sqlalchemy as sa

from fieldapp.auth.models import Role, User
from tests.helpers import count


def users_create(runner, *args, input=None):
    return runner.invoke(args=["users", "create", *args], input=input)


def test_create_user_with_password_option(runner, db):
    result = users_create(
        runner,
        "--email",
        "Luz@Example.mx",
        "--name",
        "Luz",
        "--role",
        "supervisor",
        "--password",
        "cielo-claro-sobre-iztacalco",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User))
    assert user.email == "luz@example.mx" and user.role is Role.SUPERVISOR
    assert user.check_password("cielo-claro-sobre-iztacalco")


def test_create_user_prompts_for_password(runner, db):
    result = users_create(
        runner,
        "--email",
        "a@example.mx",
        "--name",
        "A",
        "--role",
        "admin",
        input="frase-secreta-larga\nfrase-secreta-larga\n",
    )
    assert result.exit_code == 0, result.output
    assert "frase-secreta-larga" not in result.output
    assert db.session.scalar(sa.select(User)).check_password("frase-secreta-larga")


def test_unknown_role_is_refused_before_asking_a_password(runner):
    result = users_create(runner, "--email", "a@example.mx", "--name", "A", "--role", "jefe")
    assert result.exit_code == 1
    assert "El rol «jefe» no existe; usa uno de: inspector, supervisor, admin." in result.output
    assert "Contraseña" not in result.output
    assert count(User) == 0


def test_duplicate_email_and_weak_password_are_refused(runner):
    args = ["--email", "a@example.mx", "--name", "A", "--role", "inspector"]
    assert users_create(runner, *args, "--password", "frase-secreta-larga").exit_code == 0
    dup = users_create(runner, *args, "--password", "otra-frase-larga")
    assert dup.exit_code == 1 and "Ya existe una cuenta con el correo a@example.mx" in dup.output
    weak = users_create(
        runner, "--email", "b@example.mx", "--name", "B", "--role", "inspector", "--password", "123"
    )
    assert weak.exit_code == 1 and "al menos 10 caracteres" in weak.output
    assert count(User) == 1


def test_users_list_and_set_active(runner, make_user, db):
    make_user(Role.INSPECTOR)
    assert "inspector@example.mx" in runner.invoke(args=["users", "list"]).output
    result = runner.invoke(args=["users", "set-active", "inspector@example.mx", "no"])
    assert result.exit_code == 0
    assert db.session.scalar(sa.select(User.active)) is False
    missing = runner.invoke(args=["users", "set-active", "nadie@example.mx", "no"])
    assert missing.exit_code == 1 and "No existe una cuenta" in missing.output


def test_unusable_instance_folder_is_explained(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    env = {**os.environ, "FIELDAPP_INSTANCE_PATH": str(blocker / "instance")}
    env.pop("DATABASE_URL", None)
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    result = subprocess.run(
        [flask, "--app", "fieldapp", "users", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert f"No se puede usar la carpeta {blocker / 'instance'}" in result.stderr
    assert "Traceback" not in result.stderr
    assert blocker.read_text() == "not a folder"


def test_secret_key_is_generated_once_per_instance(tmp_path, monkeypatch):
    from fieldapp import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    config = {"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    first = create_app(dict(config)).config["SECRET_KEY"]
    second = create_app(dict(config)).config["SECRET_KEY"]
    assert first == second and len(first) >= 48
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert create_app(dict(config)).config["SECRET_KEY"] == "from-the-environment"


def test_proxy_headers_are_trusted_only_when_configured(tmp_path):
    from flask import request

    from fieldapp import create_app

    config = {
        "INSTANCE_PATH": str(tmp_path),
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "SECRET_KEY": "x",
    }
    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    for hops, expected in ((0, "127.0.0.1 http"), (1, "203.0.113.9 https")):
        app = create_app({**config, "TRUSTED_PROXIES": hops})
        app.add_url_rule("/whoami", "whoami", lambda: f"{request.remote_addr} {request.scheme}")
        assert app.test_client().get("/whoami", headers=headers).get_data(as_text=True) == expected
