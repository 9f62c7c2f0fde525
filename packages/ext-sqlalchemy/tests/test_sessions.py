"""db.session and db.async_session: scoped to the app context, rolled back and closed at its
teardown, so a failing view leaves no transaction or connection behind."""

from __future__ import annotations

import typing as t

import pytest
from conftest import add_students

from kolba import Kolba
from kolba.signals import appcontext_popped
from kolba.testing import KolbaClient
from kolba_sqlalchemy import SQLAlchemy


def test_session_is_removed_at_teardown(app: Kolba, db: SQLAlchemy) -> None:
    with app.app_context():
        first = db.session()
        assert db.session() is first
    with app.app_context():
        assert db.session() is not first


def test_failed_view_is_rolled_back_and_returns_its_connection(
    app: Kolba, db: SQLAlchemy, client: KolbaClient
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    add_students(client, 1)
    response = client.post("/students/fail")
    assert response.status_code == 500
    with app.app_context():
        assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    assert client.get("/count").json == {"count": 1}


def test_failed_view_under_testing_still_rolls_back(app: Kolba, client: KolbaClient) -> None:
    with pytest.raises(RuntimeError, match="failed after writing"):
        client.post("/students/fail")
    assert client.get("/count").json == {"count": 0}


def test_async_view_writes_and_reads(client: KolbaClient) -> None:
    created = client.post("/async/students", data={"name": "Wang", "city": "Xi'an"})
    assert created.status_code == 201
    add_students(client, 1)
    assert client.get("/async/students").json == {"names": ["Wang", "student 0"]}
    # What the async session wrote is visible to the sync one.
    assert client.get("/count").json == {"count": 2}


def test_async_session_is_closed_at_teardown(app: Kolba, db: SQLAlchemy) -> None:
    left_open: list[int] = []

    def after_teardown(sender: Kolba, **kwargs: t.Any) -> None:
        left_open.append(len(db.async_session.registry.registry))

    with appcontext_popped.connected_to(after_teardown, app):
        assert app.test_client().get("/async/students").status_code == 200
    assert left_open == [0]


def test_session_outside_app_context_raises(db: SQLAlchemy) -> None:
    with pytest.raises(RuntimeError, match="application context"):
        db.session()
