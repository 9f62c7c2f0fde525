"""The backend conformance suite, run against the three built-in backends on real servers:
local disk, moto_server's S3 and the Qiniu stand-in."""

import uuid

import pytest

from kolba.pytest_plugin import make_app
from kolba_upload import Uploads
from kolba_upload.conformance import StorageConformance
from kolba_upload.extension import set_state


def _storage(config):
    app = make_app("conformance_storage", **config)
    Uploads(app)
    with app.test_request_context():
        return set_state("files", app).storage


class TestLocalStorage(StorageConformance):
    @pytest.fixture
    def storage(self, tmp_path):
        return _storage({"UPLOAD_FOLDER": str(tmp_path)})


class TestS3Storage(StorageConformance):
    @pytest.fixture
    def storage(self, moto_s3):
        config = moto_s3.config(f"conformance-{uuid.uuid4().hex[:8]}")
        config["UPLOAD_S3_MULTIPART_THRESHOLD"] = 5 * 1024 * 1024
        config["UPLOAD_S3_PART_SIZE"] = 5 * 1024 * 1024
        return _storage(config)

    def test_failed_multipart_upload_leaves_no_parts(self, storage):
        self.test_failing_stream_leaves_no_object(storage)
        assert not storage.client.list_multipart_uploads(Bucket=storage.bucket).get("Uploads")


class TestQiniuStorage(StorageConformance):
    large_size = 3 * 1024 * 1024

    @pytest.fixture
    def storage(self, qiniu_stand_in):
        qiniu_stand_in.objects.clear()
        return _storage(qiniu_stand_in.config())
