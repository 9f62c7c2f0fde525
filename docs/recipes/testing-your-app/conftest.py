"""The fixtures an app's own conftest.py defines: the app, built by the factory. The plugin's
``client``, ``runner`` and ``sqlalchemy_rollback`` fixtures use it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from testing_app import create_app, db

from kolba import Kolba


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kolba]:
    database = tmp_path_factory.mktemp("db") / "notes.db"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    with app.app_context():
        db.create_all()
    yield app
    Path(database).unlink(missing_ok=True)
