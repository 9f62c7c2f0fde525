"""The async recipe through the test client."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy_async_recipe import create_app

from kolba.testing import KolbaClient


@pytest.fixture
def client(tmp_path: Path) -> KolbaClient:
    return create_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'items.db'}").test_client()


def test_async_write_then_async_and_sync_reads(client: KolbaClient) -> None:
    assert client.post("/items", data={"name": "tea"}).json == {"id": 1, "name": "tea"}
    assert client.get("/items/1").json == {"id": 1, "name": "tea"}
    assert client.get("/items").json == {"names": ["tea"]}


def test_missing_item_is_404(client: KolbaClient) -> None:
    assert client.get("/items/7").status_code == 404


def test_missing_name_is_400(client: KolbaClient) -> None:
    assert client.post("/items", data={}).status_code == 400
