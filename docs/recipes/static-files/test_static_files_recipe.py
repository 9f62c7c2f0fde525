"""Tests for the static files and downloads recipe: caching headers, attachments, conditional
and range requests, and traversal attempts."""

import pytest
from static_files_recipe import app


@pytest.fixture
def downloads(tmp_path, monkeypatch):
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "price-list.txt").write_text("tea: 12.50\n")
    (tmp_path / "private.txt").write_text("not for download")
    monkeypatch.setitem(app.config, "DOWNLOAD_FOLDER", str(folder))
    return folder


@pytest.fixture
def client(downloads):
    return app.test_client()


def test_page_links_stylesheet_with_url_for(client):
    assert 'href="/static/style.css"' in client.get("/").text


def test_stylesheet_is_served_and_cacheable(client):
    response = client.get("/static/style.css")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert response.cache_control.max_age == 3600


def test_download_is_an_attachment(client):
    response = client.get("/downloads/price-list.txt")
    assert response.data == b"tea: 12.50\n"
    assert response.headers["Content-Disposition"] == "attachment; filename=price-list.txt"


def test_missing_download_is_404(client):
    assert client.get("/downloads/nothing.txt").status_code == 404


@pytest.mark.parametrize("name", ["../private.txt", "%2e%2e%2fprivate.txt"])
def test_download_cannot_leave_its_folder(client, name):
    response = client.get(f"/downloads/{name}")
    assert response.status_code == 404
    assert b"not for download" not in response.data


def test_unchanged_download_is_answered_with_304(client):
    etag = client.get("/downloads/price-list.txt").headers["ETag"]
    response = client.get("/downloads/price-list.txt", headers={"If-None-Match": etag})
    assert response.status_code == 304


def test_download_can_be_resumed_with_a_range(client):
    response = client.get("/downloads/price-list.txt", headers={"Range": "bytes=5-"})
    assert response.status_code == 206
    assert response.data == b"12.50\n"


def test_report_is_generated_csv_attachment(client):
    response = client.get("/reports/sales.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == "attachment; filename=sales.csv"
    assert response.text.splitlines() == ["month,units", "2024-01,120", "2024-02,95", "2024-03,143"]
