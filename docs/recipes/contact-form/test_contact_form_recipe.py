"""Tests for the contact form recipe: the form with its token, a valid post, the seed's error
messages in the page, and a post without the token refused."""

import re

import pytest
from contact_form_recipe import app


@pytest.fixture
def client():
    return app.test_client()


def token(client):
    page = client.get("/contact").text
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def post(client, **changes):
    data = {
        "csrf_token": token(client),
        "name": "Ada",
        "gender": "F",
        "address": "12 Engine St",
        "email": "ada@example.com",
        "age": "36",
        "language": "py",
    }
    data.update(changes)
    return client.post("/contact", data=data)


def test_form_page_has_the_token_and_the_fields(client):
    page = client.get("/contact").text
    assert '<input id="csrf_token" name="csrf_token" type="hidden"' in page
    assert '<label for="name">Name Of Student</label>' in page
    assert '<option value="py">Python</option>' in page


def test_valid_post_thanks_the_student(client):
    response = post(client)
    assert "Form posted successfully" in response.text
    assert "Thank you, Ada." in response.text


def test_errors_are_shown_next_to_their_fields(client):
    page = post(client, name="", email="ada-at-example").text
    assert '<span class="error">Please enter your name.</span>' in page
    assert '<span class="error">Please enter your email address.</span>' in page
    assert '<p class="flash">All fields are required.</p>' in page


def test_post_without_the_token_is_refused(client):
    response = client.post("/contact", data={"name": "Ada", "email": "ada@example.com"})
    assert response.status_code == 400
    assert "The CSRF token is missing." in response.text
