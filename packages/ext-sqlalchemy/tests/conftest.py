"""Every database test runs twice: on SQLite (a file in the test's temporary folder) and on
PostgreSQL (a database of its own on a server the plugin starts on 127.0.0.1).

With ``CI`` set, a PostgreSQL server that cannot start fails the tests; elsewhere they skip.
"""

from __future__ import annotations

import itertools
import typing as t
from pathlib import Path

import pytest
from students_app import create_app

from kolba import Kolba
from kolba.cli import KolbaGroup
from kolba.testing import KolbaClient
from kolba_sqlalchemy import SQLAlchemy
from kolba_sqlalchemy.testing import PostgresServer

_names = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    server: PostgresServer = request.getfixturevalue("postgresql_server")
    return server.create_database(f"test_{next(_names)}")


@pytest.fixture
def students(database_url: str) -> t.Iterator[tuple[Kolba, SQLAlchemy, t.Any]]:
    """The students app on the test's database, its ``db`` and its model."""
    app, db, model = create_app(database_url)
    yield app, db, model
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture
def app(students: tuple[Kolba, SQLAlchemy, t.Any]) -> Kolba:
    return students[0]


@pytest.fixture
def db(students: tuple[Kolba, SQLAlchemy, t.Any]) -> SQLAlchemy:
    return students[1]


@pytest.fixture
def Students(students: tuple[Kolba, SQLAlchemy, t.Any]) -> t.Any:
    return students[2]


@pytest.fixture
def client(app: Kolba) -> KolbaClient:
    return app.test_client()


def add_students(client: KolbaClient, count: int) -> None:
    for i in range(count):
        response = client.post("/students", data={"name": f"student {i}", "city": "Beijing"})
        assert response.status_code == 201


def kolba_cli(app: Kolba, *args: str, **kwargs: t.Any) -> t.Any:
    """Run ``kolba <args>`` against ``app``, plugin commands included."""
    return app.test_cli_runner().invoke(KolbaGroup(name="kolba"), list(args), **kwargs)
