"""Two apps from one factory keep separate databases; the offline script writes outside any
request."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy_factory_recipe import add_user_offline, create_app, db

from kolba import Kolba


@pytest.fixture
def make_app(tmp_path: Path):  # type: ignore[no-untyped-def]
    def make(name: str) -> Kolba:
        app = create_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / name}")
        with app.app_context():
            db.create_all()
        return app

    return make


def test_each_app_has_its_own_database(make_app) -> None:  # type: ignore[no-untyped-def]
    first, second = make_app("first.db"), make_app("second.db")
    assert first.test_client().post("/users/", data={"username": "ada"}).status_code == 201
    assert first.test_client().get("/users/1").json == {"id": 1, "username": "ada"}
    assert second.test_client().get("/users/1").status_code == 404


def test_offline_script_then_request(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app("offline.db")
    user_id = add_user_offline(app, "grace")
    assert app.test_client().get(f"/users/{user_id}").json["username"] == "grace"


def test_db_commands_use_the_factory_app(make_app) -> None:  # type: ignore[no-untyped-def]
    from kolba.cli import KolbaGroup

    app = make_app("cli.db")
    result = app.test_cli_runner().invoke(KolbaGroup(name="kolba"), ["db", "check"])
    assert result.exit_code == 0, result.output
    assert "default: OK" in result.output
