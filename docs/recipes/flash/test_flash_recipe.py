"""Tests for the flash messages recipe: messages survive the redirect, show once, and keep their
categories."""

import flash_recipe
import pytest
from flash_recipe import app


@pytest.fixture
def client(monkeypatch):
    monkeypatch.setattr(flash_recipe, "INBOX", [])
    return app.test_client()


GOOD = {"name": "Ann", "message": "Hello there, kolba team!"}


def test_sending_redirects_back_to_the_form(client):
    response = client.post("/send", data=GOOD)
    assert response.status_code == 302
    assert response.location == "/"


def test_success_message_is_shown_after_the_redirect(client):
    page = client.post("/send", data=GOOD, follow_redirects=True).text
    assert '<p class="flash success">Thanks, Ann! We will answer soon.</p>' in page
    assert '<p class="flash info">Replies usually take a day.</p>' in page
    assert flash_recipe.INBOX == [("Ann", "Hello there, kolba team!")]


def test_messages_are_shown_only_once(client):
    client.post("/send", data=GOOD, follow_redirects=True)
    assert "Thanks, Ann!" not in client.get("/").text


def test_errors_are_listed_together(client):
    page = client.post("/send", data={"name": "", "message": "short"}, follow_redirects=True).text
    assert '<ul class="errors">' in page
    assert "<li>Please tell us your name.</li>" in page
    assert "<li>Your message needs at least 10 characters.</li>" in page
    assert 'class="flash' not in page
    assert flash_recipe.INBOX == []


def test_no_messages_on_a_fresh_visit(client):
    page = client.get("/").text
    assert "errors" not in page
    assert 'class="flash' not in page


def test_flashed_text_is_escaped(client):
    page = client.post("/send", data={**GOOD, "name": "<b>Ann</b>"}, follow_redirects=True).text
    assert "Thanks, &lt;b&gt;Ann&lt;/b&gt;!" in page
