"""The ``kolba db`` commands and the shell context."""

from __future__ import annotations

import typing as t

import sqlalchemy as sa
from conftest import kolba_cli

from kolba import Kolba
from kolba_sqlalchemy import SQLAlchemy


def _tables(app: Kolba, db: SQLAlchemy) -> list[str]:
    with app.app_context():
        return sa.inspect(db.engine).get_table_names()


def test_drop_then_create(app: Kolba, db: SQLAlchemy) -> None:
    dropped = kolba_cli(app, "db", "drop", "--yes")
    assert dropped.exit_code == 0, dropped.output
    assert _tables(app, db) == []
    created = kolba_cli(app, "db", "create")
    assert created.exit_code == 0, created.output
    assert _tables(app, db) == ["students"]


def test_drop_asks_first(app: Kolba, db: SQLAlchemy) -> None:
    result = kolba_cli(app, "db", "drop", input="n\n")
    assert result.exit_code == 1
    assert _tables(app, db) == ["students"]


def test_check_passes(app: Kolba) -> None:
    result = kolba_cli(app, "db", "check")
    assert result.exit_code == 0, result.output
    assert "default: OK" in result.output


def test_check_hides_the_password(database_url: str) -> None:
    app = Kolba("password_app")
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    app.config["SQLALCHEMY_BINDS"] = {
        "other": database_url.replace("postgres@", "postgres:secret@")
    }
    SQLAlchemy(app)
    result = kolba_cli(app, "db", "check")
    assert "secret" not in result.output


def test_shell_context_has_db_and_models(app: Kolba, db: SQLAlchemy, Students: t.Any) -> None:
    with app.app_context():
        context = app.make_shell_context()
    assert context["db"] is db
    assert context["Students"] is Students
