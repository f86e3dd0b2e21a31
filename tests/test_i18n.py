def test_english_on_request_and_remembered(client):
    page = client.get("/login?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page and "Log in" in page and "Password" in page
    assert "Log in" in client.get("/login").get_data(as_text=True)
    assert "Iniciar sesión" in client.get("/login?lang=es").get_data(as_text=True)


def test_browser_language_is_followed(client):
    english = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "Log in" in english.get_data(as_text=True)
    spanish = client.get("/login", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert "Iniciar sesión" in spanish.get_data(as_text=True)
    other = client.get("/login", headers={"Accept-Language": "fr-FR"})
    assert "Iniciar sesión" in other.get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    assert "Iniciar sesión" in client.get("/login?lang=xx").get_data(as_text=True)


def test_api_errors_follow_the_language(client):
    error = client.get("/api/v1/me?lang=en").get_json()["error"]
    assert error["message"] == "Log in to continue."


def test_english_catalogue_is_complete():
    """Every user-facing string in the code has an English translation."""
    from pathlib import Path

    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent
    with open(root / "fieldapp/translations/en/LC_MESSAGES/messages.po", "rb") as fh:
        catalogue = read_po(fh, locale="en")
    method_map = [("fieldapp/**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    untranslated = []
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(root), method_map, keywords=keywords
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalogue.get(msgid)
        strings = entry.string if entry else None
        if not strings or (isinstance(strings, tuple) and not all(strings)):
            untranslated.append(msgid)
    assert untranslated == []
