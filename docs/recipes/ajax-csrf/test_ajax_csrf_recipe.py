"""Tests for the AJAX recipe: the token from the meta tag in the X-CSRFToken header, the JSON
error without it, and a form's errors as JSON field messages."""

import re

import pytest
from ajax_csrf_recipe import NOTES, app


@pytest.fixture
def client():
    NOTES.clear()
    return app.test_client()


def meta_token(client):
    page = client.get("/").text
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)


def test_post_with_the_header_token_is_saved(client):
    headers = {"X-CSRFToken": meta_token(client)}
    response = client.post("/api/notes", json={"text": "hello", "stars": 5}, headers=headers)
    assert response.status_code == 201
    assert response.get_json() == {"text": "hello", "stars": 5}
    assert NOTES == [{"text": "hello", "stars": 5}]


def test_post_without_the_token_gets_a_json_400(client):
    client.get("/")
    response = client.post("/api/notes", json={"text": "hello", "stars": 5})
    assert response.status_code == 400
    assert response.get_json() == {"error": "csrf", "reason": "The CSRF token is missing."}
    assert NOTES == []


def test_invalid_fields_come_back_as_json_messages(client):
    headers = {"X-CSRFToken": meta_token(client)}
    response = client.post("/api/notes", json={"text": "", "stars": 9}, headers=headers)
    assert response.status_code == 400
    assert response.get_json() == {
        "errors": {
            "text": ["This field is required."],
            "stars": ["Number must be between 1 and 5."],
        }
    }


def test_a_json_body_that_is_not_an_object_is_a_400(client):
    headers = {"X-CSRFToken": meta_token(client)}
    response = client.post("/api/notes", json=["hello"], headers=headers)
    assert response.status_code == 400
