"""Tests for the login-required recipe: anonymous callers are redirected, logged-in ones see
their identity in sync and async views."""

import pytest
from login_required_recipe import create_app


@pytest.fixture
def client():
    return create_app().test_client()


def login(client, name="ada", password="lovelace", next_path=None):
    query = {"next": next_path} if next_path else {}
    return client.post("/login", query_string=query, data={"name": name, "password": password})


@pytest.mark.parametrize("path", ["/", "/report"])
def test_anonymous_caller_is_sent_to_login_with_next(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={path}"


def test_sync_view_sees_the_identity_after_login(client):
    login(client)
    assert client.get("/").text == "Hello, ada!"


def test_async_view_sees_the_identity_after_login(client):
    login(client, "alan", "turing")
    assert client.get("/report").get_json() == {"user": "alan", "rows": 3}


def test_login_goes_back_to_the_page_asked_for(client):
    assert login(client, next_path="/report").headers["Location"] == "/report"


def test_login_refuses_an_off_site_next(client):
    assert login(client, next_path="//evil.example").headers["Location"] == "/"


def test_wrong_password_is_a_401_with_a_message(client):
    response = login(client, password="nope")
    assert response.status_code == 401
    assert "wrong password" in response.text


def test_logout_forgets_the_identity(client):
    login(client)
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_decorated_views_keep_their_names():
    app = create_app()
    assert {"home", "report"} <= set(app.view_functions)
