"""Tests for the JSON API recipe: each endpoint's status, headers and JSON body, including the
errors."""

from datetime import datetime

import pytest
from json_api_recipe import Todo, create_app


@pytest.fixture
def client():
    return create_app().test_client()


def add(client, title="Buy tea"):
    return client.post("/api/todos", json={"title": title})


def test_list_starts_empty(client):
    response = client.get("/api/todos")
    assert response.mimetype == "application/json"
    assert response.json == []


def test_create_returns_201_location_and_the_todo(client):
    response = add(client)
    assert response.status_code == 201
    assert response.headers["Location"] == "/api/todos/1"
    assert response.json["id"] == 1
    assert response.json["title"] == "Buy tea"
    assert response.json["done"] is False


def test_fields_keep_dataclass_order(client):
    assert list(add(client).json) == ["id", "title", "done", "created"]


def test_dates_are_iso_8601(client):
    created = add(client).json["created"]
    assert datetime.fromisoformat(created).tzinfo is not None


def test_created_todo_is_listed_and_fetched(client):
    add(client, "One")
    add(client, "Two")
    assert [t["title"] for t in client.get("/api/todos").json] == ["One", "Two"]
    assert client.get("/api/todos/2").json["title"] == "Two"


def test_missing_todo_is_json_404(client):
    response = client.get("/api/todos/9")
    assert response.status_code == 404
    assert response.json == {"error": "Not Found", "message": "No to-do with id 9."}


def test_non_json_body_is_json_400(client):
    response = client.post("/api/todos", data="title=Buy tea")
    assert response.status_code == 400
    assert "Content-Type: application/json" in response.json["message"]


def test_malformed_json_is_json_400(client):
    response = client.post("/api/todos", data="{oops", content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"] == "Bad Request"


def test_blank_title_is_rejected(client):
    response = add(client, "   ")
    assert response.status_code == 400
    assert response.json["message"] == "'title' must be a non-empty string."


def test_patch_marks_done(client):
    add(client)
    assert client.patch("/api/todos/1", json={"done": True}).json["done"] is True
    assert client.get("/api/todos/1").json["done"] is True


def test_patch_rejects_non_boolean(client):
    add(client)
    assert client.patch("/api/todos/1", json={"done": "yes"}).status_code == 400


def test_delete_returns_204_then_404(client):
    add(client)
    response = client.delete("/api/todos/1")
    assert (response.status_code, response.data) == (204, b"")
    assert client.get("/api/todos/1").status_code == 404


def test_wrong_method_is_json_405(client):
    response = client.put("/api/todos")
    assert response.status_code == 405
    assert response.json["error"] == "Method Not Allowed"


def test_provider_writes_dataclass_dates_in_iso_format():
    app = create_app()
    todo = Todo(id=1, title="x", created=datetime.fromisoformat("2024-05-06T07:08:09+00:00"))
    assert app.json.dumps(todo) == (
        '{"id": 1, "title": "x", "done": false, "created": "2024-05-06T07:08:09+00:00"}'
    )
