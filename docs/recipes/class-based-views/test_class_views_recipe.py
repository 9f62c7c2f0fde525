"""Tests for the class-based views recipe: the task API through the test client.
Every test starts from a fresh app, so each has its own empty task store."""

import pytest
from class_views_recipe import create_app


@pytest.fixture
def client():
    return create_app().test_client()


def add(client, title="Write docs"):
    return client.post("/tasks/", json={"title": title})


def test_collection_starts_empty(client):
    assert client.get("/tasks/").get_json() == {"tasks": []}


def test_post_creates_a_task_and_points_to_it(client):
    response = add(client)
    assert response.status_code == 201
    assert response.headers["Location"] == "/tasks/1"
    assert response.get_json() == {"id": 1, "title": "Write docs", "done": False, "url": "/tasks/1"}


def test_get_lists_the_created_tasks(client):
    add(client, "one")
    add(client, "two")
    titles = [task["title"] for task in client.get("/tasks/").get_json()["tasks"]]
    assert titles == ["one", "two"]


def test_get_one_task(client):
    add(client)
    assert client.get("/tasks/1").get_json()["title"] == "Write docs"


def test_put_updates_the_given_fields(client):
    add(client)
    task = client.put("/tasks/1", json={"done": True}).get_json()
    assert (task["title"], task["done"]) == ("Write docs", True)


def test_delete_removes_the_task(client):
    add(client)
    assert client.delete("/tasks/1").status_code == 204
    assert client.get("/tasks/1").status_code == 404


def test_missing_task_is_a_json_404(client):
    response = client.put("/tasks/9", json={"done": True})
    assert (response.status_code, response.get_json()) == (404, {"error": "No task 9."})


@pytest.mark.parametrize(("method", "url"), [("DELETE", "/tasks/"), ("POST", "/tasks/1")])
def test_each_rule_allows_only_its_methods(client, method, url):
    assert client.open(url, method=method).status_code == 405


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not json", "Send a JSON object."),
        ({}, "'title' is required."),
        ({"title": "  "}, "'title' must be a non-empty string."),
    ],
)
def test_bad_input_on_create_is_a_clear_400(client, body, message):
    kwargs = {"data": body} if isinstance(body, str) else {"json": body}
    response = client.post("/tasks/", **kwargs)
    assert (response.status_code, response.get_json()) == (400, {"error": message})


def test_bad_done_value_on_update_is_a_clear_400(client):
    add(client)
    response = client.put("/tasks/1", json={"done": "yes"})
    assert response.get_json() == {"error": "'done' must be true or false."}


def test_apps_do_not_share_their_stores():
    first, second = create_app().test_client(), create_app().test_client()
    add(first)
    assert second.get("/tasks/").get_json() == {"tasks": []}
