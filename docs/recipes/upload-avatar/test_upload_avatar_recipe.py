"""Tests for the avatar upload recipe."""

import io

import pytest
from upload_avatar_recipe import create_app

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def client(tmp_path):
    return create_app(str(tmp_path / "uploads")).test_client()


def send(client, data, name):
    return client.post("/upload", data={"file": (io.BytesIO(data), name)})


def test_upload_answers_with_the_file_url(client, tmp_path):
    response = send(client, PNG, "avatar.png")
    assert response.status_code == 200
    assert response.get_json()["data"]["url"] == "http://localhost/_uploads/avatars/avatar.png"
    assert (tmp_path / "uploads" / "avatars" / "avatar.png").read_bytes() == PNG


def test_uploaded_avatar_is_served(client):
    url = send(client, PNG, "a.png").get_json()["data"]["url"]
    assert client.get(url).data == PNG


def test_same_name_twice_keeps_both(client):
    send(client, PNG, "avatar.png")
    second = send(client, PNG, "avatar.png").get_json()["data"]["url"]
    assert second.endswith("/avatar_1.png")


def test_missing_file_asks_for_one(client):
    response = client.post("/upload", data={})
    assert response.status_code == 400
    assert response.get_json()["message"] == "请先上传文件"


def test_traversal_name_stays_in_the_folder(client, tmp_path):
    send(client, PNG, "../../evil.png")
    assert not (tmp_path / "evil.png").exists()
    assert (tmp_path / "uploads" / "avatars" / "evil.png").exists()


def test_not_an_image_is_refused(client):
    assert send(client, b"MZ\x90\x00", "avatar.png").status_code == 400
    assert send(client, PNG, "avatar.exe").status_code == 400
