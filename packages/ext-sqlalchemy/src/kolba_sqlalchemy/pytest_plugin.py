"""kolba-sqlalchemy's pytest plugin (entry point group ``pytest11``): ``sqlalchemy_rollback``
runs a test inside a transaction that is rolled back at its end; ``postgresql_server`` starts
a throwaway PostgreSQL server on 127.0.0.1.

With ``CI`` set, a PostgreSQL server that cannot start fails the test; elsewhere it is skipped.
"""

from __future__ import annotations

import typing as t

import pytest

from kolba.pytest_plugin import free_port, service_unavailable

from .testing import PostgresServer, ServerNotAvailable, rollback_transaction

if t.TYPE_CHECKING:
    from kolba import Kolba

    from .extension import SQLAlchemy


@pytest.fixture(scope="session")
def postgresql_server() -> t.Iterator[PostgresServer]:
    """One PostgreSQL server for the test session, in a temporary data directory, at a free
    port on 127.0.0.1. Use ``postgresql_server.create_database(name)`` for a database URL."""
    server = PostgresServer(free_port())
    try:
        server.start()
    except (ServerNotAvailable, OSError) as e:
        server.stop()
        service_unavailable(f"PostgreSQL did not start: {e}")
    yield server
    server.stop()


@pytest.fixture
def sqlalchemy_rollback(app: Kolba) -> t.Iterator[SQLAlchemy]:
    """The ``app`` fixture's ``db``, with an app context pushed and every engine's connection
    inside a transaction that is rolled back after the test: what the test, its requests and
    its commits write is gone afterwards. The tables must exist already (create them once,
    in a session-scoped fixture)."""
    with app.app_context(), rollback_transaction(app) as state:
        yield state.db
