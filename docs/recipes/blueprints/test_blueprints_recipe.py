"""Tests for the blueprints recipe: pages, the nested API and the app factory.
Each test builds an app with create_app() and drives it with the test client."""

import pytest
from blueprints_recipe import create_app


@pytest.fixture
def client():
    return create_app({"TESTING": True}).test_client()


def test_home_page_links_to_the_other_blueprints(client):
    html = client.get("/").get_data(as_text=True)
    assert "<h1>Home</h1>" in html
    assert 'href="/about"' in html
    assert 'href="/api/v1/books"' in html


def test_pages_link_their_own_stylesheet(client):
    html = client.get("/about").get_data(as_text=True)
    assert 'href="/pages-static/pages.css"' in html


def test_pages_stylesheet_is_served(client):
    response = client.get("/pages-static/pages.css")
    assert response.status_code == 200
    assert b"font-family" in response.data
    response.close()


def test_nested_api_lists_books_with_relative_links(client):
    books = client.get("/api/v1/books").get_json()["books"]
    assert books[0] == {"title": "Dune", "url": "/api/v1/books/1"}


def test_nested_api_returns_one_book(client):
    assert client.get("/api/v1/books/2").get_json() == {"id": 2, "title": "Solaris"}


def test_parent_error_handler_answers_for_the_child(client):
    response = client.get("/api/v1/books/99")
    assert response.status_code == 404
    assert response.get_json() == {"error": "not found"}


def test_unmatched_url_under_the_api_prefix_gets_the_app_404_page(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json(silent=True) is None


def test_parent_after_request_applies_to_the_child(client):
    assert client.get("/api/v1/books").headers["Cache-Control"] == "no-store"


def test_pages_are_outside_the_api_hooks(client):
    response = client.get("/about")
    assert "Cache-Control" not in response.headers


def test_factory_builds_independent_apps_with_their_own_config():
    first, second = create_app(), create_app({"TESTING": True})
    assert (first.testing, second.testing) == (False, True)
    assert sorted(first.blueprints) == sorted(second.blueprints) == ["api", "api.v1", "pages"]
