"""get_or_404 with ids that cannot be a key: a 404, never a 500, and the session goes on."""

from __future__ import annotations

import pytest
import sqlalchemy.exc as sa_exc
from conftest import add_students
from werkzeug.exceptions import NotFound

from kolba import Kolba
from kolba.testing import KolbaClient
from kolba_sqlalchemy import SQLAlchemy


@pytest.mark.parametrize(
    "ident",
    [
        "999",
        "abc",
        "1.5",
        "-1",
        "99999999999999999999",
        "-99999999999999999999",
        "9223372036854775808",
        "2147483648",
        "%D9%A1",
        "1_0",
        " ",
        "1e3",
        "9" * 5000,
    ],
)
@pytest.mark.parametrize("route", ["students", "legacy"])
def test_hostile_id_is_404(client: KolbaClient, ident: str, route: str) -> None:
    add_students(client, 1)
    response = client.get(f"/{route}/{ident}")
    assert response.status_code == 404
    # The request's session was not left broken (PostgreSQL aborts a transaction on errors).
    assert client.get(f"/{route}/1").status_code == 200


def test_string_digits_find_the_row(client: KolbaClient) -> None:
    add_students(client, 1)
    assert client.get("/students/1").json["id"] == 1


def test_a_class_that_is_not_a_model_still_raises(app: Kolba, db: SQLAlchemy) -> None:
    with app.app_context(), pytest.raises(sa_exc.NoInspectionAvailable):
        db.get_or_404(object, 1)


def test_text_key_with_hostile_value_is_404(app: Kolba, db: SQLAlchemy) -> None:
    class Tag(db.Model):  # type: ignore[name-defined,misc]
        name = db.Column(db.String(20), primary_key=True)

    with app.app_context():
        db.create_all()
        db.session.add(Tag(name="python"))
        db.session.commit()
        assert db.get_or_404(Tag, "python").name == "python"
        for ident in ["x" * 5000, "\x00", "'; DROP TABLE tag; --"]:
            with pytest.raises(NotFound):
                db.get_or_404(Tag, ident)
        assert db.session.get(Tag, "python") is not None
