"""Fixtures of the kolba-upload tests: the test kit's S3 and Qiniu servers, and apps."""

import io

import pytest
from werkzeug.datastructures import FileStorage

from kolba.pytest_plugin import make_app
from kolba_upload.testing import moto_s3, qiniu_stand_in

__all__ = ["moto_s3", "qiniu_stand_in"]


def upload(data, filename, content_type="application/octet-stream"):
    """A ``FileStorage`` like the one ``request.files`` holds."""
    return FileStorage(io.BytesIO(data), filename=filename, content_type=content_type)


@pytest.fixture
def local_app(tmp_path):
    return make_app("upload_test_app", UPLOAD_FOLDER=str(tmp_path / "uploads"))
