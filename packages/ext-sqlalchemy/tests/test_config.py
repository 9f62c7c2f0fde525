"""Bad configuration fails init_app with the key and the fix."""

from __future__ import annotations

import typing as t

import pytest

from kolba import Kolba
from kolba.plugins.extension import ConfigError
from kolba_sqlalchemy import SQLAlchemy


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("SQLALCHEMY_BINDS", ["sqlite://"]),
        ("SQLALCHEMY_BINDS", {"a": 3}),
        ("SQLALCHEMY_MAX_PER_PAGE", 0),
        ("SQLALCHEMY_TIMEOUT", -1),
        ("SQLALCHEMY_ECHO", "yes"),
        ("SQLALCHEMY_DATABASE_URI", 5),
    ],
)
def test_bad_value_names_the_key(key: str, value: t.Any) -> None:
    app = Kolba("config_app")
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    app.config[key] = value
    with pytest.raises(ConfigError, match=key):
        SQLAlchemy(app)


def test_no_database_configured() -> None:
    with pytest.raises(RuntimeError, match="SQLALCHEMY_DATABASE_URI"):
        SQLAlchemy(Kolba("config_app"))


def test_binds_get_their_own_engines(tmp_path: t.Any) -> None:
    app = Kolba("binds_app")
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    app.config["SQLALCHEMY_BINDS"] = {"users": f"sqlite:///{tmp_path / 'users.db'}"}
    db = SQLAlchemy(app)

    class User(db.Model):  # type: ignore[name-defined,misc]
        __bind_key__ = "users"
        id = db.Column(db.Integer, primary_key=True)

    with app.app_context():
        db.create_all()
        assert db.session.get_bind(mapper=User) is db.engines["users"]
        assert (tmp_path / "users.db").exists()
