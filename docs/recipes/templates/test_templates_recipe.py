"""Tests for the templates recipe: the rendered pages, and the filter, test and macro on their
own."""

from datetime import date

import pytest
import templates_recipe
from templates_recipe import app

from kolba import get_template_attribute


@pytest.fixture
def client():
    return app.test_client()


def test_catalogue_lists_teas_with_links(client):
    page = client.get("/").text
    assert '<a href="/tea/sencha">Sencha</a>' in page
    assert '<a href="/tea/assam">Assam</a>' in page


def test_child_title_extends_base_title(client):
    assert "<title>Our teas - Kolba Tea Shop</title>" in client.get("/").text


def test_layout_comes_from_base_template(client):
    page = client.get("/tea/sencha").text
    assert '<nav><a href="/">Kolba Tea Shop</a></nav>' in page
    assert f"&copy; {date.today().year} Kolba Tea Shop" in page


def test_macro_renders_regular_and_sale_prices(client):
    page = client.get("/").text
    assert '<span class="price">€12.50</span>' in page
    assert '<span class="price sale"><s>€9.00</s> €7.00</span>' in page


def test_loop_cycles_row_classes(client):
    page = client.get("/").text
    assert page.index('class="odd"') < page.index('class="even"')


def test_empty_catalogue_uses_for_else(client, monkeypatch):
    monkeypatch.setattr(templates_recipe, "TEAS", {})
    assert "<li>No teas today.</li>" in client.get("/").text


def test_values_are_escaped(client):
    page = client.get("/tea/assam").text
    assert "<p>Malty &lt;strong&gt; black tea.</p>" in page
    assert "Grassy &amp; bright" in client.get("/tea/sencha").text


def test_unknown_tea_is_404(client):
    assert client.get("/tea/earl-grey").status_code == 404


def test_money_filter_formats_cents():
    assert app.jinja_env.filters["money"](123456) == "€1,234.56"


def test_on_sale_test_checks_sale_price():
    assert app.jinja_env.tests["on_sale"]({"sale_price": 100})
    assert not app.jinja_env.tests["on_sale"]({"sale_price": None})


def test_macro_can_be_called_from_python():
    with app.app_context():
        price_tag = get_template_attribute("macros.html", "price_tag")
        assert price_tag({"price": 500, "sale_price": None}) == '<span class="price">€5.00</span>'
