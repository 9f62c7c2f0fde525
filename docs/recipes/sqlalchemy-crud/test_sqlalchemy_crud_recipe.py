"""The students recipe, driven through the test client on a database in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy_crud_recipe as recipe

from kolba.testing import KolbaClient


@pytest.fixture
def client(tmp_path: Path) -> KolbaClient:
    # The recipe's engine points at students.sqlite3; point it at a file of the test's own.
    state = recipe.app.extensions["sqlalchemy"]
    saved = dict(state.engines)
    state.engines[None] = recipe.db.create_engine(f"sqlite:///{tmp_path / 'students.db'}")
    recipe.init_db()
    yield recipe.app.test_client()
    state.engines[None].dispose()
    state.engines.clear()
    state.engines.update(saved)


def test_create_and_list(client: KolbaClient) -> None:
    response = client.post("/new", data={"name": "Li Lei", "city": "Beijing"})
    assert response.status_code == 302
    assert client.get("/").json == {
        "students": [{"id": 1, "name": "Li Lei", "city": "Beijing", "addr": ""}]
    }


def test_missing_city_is_400(client: KolbaClient) -> None:
    response = client.post("/new", data={"name": "Li Lei"})
    assert response.status_code == 400
    assert b"Please enter a name and a city." in response.data


def test_edit_and_delete(client: KolbaClient) -> None:
    client.post("/new", data={"name": "Han Meimei", "city": "Beijing"})
    assert client.post("/students/1/edit", data={"city": "Shanghai"}).json["city"] == "Shanghai"
    client.post("/students/1/delete")
    assert client.get("/students/1").status_code == 404
    assert b"No such student." in client.get("/students/1").data
