"""Tests for the demo app, through the test client."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

APP_FILE = Path(__file__).with_name("app.py")


def _load_demo() -> Any:
    # A name no recipe module can take, since the file itself is only called app.py.
    spec = importlib.util.spec_from_file_location("kolba_demo_app", APP_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


demo = _load_demo()


@pytest.fixture
def client() -> Any:
    return demo.create_app({"TESTING": True}).test_client()


def test_home_page_links_to_every_demo_route(client: Any) -> None:
    response = client.get("/")
    assert response.status_code == 200
    for path in (b"/hello/kolba", b"/api/square/12", b"/api/routes", b"/guestbook"):
        assert b'href="' + path + b'"' in response.data


def test_hello_escapes_the_name(client: Any) -> None:
    response = client.get("/hello/<script>")
    assert b"Hello, &lt;script&gt;!" in response.data


def test_square_returns_json(client: Any) -> None:
    response = client.get("/api/square/12")
    assert response.status_code == 200
    assert response.get_json() == {"number": 12, "square": 144}


def test_square_rejects_a_number_that_is_not_an_int(client: Any) -> None:
    assert client.get("/api/square/twelve").status_code == 404


def test_routes_lists_the_url_map(client: Any) -> None:
    rules = {route["rule"] for route in client.get("/api/routes").get_json()["routes"]}
    assert {"/", "/hello/<name>", "/api/square/<int:number>", "/guestbook"} <= rules


def test_signing_the_guestbook_redirects_and_shows_the_entry(client: Any) -> None:
    response = client.post("/guestbook", data={"name": "Ada", "message": "Hi there"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/guestbook"
    page = client.get("/guestbook").data
    assert b"Thanks for signing, Ada!" in page
    assert b"<strong>Ada</strong>: Hi there" in page


def test_an_empty_message_is_a_400_with_the_reason(client: Any) -> None:
    response = client.post("/guestbook", data={"name": "Ada", "message": "  "})
    assert response.status_code == 400
    assert b"Write a message before signing." in response.data


def test_each_app_has_its_own_guestbook() -> None:
    first = demo.create_app({"TESTING": True}).test_client()
    first.post("/guestbook", data={"message": "only here"})
    second = demo.create_app({"TESTING": True}).test_client()
    assert b"only here" not in second.get("/guestbook").data


def test_signing_the_guestbook_mails_the_owner(client: Any) -> None:
    with demo.mail.record_messages() as outbox:
        client.post("/guestbook", data={"name": "Ann", "message": "Lovely demo"})
    assert [m.subject for m in outbox] == ["New guestbook entry"]
    assert outbox[0].recipients == ["owner@localhost"]
    assert "Ann wrote:" in outbox[0].body
