"""Tests for the faster-JSON recipe: the API answers as documented, with the bytes the default
provider would send."""

import pytest
from faster_json_recipe import create_app

from kolba.json.provider import DefaultJSONProvider, OrjsonProvider

pytest.importorskip("orjson")


@pytest.fixture
def app():
    return create_app()


def test_the_app_uses_the_orjson_provider(app):
    assert type(app.json) is OrjsonProvider


def test_a_product_is_sent_with_dates_decimals_and_escaped_text(app):
    response = app.test_client().get("/api/products/3")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.data == (
        b'{"added":"Sat, 03 Jan 2026 00:00:00 GMT","id":3,"name":"\\u8336 3","price":"3.50"}\n'
    )
    assert response.json["name"] == "茶 3"


@pytest.mark.parametrize("path", ["/api/products", "/api/products?page=2", "/api/products/7"])
def test_responses_are_the_default_providers_bytes(app, path):
    fast = app.test_client().get(path).data
    app.json = DefaultJSONProvider(app)
    assert app.test_client().get(path).data == fast


def test_an_unknown_product_is_404(app):
    assert app.test_client().get("/api/products/99").status_code == 404
