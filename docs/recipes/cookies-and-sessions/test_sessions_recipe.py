"""Tests for the cookies, sessions and login recipe, driven through the test client and its
cookie jar."""

import base64

import pytest
from sessions_recipe import app


@pytest.fixture
def client():
    return app.test_client()


def log_in(client, remember=False, next_url=None):
    data = {"username": "ann", "password": "correct horse"}
    if remember:
        data["remember"] = "on"
    url = "/login" if next_url is None else f"/login?next={next_url}"
    return client.post(url, data=data)


def session_set_cookie(response):
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))


def test_anonymous_visitor_is_not_signed_in(client):
    assert "You are not signed in." in client.get("/").text


def test_login_form_is_shown(client):
    assert 'name="password"' in client.get("/login").text


def test_login_redirects_to_profile_and_signs_in(client):
    response = log_in(client)
    assert response.status_code == 302
    assert response.location == "/profile"
    assert "Signed in as ann." in client.get("/").text


def test_wrong_password_is_401_and_does_not_sign_in(client):
    response = client.post("/login", data={"username": "ann", "password": "nope"})
    assert response.status_code == 401
    assert "Wrong username or password." in response.text
    assert client.get_cookie("session") is None


def test_profile_requires_login(client):
    response = client.get("/profile")
    assert response.status_code == 302
    assert response.location == "/login?next=/profile"


def test_login_returns_to_next_page(client):
    assert log_in(client, next_url="/profile").location == "/profile"


def test_login_ignores_next_pointing_to_another_site(client):
    assert log_in(client, next_url="//evil.example/").location == "/profile"


def test_session_counts_visits(client):
    log_in(client)
    client.get("/profile")
    assert client.get("/profile").text == "Hello ann, this is visit 2."


def test_session_cookie_is_signed_and_httponly(client):
    header = session_set_cookie(log_in(client))
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


def test_edited_session_cookie_is_ignored(client):
    log_in(client)
    payload, signature = client.get_cookie("session").value.split(".", 1)
    forged = base64.urlsafe_b64encode(b'{"user":"admin"}').rstrip(b"=").decode()
    client.set_cookie("session", f"{forged}.{signature}")
    assert "You are not signed in." in client.get("/").text


def test_without_remember_me_cookie_ends_with_browser_session(client):
    assert "Expires=" not in session_set_cookie(log_in(client))


def test_remember_me_makes_session_permanent(client):
    assert "Expires=" in session_set_cookie(log_in(client, remember=True))


def test_logout_clears_session(client):
    log_in(client)
    client.post("/logout")
    assert client.get_cookie("session") is None
    assert client.get("/profile").status_code == 302


def test_theme_cookie_is_set_and_read(client):
    client.post("/theme", data={"theme": "dark"})
    assert client.get_cookie("theme").value == "dark"
    assert '<body class="dark">' in client.get("/").text


def test_theme_cookie_is_deleted_for_default(client):
    client.post("/theme", data={"theme": "dark"})
    client.post("/theme", data={"theme": "default"})
    assert client.get_cookie("theme") is None


def test_unknown_theme_is_400(client):
    assert client.post("/theme", data={"theme": "neon"}).status_code == 400
