"""Upload sets on S3, against a real moto_server: keys and prefixes, URLs, multipart
streaming, presigned direct uploads and their callback, and failures giving 503 fast."""

import hashlib
import io
import time
import uuid

import botocore.exceptions
import pytest
import requests
from conftest import upload
from werkzeug.datastructures import FileStorage

from kolba import request
from kolba.pytest_plugin import make_app
from kolba_upload import (
    IMAGES,
    BadFilename,
    StorageUnavailable,
    Uploads,
    UploadSet,
    upload_completed,
)
from kolba_upload.conformance import _PatternStream
from kolba_upload.testing import BrokenS3

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
photos = UploadSet("photos", IMAGES, max_size=64 * 1024)


@pytest.fixture
def bucket(moto_s3):
    name = f"test-{uuid.uuid4().hex[:10]}"
    moto_s3.config(name)
    return name


@pytest.fixture
def app(moto_s3, bucket):
    app = make_app("s3_uploads", **moto_s3.config(bucket), UPLOAD_S3_KEY_PREFIX="media/")
    uploads = Uploads(app, photos)

    @app.post("/photos")
    def save_photo():
        return photos.save(request.files["file"]).to_dict(), 201

    @app.post("/files")
    def save_file():
        return uploads.save(request.files["file"]).to_dict(), 201

    @app.post("/photos/direct")
    def grant():
        return photos.direct_upload(request.json["filename"])

    return app


def keys(moto_s3, bucket):
    listing = moto_s3.client().list_objects_v2(Bucket=bucket)
    return sorted(o["Key"] for o in listing.get("Contents", []))


def test_saved_file_lands_under_the_prefix_and_set_name(app, moto_s3, bucket):
    response = app.test_client().post("/photos", data={"file": (io.BytesIO(PNG), "我.png")})
    assert response.status_code == 201
    assert response.get_json()["key"] == "我.png"
    assert keys(moto_s3, bucket) == ["media/photos/我.png"]
    head = moto_s3.client().head_object(Bucket=bucket, Key="media/photos/我.png")
    assert head["ContentType"] == "image/png"


def test_default_set_uses_the_prefix_alone(app, moto_s3, bucket):
    app.test_client().post("/files", data={"file": (io.BytesIO(b"hi"), "a.txt")})
    assert keys(moto_s3, bucket) == ["media/a.txt"]


def test_url_is_presigned_and_fetches_the_file(app):
    with app.test_request_context():
        stored = photos.save(upload(PNG, "p.png"))
        url = photos.url(stored, expires=60)
    assert "X-Amz-Signature" in url
    assert requests.get(url, timeout=10).content == PNG


def test_keys_escaping_the_prefix_are_refused(app, moto_s3, bucket):
    moto_s3.client().put_object(Bucket=bucket, Key="media/secret.txt", Body=b"s")
    with app.test_request_context():
        for key in ("../secret.txt", "..%2fsecret.txt", "/media/secret.txt"):
            with pytest.raises(BadFilename):
                photos.open(key)
            with pytest.raises(BadFilename):
                photos.delete(key)
    assert "media/secret.txt" in keys(moto_s3, bucket)


def test_collision_renames_on_s3(app):
    with app.test_request_context():
        assert photos.save(upload(PNG, "same.png")) == "same.png"
        assert photos.save(upload(PNG, "same.png")) == "same_1.png"


def test_large_file_is_sent_as_multipart_and_hashes_match(moto_s3, bucket):
    app = make_app(
        "s3_multipart",
        **moto_s3.config(bucket),
        UPLOAD_S3_MULTIPART_THRESHOLD=5 * 1024 * 1024,
        UPLOAD_S3_PART_SIZE=5 * 1024 * 1024,
    )
    uploads = Uploads(app)
    size = 16 * 1024 * 1024
    source = _PatternStream(size)
    with app.test_request_context():
        stored = uploads.save(FileStorage(source, filename="big.csv"))
    body = moto_s3.client().get_object(Bucket=bucket, Key="big.csv")["Body"].read()
    assert stored.size == size == len(body)
    assert stored.sha256 == hashlib.sha256(body).hexdigest()
    head = moto_s3.client().head_object(Bucket=bucket, Key="big.csv")
    assert head["ETag"].strip('"').endswith("-4")


def test_direct_upload_with_presigned_post_then_callback_records_it(app, moto_s3, bucket):
    client = app.test_client()
    grant = client.post("/photos/direct", json={"filename": "../face.PNG"}).get_json()
    assert grant["method"] == "POST"
    assert grant["key"].endswith("/face.png")
    sent = requests.post(
        grant["url"],
        data=grant["fields"],
        files={"file": ("face.png", PNG, "image/png")},
        timeout=10,
    )
    assert sent.status_code in (200, 204), sent.text
    recorded = []

    def receiver(sender, upload_set, stored):
        recorded.append((upload_set, stored.key, stored.size))

    with upload_completed.connected_to(receiver):
        done = client.post(grant["complete_url"], json={"ticket": grant["ticket"]})
    assert done.status_code == 201
    assert done.get_json()["size"] == len(PNG)
    # The app does not download a direct upload to hash it.
    assert done.get_json()["sha256"] == ""
    assert recorded == [("photos", grant["key"], len(PNG))]


def test_presigned_post_policy_limits_size_and_type(app):
    import base64
    import json

    grant = app.test_client().post("/photos/direct", json={"filename": "x.png"}).get_json()
    policy = json.loads(base64.b64decode(grant["fields"]["policy"]))
    assert ["content-length-range", 0, 64 * 1024] in policy["conditions"]
    assert {"Content-Type": "image/png"} in policy["conditions"]


def test_callback_refuses_and_removes_a_direct_upload_over_the_limit(app, moto_s3, bucket):
    # moto does not enforce the policy's content-length-range; the callback checks again.
    client = app.test_client()
    grant = client.post("/photos/direct", json={"filename": "x.png"}).get_json()
    requests.post(
        grant["url"],
        data=grant["fields"],
        files={"file": ("x.png", b"\x00" * (65 * 1024), "image/png")},
        timeout=10,
    )
    assert f"media/photos/{grant['key']}" in keys(moto_s3, bucket)
    response = client.post(grant["complete_url"], json={"ticket": grant["ticket"]})
    assert response.status_code == 413
    assert f"media/photos/{grant['key']}" not in keys(moto_s3, bucket)


def test_callback_refuses_a_forged_ticket_and_a_missing_object(app):
    client = app.test_client()
    assert client.post("/_uploads/photos/complete", json={"ticket": "forged"}).status_code == 400
    grant = client.post("/photos/direct", json={"filename": "never.png"}).get_json()
    response = client.post(grant["complete_url"], json={"ticket": grant["ticket"]})
    assert response.status_code == 400
    assert "upload it first" in response.text


def test_presigned_put_uploads_the_file(app, moto_s3, bucket):
    with app.test_request_context():
        grant = photos.presigned_put("put.png")
    sent = requests.put(grant["url"], data=PNG, headers=grant["headers"], timeout=10)
    assert sent.status_code == 200, sent.text
    assert f"media/photos/{grant['key']}" in keys(moto_s3, bucket)


@pytest.mark.parametrize(
    ("status", "code"), [(500, "InternalError"), (403, "InvalidAccessKeyId"), (503, "SlowDown")]
)
def test_backend_errors_give_503(status, code):
    with BrokenS3(status, code) as broken:
        app = make_app("s3_broken", **broken.config())
        uploads = Uploads(app)

        @app.post("/up")
        def up():
            return uploads.save(request.files["file"]).to_dict()

        response = app.test_client().post("/up", data={"file": (io.BytesIO(b"x"), "a.txt")})
    assert response.status_code == 503
    assert "S3 storage failed" in response.text
    assert "testing" not in response.text


def test_a_hanging_s3_gives_503_within_the_timeout():
    with BrokenS3(hang=True) as broken:
        app = make_app("s3_hang", **{**broken.config(), "UPLOAD_TIMEOUT": 0.5})
        uploads = Uploads(app)
        with app.test_request_context():
            started = time.monotonic()
            with pytest.raises(StorageUnavailable):
                uploads.save(upload(b"x", "a.txt"))
            elapsed = time.monotonic() - started
    # One attempt of 0.5 s for the existence check; generous bound, it only must not hang.
    assert elapsed < 10


def test_bad_credentials_against_moto_give_503(moto_s3, bucket, monkeypatch):
    app = make_app("s3_creds", **moto_s3.config(bucket))
    Uploads(app)
    storage = app.extensions["upload"].get("files").storage

    def refuse(*args, **kwargs):
        raise botocore.exceptions.NoCredentialsError()

    monkeypatch.setattr(storage.client, "head_object", refuse)
    with app.test_request_context(), pytest.raises(StorageUnavailable):
        storage.exists("a.txt")


def test_missing_bucket_fails_start_up_naming_the_key():
    import kolba

    app = make_app("s3_nobucket", UPLOAD_BACKEND="s3")
    Uploads(app)
    with pytest.raises(kolba.ConfigError, match="UPLOAD_S3_BUCKET"):
        app.test_client().get("/")


def test_callback_refuses_and_removes_content_not_matching_the_extension(moto_s3, bucket):
    checked = UploadSet("checked", IMAGES, check_content=True)
    app = make_app("s3_checked", **moto_s3.config(bucket))
    Uploads(app, checked)
    with app.test_request_context():
        grant = checked.direct_upload("fake.png")
    requests.post(
        grant["url"],
        data=grant["fields"],
        files={"file": ("fake.png", b"<html>not a png</html>", "image/png")},
        timeout=10,
    )
    assert f"checked/{grant['key']}" in keys(moto_s3, bucket)
    response = app.test_client().post(grant["complete_url"], json={"ticket": grant["ticket"]})
    assert response.status_code == 400
    assert f"checked/{grant['key']}" not in keys(moto_s3, bucket)
