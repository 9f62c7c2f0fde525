"""Tests for the upload form recipe: a photo saved under a safe name, and each validator's
message when the file is missing, of the wrong kind or too large, or the token is absent."""

import io
import re

import pytest
from upload_form_recipe import create_app


@pytest.fixture
def app(tmp_path):
    return create_app(str(tmp_path))


@pytest.fixture
def client(app):
    return app.test_client()


def send(client, filename, content=b"\xff\xd8 a jpeg", token=True):
    data = {"caption": "holiday", "photo": (io.BytesIO(content), filename)}
    if token:
        page = client.get("/").text
        data["csrf_token"] = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    return client.post("/", data=data, content_type="multipart/form-data")


def test_photo_is_saved_under_a_safe_name(client, tmp_path):
    response = send(client, "../../etc/beach.jpg")
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).text == "Saved etc_beach.jpg."
    assert (tmp_path / "etc_beach.jpg").read_bytes() == b"\xff\xd8 a jpeg"


def test_no_file_chosen(client):
    assert '<p class="error">Choose a photo.</p>' in send(client, "", b"").text


def test_wrong_kind_of_file(client, tmp_path):
    assert '<p class="error">JPEG or PNG images only.</p>' in send(client, "run.sh").text
    assert list(tmp_path.iterdir()) == []


def test_file_too_large(client):
    page = send(client, "big.png", b"0" * (2 * 1024 * 1024 + 1)).text
    assert '<p class="error">At most 2 MB.</p>' in page


def test_body_over_the_limit_is_a_413(client):
    assert send(client, "huge.png", b"0" * (5 * 1024 * 1024)).status_code == 413


def test_upload_without_the_token_is_refused(client, tmp_path):
    response = send(client, "beach.jpg", token=False)
    assert response.status_code == 400
    assert list(tmp_path.iterdir()) == []
