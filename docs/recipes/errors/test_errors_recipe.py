"""Tests for the error handling recipe: the 404 page, JSON API errors and OutOfStock.
Each test drives errors_recipe.app through the test client."""

import pytest
from errors_recipe import app


@pytest.fixture
def client():
    return app.test_client()


def test_unknown_page_gets_the_custom_404_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "<h1>Page not found</h1>" in response.text


def test_missing_book_gets_json_404_with_the_abort_description(client):
    response = client.get("/api/books/99")
    assert response.status_code == 404
    assert response.get_json() == {"error": "Not Found", "message": "No book with id 99."}


def test_unknown_api_url_gets_json_404(client):
    response = client.get("/api/authors")
    assert response.status_code == 404
    assert response.get_json()["error"] == "Not Found"


def test_wrong_method_on_api_gets_json_405(client):
    response = client.delete("/api/books/1")
    assert response.status_code == 405
    assert response.get_json()["error"] == "Method Not Allowed"
    assert "GET" in response.headers["Allow"]


def test_other_http_errors_keep_the_default_html_page(client):
    response = client.get("/admin")
    assert response.status_code == 403
    assert response.mimetype == "text/html"
    assert "Forbidden" in response.text


def test_domain_exception_is_handled_by_class(client):
    response = client.post("/api/books/2/orders")
    assert response.status_code == 409
    assert response.get_json() == {"error": "Out of stock", "message": "Solaris is out of stock"}


def test_successful_order(client):
    response = client.post("/api/books/1/orders")
    assert response.status_code == 201
    assert response.get_json() == {"ordered": "Dune"}


def test_existing_book_is_returned(client):
    assert client.get("/api/books/1").get_json() == {"title": "Dune", "stock": 3}
