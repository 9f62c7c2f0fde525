"""A database that cannot be reached: requests that need it get a clear 503 within the
configured timeout, ``kolba doctor`` and ``kolba db check`` report it."""

from __future__ import annotations

import socket
import threading
import typing as t

import pytest
from conftest import kolba_cli
from students_app import create_app

from kolba import Kolba
from kolba.pytest_plugin import free_port, service_unavailable
from kolba_sqlalchemy import SQLAlchemy
from kolba_sqlalchemy.testing import PostgresServer, ServerNotAvailable


@pytest.fixture
def silent_server() -> t.Iterator[int]:
    """A port that accepts TCP connections and never answers, like a hung database."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def _down_app(port: int, driver: str = "psycopg") -> tuple[Kolba, SQLAlchemy]:
    app = Kolba("down_app")
    app.config.update(
        SQLALCHEMY_DATABASE_URI=f"postgresql+{driver}://postgres@127.0.0.1:{port}/none",
        SQLALCHEMY_TIMEOUT=1,
    )
    db = SQLAlchemy(app)

    class Thing(db.Model):  # type: ignore[name-defined,misc]
        id = db.Column(db.Integer, primary_key=True)

    @app.get("/things/<int:id>")
    def show(id: int) -> str:
        return str(db.get_or_404(Thing, id).id)

    @app.get("/async/things")
    async def async_count() -> str:
        result = await db.async_session.execute(db.select(db.func.count()).select_from(Thing))
        return str(result.scalar())

    return app, db


def test_refused_connection_is_503(caplog: pytest.LogCaptureFixture) -> None:
    app, _ = _down_app(free_port())
    response = app.test_client().get("/things/1")
    assert response.status_code == 503
    assert b"database is unavailable" in response.data
    assert "database is unavailable" in caplog.text


def test_refused_connection_in_async_view_is_503() -> None:
    app, _ = _down_app(free_port())
    assert app.test_client().get("/async/things").status_code == 503


def test_hung_server_is_503_after_the_timeout(silent_server: int) -> None:
    app, _ = _down_app(silent_server)
    assert app.test_client().get("/things/1").status_code == 503


def test_hung_server_in_async_view_is_503(silent_server: int) -> None:
    app, _ = _down_app(silent_server)
    assert app.test_client().get("/async/things").status_code == 503


def test_restarted_database_is_503_then_recovers(tmp_path: t.Any) -> None:
    server = PostgresServer(free_port())
    try:
        server.start()
    except ServerNotAvailable as e:
        server.stop()
        service_unavailable(str(e))
    try:
        app, _, _ = create_app(server.create_database("restart"))
        client = app.test_client()
        assert client.post("/students", data={"name": "a", "city": "b"}).status_code == 201
        server.stop_server()
        assert client.get("/count").status_code == 503
        server.start_server()
        # The pool dropped the dead connections; the next requests connect afresh.
        responses = [client.get("/count") for _ in range(3)]
        assert responses[-1].json == {"count": 1}, [r.status_code for r in responses]
    finally:
        server.stop()


def test_app_503_handler_is_used() -> None:
    app, _ = _down_app(free_port())
    app.register_error_handler(503, lambda e: ("come back later", 503))
    assert app.test_client().get("/things/1").data == b"come back later"


def test_statement_errors_stay_500(tmp_path: t.Any) -> None:
    app = Kolba("broken_app")
    app.config.update(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.db'}")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    db = SQLAlchemy(app)

    @app.get("/")
    def broken() -> str:
        db.session.execute(db.text("SELECT * FROM no_such_table"))
        return "unreachable"

    assert app.test_client().get("/").status_code == 500


def test_doctor_reports_a_down_database() -> None:
    app, _ = _down_app(free_port())
    result = kolba_cli(app, "doctor")
    assert result.exit_code == 1
    assert "sqlalchemy default (postgresql)" in result.output


def test_doctor_passes_on_a_live_database(database_url: str) -> None:
    app, _, _ = create_app(database_url)
    result = kolba_cli(app, "doctor")
    assert result.exit_code == 0, result.output
    assert "1 passed, 0 failed" in result.output


def test_db_check_fails_on_a_down_database() -> None:
    app, _ = _down_app(free_port())
    result = kolba_cli(app, "db", "check")
    assert result.exit_code == 1
    assert "default: FAILED" in result.output
