"""The pagination recipe: page links, the per_page cap and 404s for pages that do not exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy_pagination_recipe import Post, create_app, db

from kolba.testing import KolbaClient


@pytest.fixture
def client(tmp_path: Path) -> KolbaClient:
    app = create_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'blog.db'}")
    with app.app_context():
        db.session.add_all(Post(title=f"Post {i}") for i in range(1, 96))
        db.session.commit()
    return app.test_client()


def links(html: str) -> list[str]:
    return re.findall(r'<a href="[^"]*">([^<]+)</a>', html)


def test_first_page(client: KolbaClient) -> None:
    html = client.get("/posts").get_data(as_text=True)
    assert html.count("<li>") == 20
    assert "Posts 1 to 20 of 95" in html
    assert links(html) == ["2", "3", "4", "5", "Older"]


def test_middle_page_has_gaps_and_both_directions(client: KolbaClient) -> None:
    html = client.get("/posts?page=10&per_page=5").get_data(as_text=True)
    assert "<strong>10</strong>" in html
    assert links(html) == ["Newer", "1", "2", "8", "9", "11", "12", "13", "14", "18", "19", "Older"]
    assert html.count("…") == 2


def test_per_page_is_capped(client: KolbaClient) -> None:
    html = client.get("/posts?per_page=1000").get_data(as_text=True)
    assert html.count("<li>") == 50


@pytest.mark.parametrize("query", ["page=6", "page=0", "page=abc", "page=99999999999999999999"])
def test_pages_that_do_not_exist_are_404(client: KolbaClient, query: str) -> None:
    assert client.get(f"/posts?{query}").status_code == 404
