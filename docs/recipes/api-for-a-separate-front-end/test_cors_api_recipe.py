"""Tests for the separate-front-end recipe: which origins may call the API, with and without the
user's cookie, preflights for changes, and error responses the front end can read."""

import pytest
from cors_api_recipe import NOTES, app

FRONT_END = "https://notes.example.com"
PREVIEW = "https://pr-42.preview.notes.example.com"
API = "https://api.notes.example.com"


@pytest.fixture
def client():
    saved = dict(NOTES)
    yield app.test_client()
    NOTES.clear()
    NOTES.update(saved)


def call(client, method, path, origin=FRONT_END, **kwargs):
    headers = {"Origin": origin, "X-Requested-With": "fetch", **kwargs.pop("headers", {})}
    return client.open(path, method=method, base_url=API, headers=headers, **kwargs)


def sign_in(client, origin=FRONT_END):
    return call(client, "POST", "/api/login", origin=origin, json={"user": "ada"})


def test_front_end_reads_notes_with_its_cookie(client):
    sign_in(client)
    response = call(client, "GET", "/api/notes")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == FRONT_END
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert response.headers["Access-Control-Expose-Headers"] == "X-Total-Count"
    assert response.headers["X-Total-Count"] == "2"
    assert "Origin" in response.vary


def test_session_cookie_is_sent_cross_site(client):
    cookie = sign_in(client).headers["Set-Cookie"]
    assert "SameSite=None" in cookie
    assert "Secure" in cookie


def test_preview_deployment_is_allowed_by_the_pattern(client):
    response = sign_in(client, origin=PREVIEW)
    assert response.headers["Access-Control-Allow-Origin"] == PREVIEW


def test_lookalike_origin_gets_no_cors_headers(client):
    response = sign_in(client, origin=PREVIEW + ".attacker.net")
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_preflight_for_a_change_allows_the_json_and_fetch_headers(client):
    response = client.options(
        "/api/notes/1",
        base_url=API,
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "content-type, x-requested-with, x-debug",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert response.headers["Access-Control-Allow-Headers"] == "content-type, x-requested-with"
    assert "PUT" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Max-Age"] == "600"


def test_signed_in_front_end_changes_a_note(client):
    sign_in(client)
    response = call(client, "PUT", "/api/notes/1", json={"text": "Buy oat milk"})
    assert response.get_json() == {"id": 1, "text": "Buy oat milk"}
    assert response.headers["Access-Control-Allow-Origin"] == FRONT_END


def test_errors_are_json_the_front_end_can_read(client):
    response = call(client, "PUT", "/api/notes/1", json={"text": "x"})
    assert response.status_code == 401
    assert response.get_json() == {"error": "Unauthorized", "message": "Sign in first."}
    assert response.headers["Access-Control-Allow-Origin"] == FRONT_END
    sign_in(client)
    missing = call(client, "PUT", "/api/notes/99", json={"text": "x"})
    assert missing.status_code == 404
    assert missing.headers["Access-Control-Allow-Origin"] == FRONT_END


@pytest.mark.parametrize("body", [{}, [], "ada", {"user": 7}, {"user": " "}])
def test_login_without_a_user_name_is_a_400_the_front_end_can_read(client, body):
    response = call(client, "POST", "/api/login", json=body)
    assert response.status_code == 400
    assert response.get_json() == {
        "error": "Bad Request",
        "message": 'Send a JSON object with a non-empty "user" string.',
    }
    assert response.headers["Access-Control-Allow-Origin"] == FRONT_END


def test_note_change_without_text_is_a_400_and_changes_nothing(client):
    sign_in(client)
    response = call(client, "PUT", "/api/notes/1", json={})
    assert response.status_code == 400
    assert response.get_json()["message"] == 'Send a JSON object with a non-empty "text" string.'
    assert NOTES[1] == "Buy milk"


def test_login_with_a_body_that_is_not_json_is_a_4xx(client):
    malformed = call(
        client, "POST", "/api/login", data="{", headers={"Content-Type": "application/json"}
    )
    assert malformed.status_code == 400
    not_json = call(client, "POST", "/api/login", data="user=ada")
    assert not_json.status_code == 415
    assert not_json.headers["Access-Control-Allow-Origin"] == FRONT_END


def test_change_without_the_fetch_header_is_refused(client):
    sign_in(client)
    response = client.put(
        "/api/notes/1", base_url=API, headers={"Origin": FRONT_END}, json={"text": "x"}
    )
    assert response.status_code == 403
    assert NOTES[1] == "Buy milk"


def test_public_feed_is_open_to_every_origin_without_credentials(client):
    response = client.get(
        "/api/public/feed", base_url=API, headers={"Origin": "https://blog.example.org"}
    )
    assert response.get_json() == {"notes": 2}
    assert response.headers["Access-Control-Allow-Origin"] == "https://blog.example.org"
    assert "Access-Control-Allow-Credentials" not in response.headers
