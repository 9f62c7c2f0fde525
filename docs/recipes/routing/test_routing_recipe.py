"""Tests for the routing and converters recipe: matching, method rules, redirects and the URLs
that url_for builds through the built-in and the custom converters."""

import pytest
from routing_recipe import NOTES, app


@pytest.fixture
def client():
    NOTES.clear()
    return app.test_client()


def test_index_lists_urls_built_with_url_for(client):
    assert client.get("/").get_json() == {
        "articles": "/articles/",
        "page_2": "/articles/page/2",
        "article": "/articles/2024/hello-kolba",
        "tags": "/tags/python+web",
        "sms": "/sms/13012345678",
        "download": "/download/docs/guide.pdf",
    }


def test_default_page_is_one(client):
    assert client.get("/articles/").text == "articles, page 1"


def test_page_number_is_an_int(client):
    assert client.get("/articles/page/3").text == "articles, page 3"


def test_page_zero_does_not_match(client):
    assert client.get("/articles/page/0").status_code == 404


def test_missing_trailing_slash_redirects(client):
    response = client.get("/articles")
    assert response.status_code == 308
    assert response.location.endswith("/articles/")


def test_article_needs_a_four_digit_year(client):
    assert client.get("/articles/2024/hello-kolba").text == "hello-kolba (2024)"
    assert client.get("/articles/24/hello-kolba").status_code == 404


def test_list_converter_passes_a_list(client):
    assert client.get("/tags/python+web").get_json() == {"tags": ["python", "web"]}


def test_regex_converter_matches_mobile_numbers_only(client):
    assert client.get("/sms/13012345678").text == "text message to 13012345678"
    assert client.get("/sms/12345").status_code == 404


def test_path_converter_accepts_slashes(client):
    assert client.get("/download/docs/guide.pdf").text == "would send docs/guide.pdf"


def test_get_and_post_share_a_url(client):
    assert client.post("/notes", data={"text": "buy milk"}).status_code == 201
    assert client.get("/notes").get_json() == {"notes": ["buy milk"]}


def test_other_methods_are_405_with_allow(client):
    response = client.delete("/notes")
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["Allow"].split(",")} >= {"GET", "POST"}


def test_old_blog_urls_redirect_to_articles(client):
    response = client.get("/blog/2024/hello-kolba")
    assert response.status_code == 308
    assert response.location.endswith("/articles/2024/hello-kolba")
