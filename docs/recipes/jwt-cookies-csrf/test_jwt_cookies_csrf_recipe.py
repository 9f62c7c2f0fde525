"""Tests for the cookie JWT recipe: what a browser front end does, through the test client."""

import pytest
from jwt_cookies_csrf_recipe import create_app


@pytest.fixture
def client():
    # The test client speaks https, so Secure cookies are sent back as a browser would.
    return create_app({"TESTING": True, "PREFERRED_URL_SCHEME": "https"}).test_client()


def log_in(client):
    response = client.post("/api/login", json={"username": "ann", "password": "correct horse"})
    assert response.status_code == 200
    return response


def csrf(client, name="csrf_access_token"):
    return {"X-CSRF-TOKEN": client.get_cookie(name).value}


def test_login_sets_httponly_token_and_readable_csrf_cookies(client):
    cookies = log_in(client).headers.getlist("Set-Cookie")
    access = next(c for c in cookies if c.startswith("access_token_cookie="))
    assert "HttpOnly" in access and "Secure" in access and "SameSite=Lax" in access
    csrf_cookie = next(c for c in cookies if c.startswith("csrf_access_token="))
    assert "HttpOnly" not in csrf_cookie


def test_get_works_with_the_cookie_alone(client):
    log_in(client)
    assert client.get("/api/notes").json == {"user": "ann", "notes": []}


def test_post_without_the_csrf_header_is_refused(client):
    log_in(client)
    response = client.post("/api/notes", json={"text": "hi"})
    assert (response.status_code, response.json) == (401, {"msg": "Missing CSRF token"})


def test_post_with_the_csrf_header_is_accepted(client):
    log_in(client)
    response = client.post("/api/notes", json={"text": "hi"}, headers=csrf(client))
    assert response.status_code == 201


def test_refresh_issues_a_new_access_cookie_that_is_not_fresh(client):
    log_in(client)
    response = client.post("/api/refresh", headers=csrf(client, "csrf_refresh_token"))
    assert response.status_code == 200
    refused = client.post("/api/password", headers=csrf(client))
    assert (refused.status_code, refused.json) == (401, {"msg": "Fresh token required"})


def test_fresh_login_may_change_the_password(client):
    log_in(client)
    assert client.post("/api/password", headers=csrf(client)).json["changed"] is True


def test_logout_clears_the_cookies(client):
    log_in(client)
    client.post("/api/logout")
    assert client.get_cookie("access_token_cookie") is None
    assert client.get("/api/notes").status_code == 401
