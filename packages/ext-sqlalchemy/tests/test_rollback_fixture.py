"""The ``sqlalchemy_rollback`` fixture, as an app author uses it: what one test writes,
commits included, is gone for the next."""

from __future__ import annotations

import textwrap

import pytest

pytest_plugins = ["pytester"]

AUTHOR_TESTS = """
import pytest
from kolba import Kolba
from kolba_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Note(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    text = db.Column(db.String(50))


def create_app():
    app = Kolba(__name__)
    app.config.update(TESTING=True, SQLALCHEMY_DATABASE_URI={url!r})
    db.init_app(app)

    @app.post("/notes")
    def add():
        db.session.add(Note(text="from a request"))
        db.session.commit()
        return "", 201

    @app.get("/notes")
    def count():
        return str(db.session.query(Note).count())

    return app


_app = create_app()
with _app.app_context():
    db.create_all()


@pytest.fixture
def app():
    return _app


@pytest.mark.parametrize("round", [1, 2, 3])
def test_each_test_starts_empty(sqlalchemy_rollback, client, round):
    assert sqlalchemy_rollback.session.query(Note).count() == 0
    sqlalchemy_rollback.session.add(Note(text="committed"))
    sqlalchemy_rollback.session.commit()
    assert client.post("/notes").status_code == 201
    assert client.get("/notes").data == b"2"


def test_rollback_in_the_app_keeps_earlier_work(sqlalchemy_rollback):
    session = sqlalchemy_rollback.session
    session.add(Note(text="kept"))
    session.commit()
    session.add(Note(text="dropped"))
    session.rollback()
    assert [n.text for n in session.query(Note)] == ["kept"]
"""


def test_rollback_fixture_isolates_tests(pytester: pytest.Pytester, database_url: str) -> None:
    pytester.makepyfile(test_author=textwrap.dedent(AUTHOR_TESTS).format(url=database_url))
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_nothing_outlives_the_fixture(pytester: pytest.Pytester, database_url: str) -> None:
    pytester.makepyfile(test_author=textwrap.dedent(AUTHOR_TESTS).format(url=database_url))
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=4)
    import sqlalchemy as sa

    engine = sa.create_engine(database_url, poolclass=sa.NullPool)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM note")).scalar() == 0
    engine.dispose()
