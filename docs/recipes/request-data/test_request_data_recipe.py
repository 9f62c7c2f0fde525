"""Tests for the request data recipe: each kind of request data sent with the test client,
including the 400, 413 and 415 answers to bad or oversized input."""

import io

import pytest
from request_data_recipe import app


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", tmp_path)
    return app.test_client()


def test_search_reads_the_query_string(client):
    response = client.get("/search?q=kolba&page=2&tag=web&tag=python")
    assert response.get_json() == {"q": "kolba", "page": 2, "tags": ["web", "python"]}


def test_search_defaults_when_parameters_are_missing_or_bad(client):
    assert client.get("/search?page=abc").get_json() == {"q": "", "page": 1, "tags": []}


def test_login_reads_form_fields(client):
    response = client.post("/login", data={"username": "ann", "remember": "on"})
    assert response.get_json() == {"username": "ann", "remember": True}


def test_login_without_username_is_400(client):
    assert client.post("/login", data={}).status_code == 400


def test_note_from_json(client):
    response = client.post("/api/notes", json={"text": "hi", "tags": ["a"]})
    assert response.status_code == 201
    assert response.get_json() == {"text": "hi", "tags": ["a"]}


def test_note_with_wrong_shape_is_400_with_a_message(client):
    response = client.post("/api/notes", json=["not", "an", "object"])
    assert response.status_code == 400
    assert b"text" in response.data


def test_malformed_json_is_400(client):
    response = client.post("/api/notes", data="{oops", content_type="application/json")
    assert response.status_code == 400


def test_form_data_sent_to_a_json_endpoint_is_415(client):
    assert client.post("/api/notes", data={"text": "hi"}).status_code == 415


def test_upload_saves_the_file_under_a_safe_name(client, tmp_path):
    data = {"file": (io.BytesIO(b"hello"), "../../my notes.txt"), "title": "Notes"}
    response = client.post("/upload", data=data)
    assert response.status_code == 201
    assert response.get_json() == {"saved": "my_notes.txt", "title": "Notes"}
    assert (tmp_path / "my_notes.txt").read_bytes() == b"hello"


def test_upload_without_a_file_is_400(client):
    assert client.post("/upload", data={"title": "nothing"}).status_code == 400


def test_upload_of_a_disallowed_type_is_400(client, tmp_path):
    response = client.post("/upload", data={"file": (io.BytesIO(b"MZ"), "tool.exe")})
    assert response.status_code == 400
    assert list(tmp_path.iterdir()) == []


def test_upload_larger_than_max_content_length_is_413(client):
    big = io.BytesIO(b"x" * (1024 * 1024 + 1))
    assert client.post("/upload", data={"file": (big, "big.txt")}).status_code == 413


def test_whoami_reads_headers_and_cookies(client):
    client.set_cookie("theme", "dark")
    response = client.get(
        "/whoami",
        headers={"User-Agent": "curl/8.0", "Accept-Language": "zh-CN,en;q=0.5"},
    )
    assert response.get_json() == {
        "user_agent": "curl/8.0",
        "language": "zh-CN",
        "theme": "dark",
        "ip": "127.0.0.1",
    }
