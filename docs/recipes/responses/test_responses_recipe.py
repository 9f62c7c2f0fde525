"""Tests for the responses recipe: status codes, headers, JSON bodies, redirects and cookies,
checked on the responses the test client receives."""

import pytest
import responses_recipe
from responses_recipe import app


@pytest.fixture
def client(monkeypatch):
    users = {1: {"id": 1, "name": "Ann"}, 2: {"id": 2, "name": "Bob"}}
    monkeypatch.setattr(responses_recipe, "USERS", users)
    return app.test_client()


def test_string_is_an_html_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    assert response.text == "<h1>Home</h1><p>Theme: light</p>"


def test_jsonify_a_list(client):
    response = client.get("/api/users")
    assert response.mimetype == "application/json"
    assert response.get_json() == [{"id": 1, "name": "Ann"}, {"id": 2, "name": "Bob"}]


def test_dict_becomes_json(client):
    assert client.get("/api/users/2").get_json() == {"id": 2, "name": "Bob"}


def test_abort_404_with_a_description(client):
    response = client.get("/api/users/9")
    assert response.status_code == 404
    assert b"No user 9." in response.data


def test_tuple_sets_status_and_headers(client):
    response = client.post("/api/users", data={"name": "Cy"})
    assert response.status_code == 201
    assert response.headers["Location"] == "/api/users/3"
    assert response.get_json() == {"id": 3, "name": "Cy"}


def test_permanent_redirect(client):
    response = client.get("/home")
    assert response.status_code == 301
    assert response.location == "/"


def test_redirect_sets_a_cookie(client):
    response = client.get("/theme/dark")
    assert response.status_code == 302
    assert response.location == "/"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("theme=dark;")
    assert "HttpOnly" in cookie
    assert "Max-Age=2592000" in cookie


def test_cookie_is_sent_back_on_the_next_request(client):
    response = client.get("/theme/dark", follow_redirects=True)
    assert response.text == "<h1>Home</h1><p>Theme: dark</p>"


def test_bad_theme_is_400(client):
    assert client.get("/theme/pink").status_code == 400


def test_delete_cookie_expires_it(client):
    client.get("/theme/dark")
    response = client.get("/theme/reset")
    assert "Max-Age=0" in response.headers["Set-Cookie"]
    assert client.get_cookie("theme") is None


def test_generator_streams_csv(client):
    response = client.get("/report.csv")
    assert response.mimetype == "text/csv"
    assert response.text == "id,name\n1,Ann\n2,Bob\n"


def test_streamed_csv_reads_the_request_while_streaming(client):
    assert client.get("/report.csv?sep=;").text == "id;name\n1;Ann\n2;Bob\n"


def test_body_status_and_headers_tuple(client):
    response = client.get("/health")
    assert (response.text, response.status_code) == ("ok", 200)
    assert response.headers["Cache-Control"] == "no-store"
