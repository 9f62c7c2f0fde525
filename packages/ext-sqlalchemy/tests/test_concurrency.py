"""Many clients at once over real HTTP, against a threaded server: every write that was
answered 201 is in the database, through sync and async views alike."""

from __future__ import annotations

import http.client
import threading
import typing as t
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest
from werkzeug.serving import make_server

from kolba import Kolba
from kolba.pytest_plugin import free_port
from kolba_sqlalchemy import SQLAlchemy

CLIENTS = 8
REQUESTS_EACH = 15


@pytest.fixture
def server_port(app: Kolba) -> t.Iterator[int]:
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield port
    server.shutdown()
    thread.join()


def post(port: int, path: str, fields: dict[str, str]) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        body = urllib.parse.urlencode(fields)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        connection.request("POST", path, body, headers)
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.parametrize("path", ["/students", "/async/students"])
def test_every_acknowledged_write_is_stored(
    app: Kolba, db: SQLAlchemy, Students: t.Any, server_port: int, path: str
) -> None:
    def client(number: int) -> list[int]:
        return [
            post(server_port, path, {"name": f"c{number}-{i}", "city": "Hangzhou"})
            for i in range(REQUESTS_EACH)
        ]

    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = [status for result in pool.map(client, range(CLIENTS)) for status in result]
    acknowledged = statuses.count(201)
    assert acknowledged == CLIENTS * REQUESTS_EACH, statuses
    with app.app_context():
        names = set(db.session.scalars(db.select(Students.name)))
    assert len(names) == acknowledged
