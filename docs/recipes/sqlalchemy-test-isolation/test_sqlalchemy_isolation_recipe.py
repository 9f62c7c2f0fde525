"""Tests of the isolation recipe: one database for the whole run, tables made once, and every
test inside the ``sqlalchemy_rollback`` fixture's transaction, so none sees another's rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy_isolation_recipe import Todo, create_app, db

from kolba import Kolba
from kolba.testing import KolbaClient
from kolba_sqlalchemy import SQLAlchemy


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Kolba:
    folder: Path = tmp_path_factory.mktemp("isolation")
    app = create_app(TESTING=True, SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'todo.db'}")
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def client(app: Kolba, sqlalchemy_rollback: SQLAlchemy) -> KolbaClient:
    # Asking for sqlalchemy_rollback first puts the requests inside the test's transaction.
    return app.test_client()


@pytest.mark.parametrize("title", ["first", "second"])
def test_each_test_starts_from_an_empty_table(client: KolbaClient, title: str) -> None:
    assert client.get("/todos").json == {"open": 0}
    assert client.post("/todos", data={"title": title}).status_code == 201
    assert client.get("/todos").json == {"open": 1}


def test_test_code_uses_the_same_transaction(sqlalchemy_rollback: SQLAlchemy) -> None:
    session = sqlalchemy_rollback.session
    session.add(Todo(title="written by the test"))
    session.commit()
    assert session.query(Todo).count() == 1
