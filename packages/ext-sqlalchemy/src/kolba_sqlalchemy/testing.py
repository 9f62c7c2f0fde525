"""Test helpers for apps that use kolba-sqlalchemy: a throwaway PostgreSQL server, and the
connection-level transaction the ``sqlalchemy_rollback`` fixture runs each test in.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import typing as t

import sqlalchemy as sa

if t.TYPE_CHECKING:
    from kolba import Kolba

    from .extension import SQLAlchemyState

#: Seconds a PostgreSQL server may take to start.
START_TIMEOUT = 60.0


class ServerNotAvailable(RuntimeError):
    """The PostgreSQL binaries are missing or the server did not start."""


def find_pg_bin(name: str) -> str | None:
    """The path of a PostgreSQL server program (``initdb``, ``pg_ctl``): on ``PATH``, else
    the newest under Debian's ``/usr/lib/postgresql/*/bin``."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0,
    )
    return candidates[-1] if candidates else None


class PostgresServer:
    """A PostgreSQL server of its own, in a temporary data directory, listening on
    127.0.0.1 at ``port`` with trust authentication for the user ``postgres``.

    As root, the programs run as the ``postgres`` user (the server refuses to run as root).
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.user = "postgres"
        self.datadir = ""
        self._workdir = ""

    def _run(self, argv: list[str]) -> subprocess.CompletedProcess[str]:
        if os.geteuid() == 0:
            runuser = shutil.which("runuser")
            if runuser is None:
                raise ServerNotAvailable("running as root but runuser is missing")
            argv = [runuser, "-u", "postgres", "--", *argv]
        return subprocess.run(argv, capture_output=True, text=True, timeout=START_TIMEOUT)

    def start(self) -> None:
        initdb, pg_ctl = find_pg_bin("initdb"), find_pg_bin("pg_ctl")
        if initdb is None or pg_ctl is None:
            raise ServerNotAvailable(
                "PostgreSQL's initdb and pg_ctl are missing (Debian package postgresql)"
            )
        self._workdir = tempfile.mkdtemp(prefix="kolba-pg-")
        if os.geteuid() == 0:
            shutil.chown(self._workdir, "postgres", "postgres")
        self.datadir = os.path.join(self._workdir, "data")
        done = self._run(
            [initdb, "-D", self.datadir, "-U", self.user, "-A", "trust", "-E", "UTF8", "--no-sync"]
        )
        if done.returncode != 0:
            raise ServerNotAvailable(f"initdb failed:\n{done.stdout}\n{done.stderr}")
        self.start_server()

    def start_server(self) -> None:
        """Start the server on the data directory :meth:`start` made (again, after
        :meth:`stop_server`)."""
        pg_ctl = find_pg_bin("pg_ctl")
        if pg_ctl is None:
            raise ServerNotAvailable("PostgreSQL's pg_ctl is missing (Debian package postgresql)")
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self._workdir} -F"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        log = os.path.join(self._workdir, "server.log")
        done = self._run(
            [pg_ctl, "start", "-D", self.datadir, "-o", options, "-l", log, "-w", "-t", "60"]
        )
        if done.returncode != 0:
            details = ""
            with contextlib.suppress(OSError), open(log) as f:
                details = f.read()
            raise ServerNotAvailable(f"pg_ctl start failed:\n{done.stderr}\n{details}")

    def stop_server(self, mode: str = "fast") -> None:
        """Stop the server, keeping its data directory: the database is "down". ``fast``
        keeps what was committed; ``immediate`` is a crash."""
        pg_ctl = find_pg_bin("pg_ctl")
        if self.datadir and pg_ctl is not None:
            self._run([pg_ctl, "stop", "-D", self.datadir, "-m", mode, "-w"])

    def stop(self) -> None:
        """Stop the server and delete its data directory."""
        self.stop_server("immediate")
        if self._workdir:
            shutil.rmtree(self._workdir, ignore_errors=True)

    def url(self, database: str = "postgres", driver: str = "psycopg") -> str:
        """A URL for ``database`` on this server (``driver``: psycopg or asyncpg)."""
        return f"postgresql+{driver}://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty database and return its URL."""
        engine = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        finally:
            engine.dispose()
        return self.url(name)


@contextlib.contextmanager
def rollback_transaction(app: Kolba) -> t.Iterator[SQLAlchemyState]:
    """Run the block inside one transaction per engine of ``app``, rolled back at the end.

    Every session ``db.session`` opens meanwhile (in the test, in requests, in CLI commands)
    is bound to those connections and turns its own ``commit()`` into a savepoint release,
    so nothing the block writes outlives it, committed or not.
    """
    state: SQLAlchemyState = app.extensions["sqlalchemy"]
    factory = state.db.session.session_factory
    previous_mode = factory.kw.get("join_transaction_mode")
    opened: list[tuple[sa.Connection, sa.RootTransaction, t.Any]] = []
    try:
        for key, engine in state.engines.items():
            connection = engine.connect()
            restore: t.Any = None
            if engine.dialect.name == "sqlite":
                # pysqlite starts transactions itself and never around SAVEPOINT; take that
                # over so the savepoints nest inside the test's transaction.
                dbapi = connection.connection.dbapi_connection
                restore = (dbapi, dbapi.isolation_level)  # type: ignore[union-attr]
                dbapi.isolation_level = None  # type: ignore[union-attr]
            transaction = connection.begin()
            if restore is not None:
                connection.exec_driver_sql("BEGIN")
            opened.append((connection, transaction, restore))
            state.connections[key] = connection
        factory.configure(join_transaction_mode="create_savepoint")
        yield state
    finally:
        state.db.session.remove()
        factory.kw.pop("join_transaction_mode", None)
        if previous_mode is not None:
            factory.kw["join_transaction_mode"] = previous_mode
        state.connections.clear()
        for connection, transaction, restore in reversed(opened):
            if transaction.is_active:
                transaction.rollback()
            if restore is not None:
                restore[0].isolation_level = restore[1]
            connection.close()
