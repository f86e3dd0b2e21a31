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
