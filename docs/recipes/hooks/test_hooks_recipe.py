"""Tests for the request hooks recipe: the auth check, the added headers and the database
connection that teardown closes after every request that opened one."""

import sqlite3

import pytest
from hooks_recipe import app

from kolba import g

ALICE = {"Authorization": "Bearer alice-token"}
BOB = {"Authorization": "Bearer bob-token"}


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "DATABASE", str(tmp_path / "notes.sqlite3"))
    return app.test_client()


def test_public_endpoint_needs_no_token(client):
    assert client.get("/health").get_json() == {"status": "ok"}


def test_missing_token_is_rejected_before_the_view(client):
    response = client.get("/notes")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_unknown_token_is_rejected(client):
    assert client.get("/notes", headers={"Authorization": "Bearer forged"}).status_code == 401


def test_view_sees_the_user_set_in_g(client):
    assert client.get("/notes", headers=ALICE).get_json() == {"user": "alice", "notes": []}


def test_notes_are_stored_per_user(client):
    assert client.post("/notes", json={"body": "buy milk"}, headers=ALICE).status_code == 201
    assert client.get("/notes", headers=ALICE).get_json()["notes"] == ["buy milk"]
    assert client.get("/notes", headers=BOB).get_json()["notes"] == []


def test_only_a_saved_note_points_to_the_list(client):
    assert client.post("/notes", json={"body": "x"}, headers=ALICE).headers["Content-Location"] == (
        "/notes"
    )
    assert "Content-Location" not in client.get("/notes", headers=ALICE).headers
    assert "Content-Location" not in client.post("/notes", json={}, headers=ALICE).headers


def test_bad_note_body_is_a_400(client):
    assert client.post("/notes", json={"body": 3}, headers=ALICE).status_code == 400


def test_after_request_adds_headers_to_every_response(client):
    for response in (client.get("/health"), client.get("/notes")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Server-Timing"].startswith("app;dur=")


@pytest.fixture
def opened(monkeypatch):
    """Record every connection the app opens."""
    connections = []
    real_connect = sqlite3.connect

    def connect(*args, **kwargs):
        connections.append(real_connect(*args, **kwargs))
        return connections[-1]

    monkeypatch.setattr(sqlite3, "connect", connect)
    return connections


def test_one_connection_per_request_is_closed_after_it(client, opened):
    client.post("/notes", json={"body": "one"}, headers=ALICE)
    client.get("/notes", headers=ALICE)
    assert len(opened) == 2
    for db in opened:
        with pytest.raises(sqlite3.ProgrammingError):
            db.execute("SELECT 1")


def test_database_is_not_opened_for_requests_that_do_not_need_it(client, opened):
    client.get("/health")
    client.get("/notes")
    assert opened == []


def test_teardown_removes_the_connection_from_g(client):
    with client:
        client.get("/notes", headers=ALICE)
        assert g.user == "alice"
        assert "db" not in g
