"""The deployment recipe against a real PostgreSQL server that the package's
``postgresql_server`` fixture starts on 127.0.0.1 (fails under CI if it cannot start)."""

from __future__ import annotations

import itertools

import pytest
from postgresql_deployment_recipe import create_app

from kolba import Kolba
from kolba.cli import KolbaGroup
from kolba.pytest_plugin import free_port
from kolba_sqlalchemy.testing import PostgresServer

_numbers = itertools.count()


@pytest.fixture
def app(postgresql_server: PostgresServer, monkeypatch: pytest.MonkeyPatch) -> Kolba:
    url = postgresql_server.create_database(f"deploy_{next(_numbers)}")
    monkeypatch.setenv("DATABASE_URL", url)
    return create_app()


def kolba(app: Kolba, *args: str) -> object:
    return app.test_cli_runner().invoke(KolbaGroup(name="kolba"), list(args))


def test_create_tables_then_serve(app: Kolba) -> None:
    assert kolba(app, "db", "create").exit_code == 0  # type: ignore[attr-defined]
    client = app.test_client()
    assert client.get("/hit/home").json == {"visits": 1}
    assert client.get("/hit/home").json == {"visits": 2}


def test_doctor_checks_the_database(app: Kolba) -> None:
    result = kolba(app, "doctor")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "sqlalchemy default (postgresql)" in result.output  # type: ignore[attr-defined]


def test_database_down_is_a_503(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"postgresql+psycopg://app@127.0.0.1:{free_port()}/app")
    monkeypatch.setenv("DB_TIMEOUT", "1")
    app = create_app()
    assert app.test_client().get("/hit/home").status_code == 503
