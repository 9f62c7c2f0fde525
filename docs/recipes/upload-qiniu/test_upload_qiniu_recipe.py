"""Tests for the Qiniu recipe: the qiniu SDK talks to kolba-upload's Qiniu stand-in, which
checks each upload token with the access and secret key."""

import io

import pytest
import qiniu
from upload_qiniu_recipe import create_app

from kolba_upload.testing import qiniu_stand_in

__all__ = ["qiniu_stand_in"]
JPEG = b"\xff\xd8\xff\xe0" + b"j" * 64


@pytest.fixture
def client(qiniu_stand_in):
    qiniu_stand_in.objects.clear()
    return create_app(qiniu_stand_in.config()).test_client()


def test_upload_stores_the_avatar_on_qiniu(client, qiniu_stand_in):
    response = client.post("/upload", data={"file": (io.BytesIO(JPEG), "me.JPG")})
    assert response.status_code == 201
    assert response.get_json()["key"] == "avatar.jpg"
    assert qiniu_stand_in.objects["avatars/avatar.jpg"][0] == JPEG


def test_upload_token_lets_a_client_put_the_file_as_in_the_seed(client, qiniu_stand_in, tmp_path):
    localfile = tmp_path / "avatar1.jpg"
    localfile.write_bytes(JPEG)
    token = client.get("/upload-token").get_json()["token"]
    region = qiniu.Region(up_host=qiniu_stand_in.url.split("//")[1], scheme="http")
    ret, info = qiniu.put_file_v2(token, "avatars/avatar.jpg", str(localfile), regions=[region])
    assert info.status_code == 200
    assert ret["hash"] == qiniu.etag(str(localfile))


def test_a_qiniu_failure_is_a_503(client, qiniu_stand_in):
    qiniu_stand_in.fail_with = 500
    try:
        response = client.post("/upload", data={"file": (io.BytesIO(JPEG), "me.jpg")})
    finally:
        qiniu_stand_in.fail_with = None
    assert response.status_code == 503
