"""Tests for the S3 recipe, against a moto_server started by kolba-upload's test kit."""

import io

import pytest
import requests
from upload_s3_recipe import create_app

from kolba_upload.testing import moto_s3

__all__ = ["moto_s3"]


@pytest.fixture
def client(moto_s3):
    return create_app(moto_s3.config("acme-uploads")).test_client()


def test_report_lands_under_prefix_set_and_team(client, moto_s3):
    pdf = b"%PDF-1.7\n" + b"0" * 100
    response = client.post("/reports", data={"file": (io.BytesIO(pdf), "Q3.pdf"), "team": "ops"})
    assert response.status_code == 201
    head = moto_s3.client().head_object(Bucket="acme-uploads", Key="prod/reports/ops/Q3.pdf")
    assert head["ContentLength"] == len(pdf)


def test_download_redirects_to_a_signed_url(client):
    client.post("/reports", data={"file": (io.BytesIO(b"%PDF-1.7"), "a.pdf")})
    response = client.get("/reports/a.pdf")
    assert response.status_code == 302
    assert requests.get(response.location, timeout=10).content == b"%PDF-1.7"


def test_delete_removes_it_and_traversal_is_refused(client, moto_s3):
    client.post("/reports", data={"file": (io.BytesIO(b"x"), "b.pdf")})
    assert client.delete("/reports/b.pdf").status_code == 204
    assert client.delete("/reports/../secret").status_code in (400, 404)
    listing = moto_s3.client().list_objects_v2(Bucket="acme-uploads", Prefix="prod/reports/b")
    assert listing["KeyCount"] == 0
