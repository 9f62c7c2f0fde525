"""Upload sets on Qiniu: the real qiniu SDK talks to the test kit's stand-in, which checks
every upload token and management signature with the access and secret key."""

import io
import time

import pytest
import qiniu
import requests
from conftest import upload

from kolba import request
from kolba.pytest_plugin import make_app
from kolba_upload import IMAGES, StorageUnavailable, Uploads, UploadSet
from kolba_upload.testing import QiniuStandIn, qiniu_etag

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
avatars = UploadSet("avatars", IMAGES, max_size=1024)


@pytest.fixture
def stand_in(qiniu_stand_in):
    qiniu_stand_in.objects.clear()
    qiniu_stand_in.private = False
    qiniu_stand_in.fail_with = None
    qiniu_stand_in.delay = 0.0
    return qiniu_stand_in


@pytest.fixture
def app(stand_in):
    app = make_app("qiniu_uploads", **stand_in.config())
    Uploads(app, avatars)

    @app.post("/upload")
    def upload_view():
        return avatars.save(request.files["file"]).to_dict(), 201

    return app


def test_saved_file_is_stored_under_the_set_name(app, stand_in):
    response = app.test_client().post("/upload", data={"file": (io.BytesIO(PNG), "头像.png")})
    assert response.status_code == 201
    assert stand_in.objects["avatars/头像.png"][0] == PNG
    assert response.get_json()["url"] == f"{stand_in.url}/avatars/%E5%A4%B4%E5%83%8F.png"


def test_public_url_downloads_the_file(app):
    with app.test_request_context():
        stored = avatars.save(upload(PNG, "a.png"))
    assert requests.get(stored.url, timeout=5).content == PNG


def test_private_bucket_urls_are_signed_and_expire(stand_in):
    stand_in.private = True
    app = make_app("qiniu_private", **stand_in.config(), UPLOAD_QINIU_PRIVATE=True)
    Uploads(app, avatars)
    with app.test_request_context():
        avatars.save(upload(PNG, "p.png"))
        url = avatars.url("p.png", expires=60)
        expired = avatars.url("p.png", expires=1)
        with avatars.open("p.png") as f:
            assert f.read() == PNG
    assert "token=test-ak:" in url
    assert requests.get(url, timeout=5).content == PNG
    assert requests.get(url.split("&token=")[0], timeout=5).status_code == 401
    time.sleep(2.1)
    assert requests.get(expired, timeout=5).status_code == 401


def test_upload_token_works_with_the_sdk_as_in_the_seed(app, stand_in, tmp_path):
    # Seed 000's remote upload: an upload token, put_file, and the etag check.
    localfile = tmp_path / "avatar1.jpg"
    localfile.write_bytes(b"\xff\xd8\xff\xe0" + b"jpeg" * 50)
    with app.test_request_context():
        token = avatars.upload_token("avatar.jpg", 3600)
    region = qiniu.Region(up_host=stand_in.url.split("//")[1], scheme="http")
    ret, info = qiniu.put_file_v2(
        token, "avatars/avatar.jpg", str(localfile), version="v2", regions=[region]
    )
    assert info.status_code == 200, info
    assert ret["key"] == "avatars/avatar.jpg"
    assert ret["hash"] == qiniu.etag(str(localfile)) == qiniu_etag(localfile.read_bytes())


def test_stand_in_refuses_a_token_signed_with_another_secret(stand_in):
    forged = qiniu.Auth("test-ak", "not-the-secret").upload_token(stand_in.bucket, "x.txt", 60)
    region = qiniu.Region(up_host=stand_in.url.split("//")[1], scheme="http")
    ret, info = qiniu.put_data(forged, "x.txt", b"x", regions=[region])
    assert info.status_code == 401
    assert "x.txt" not in stand_in.objects


def test_token_for_one_key_cannot_upload_another(app, stand_in):
    with app.test_request_context():
        token = avatars.upload_token("mine.png")
    region = qiniu.Region(up_host=stand_in.url.split("//")[1], scheme="http")
    ret, info = qiniu.put_data(token, "avatars/theirs.png", PNG, regions=[region])
    assert info.status_code == 403


def test_upload_token_refuses_keys_outside_the_set(app):
    with app.test_request_context():
        for key in ("../other/x.png", "a/../../x.png"):
            with pytest.raises(Exception) as info:
                avatars.upload_token(key)
            assert info.value.code == 400


def test_collision_renames_on_qiniu(app):
    with app.test_request_context():
        assert avatars.save(upload(PNG, "same.png")) == "same.png"
        assert avatars.save(upload(PNG, "same.png")) == "same_1.png"


def test_exists_and_delete_use_signed_management_calls(app, stand_in):
    with app.test_request_context():
        avatars.save(upload(PNG, "d.png"))
        assert avatars.exists("d.png")
        avatars.delete("d.png")
        assert not avatars.exists("d.png")
    assert "POST /stat/" + "a29sYmE6YXZhdGFycy9kLnBuZw==" in stand_in.requests


def test_over_the_limit_gives_413_and_nothing_is_stored(app, stand_in):
    big = b"\x89PNG" + b"\x00" * 2048
    response = app.test_client().post("/upload", data={"file": (io.BytesIO(big), "b.png")})
    assert response.status_code == 413
    assert not stand_in.objects


@pytest.mark.parametrize("status", [500, 599, 401])
def test_qiniu_errors_give_503(app, stand_in, status):
    stand_in.fail_with = status
    response = app.test_client().post("/upload", data={"file": (io.BytesIO(PNG), "e.png")})
    assert response.status_code == 503
    assert "Qiniu storage failed" in response.text
    assert not stand_in.objects


def test_a_slow_qiniu_gives_503_within_the_timeout(stand_in):
    stand_in.delay = 3.0
    app = make_app("qiniu_slow", **{**stand_in.config(), "UPLOAD_TIMEOUT": 0.5})
    uploads = Uploads(app)
    with app.test_request_context(), pytest.raises(StorageUnavailable):
        uploads.save(upload(b"x", "a.txt"))


def test_direct_upload_grant_posts_straight_to_qiniu(app, stand_in):
    with app.test_request_context():
        grant = avatars.direct_upload("face.png")
    sent = requests.post(
        grant["url"],
        data=grant["fields"],
        files={"file": ("face.png", PNG, "image/png")},
        timeout=5,
    )
    assert sent.status_code == 200, sent.text
    client = app.test_client()
    done = client.post(grant["complete_url"], json={"ticket": grant["ticket"]})
    assert done.status_code == 201
    assert done.get_json()["key"] == grant["key"]


def test_direct_upload_token_carries_the_size_limit(app, stand_in):
    with app.test_request_context():
        grant = avatars.direct_upload("big.png")
    sent = requests.post(
        grant["url"],
        data=grant["fields"],
        files={"file": ("big.png", b"\x00" * 2048, "image/png")},
        timeout=5,
    )
    assert sent.status_code == 413


def test_missing_keys_fail_start_up_naming_the_key():
    import kolba

    app = make_app("qiniu_nokeys", UPLOAD_BACKEND="qiniu")
    Uploads(app)
    with pytest.raises(kolba.ConfigError, match="UPLOAD_QINIU_ACCESS_KEY"):
        app.test_client().get("/")


def test_stand_in_checks_the_management_signature():
    with QiniuStandIn() as stand_in:
        stand_in.objects["k"] = (b"x", "text/plain")
        region = qiniu.Region(rs_host=stand_in.url.split("//")[1], scheme="http")
        wrong = qiniu.BucketManager(qiniu.Auth("test-ak", "wrong"), regions=[region])
        assert wrong.stat(stand_in.bucket, "k")[1].status_code == 401
        right = qiniu.BucketManager(qiniu.Auth("test-ak", "test-sk"), regions=[region])
        assert right.stat(stand_in.bucket, "k")[1].status_code == 200
