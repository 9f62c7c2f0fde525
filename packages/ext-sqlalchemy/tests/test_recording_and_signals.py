"""SQLALCHEMY_RECORD_QUERIES and SQLALCHEMY_TRACK_MODIFICATIONS."""

from __future__ import annotations

import typing as t

from students_app import create_app

from kolba import Kolba
from kolba_sqlalchemy import get_recorded_queries, models_committed


def test_recorded_queries_name_the_app_line(database_url: str) -> None:
    app, db, Students = create_app(database_url, SQLALCHEMY_RECORD_QUERIES=True)
    with app.app_context():
        db.session.scalars(db.select(Students).where(Students.id < 5)).all()
        info = get_recorded_queries()[-1]
    assert "FROM students" in (info.statement or "")
    assert info.duration >= 0
    assert "test_recording_and_signals.py" in info.location


def test_nothing_recorded_by_default(database_url: str) -> None:
    app, db, Students = create_app(database_url)
    with app.app_context():
        db.session.scalars(db.select(Students)).all()
        assert get_recorded_queries() == []


def test_models_committed_lists_the_changes(database_url: str) -> None:
    app, db, Students = create_app(database_url, SQLALCHEMY_TRACK_MODIFICATIONS=True)
    seen: list[list[tuple[t.Any, str]]] = []

    def receive(sender: Kolba, changes: list[tuple[t.Any, str]]) -> None:
        seen.append([(type(obj).__name__, op) for obj, op in changes])

    with models_committed.connected_to(receive, app), app.app_context():
        student = Students("Li", "Beijing")
        db.session.add(student)
        db.session.commit()
        student.city = "Shanghai"
        db.session.commit()
        db.session.delete(student)
        db.session.commit()
    assert seen == [[("Students", "insert")], [("Students", "update")], [("Students", "delete")]]
