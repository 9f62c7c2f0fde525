"""The shell context (``db`` and every model) and the ``kolba db`` commands: ``create``,
``drop`` and ``check``."""

from __future__ import annotations

import typing as t

import click
import sqlalchemy as sa

from kolba import current_app
from kolba.cli import AppGroup

if t.TYPE_CHECKING:
    from .extension import SQLAlchemy


def add_models_to_shell(db: SQLAlchemy | None = None) -> dict[str, t.Any]:
    """``db`` and every model class by name, for ``kolba shell``."""
    if db is None:
        db = current_app.extensions["sqlalchemy"].db
    assert db is not None
    names: dict[str, t.Any] = {
        mapper.class_.__name__: mapper.class_ for mapper in db.Model.registry.mappers
    }
    names["db"] = db
    return names


def _db() -> SQLAlchemy:
    state = current_app.extensions.get("sqlalchemy")
    if state is None:
        raise click.ClickException("kolba-sqlalchemy is not initialised on this app.")
    return state.db  # type: ignore[no-any-return]


def _bind_name(key: str | None) -> str:
    return "default" if key is None else key


@click.group("db", cls=AppGroup)
def db_command() -> None:
    """Create, drop and check the app's databases (kolba-sqlalchemy)."""


@db_command.command("create")
@click.option("--bind", "binds", multiple=True, help="Only this bind key (repeatable).")
def create_command(binds: tuple[str, ...]) -> None:
    """Create the tables of every model that do not exist yet."""
    db = _db()
    keys: t.Any = [None if b == "default" else b for b in binds] if binds else "__all__"
    db.create_all(keys)
    click.echo("Created the tables.")


@db_command.command("drop")
@click.option("--bind", "binds", multiple=True, help="Only this bind key (repeatable).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def drop_command(binds: tuple[str, ...], yes: bool) -> None:
    """Drop the tables of every model, with their data."""
    db = _db()
    if not yes:
        click.confirm("Drop every table and its data?", abort=True)
    keys: t.Any = [None if b == "default" else b for b in binds] if binds else "__all__"
    db.drop_all(keys)
    click.echo("Dropped the tables.")


@db_command.command("check")
def check_command() -> None:
    """Connect to every engine and run SELECT 1; exit with status 1 if one fails."""
    db = _db()
    failed = 0
    for key, engine in db.engines.items():
        try:
            with engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
        except Exception as e:
            failed += 1
            click.echo(f"{_bind_name(key)}: FAILED {type(e).__name__}: {e}".splitlines()[0])
        else:
            click.echo(f"{_bind_name(key)}: OK {engine.url.render_as_string(hide_password=True)}")
    if failed:
        raise click.exceptions.Exit(1)
