"""Tests for the quick start recipe: both pages through the test client.
The module-level app is imported as is; nothing starts a server."""

import pytest
from quickstart_app import app


@pytest.fixture
def client():
    return app.test_client()


def test_index_says_hello(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    assert response.text == "<h1>Hello World!</h1>"


def test_hello_greets_by_name(client):
    assert client.get("/hello/Ann").text == "<p>Hello, Ann!</p>"


def test_hello_escapes_the_name(client):
    assert client.get("/hello/<i>Ann").text == "<p>Hello, &lt;i&gt;Ann!</p>"


def test_unknown_page_is_404(client):
    assert client.get("/nope").status_code == 404
