"""mypy understands models and db.session: a typed module is checked in a subprocess and the
revealed types are compared with what the code means.

mypy cannot use an attribute (``db.Model``) as a base class, so typed code subclasses its own
``DeclarativeBase`` (the ``model_class``) and names its tables; the module also runs."""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

TYPED_APP = """
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kolba import Kolba
from kolba_sqlalchemy import SQLAlchemy


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class User(Base):
    __tablename__ = "user"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


def create_app() -> Kolba:
    app = Kolba(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db.init_app(app)
    return app


reveal_type(db.session)
reveal_type(db.session.get(User, 1))
reveal_type(db.get_or_404(User, 1))
reveal_type(db.session.scalars(sa.select(User)).all())
reveal_type(db.paginate(sa.select(User)).items)
reveal_type(db.engine)
reveal_type(User(name="x").name)
reveal_type(db.async_session)
"""

EXPECTED = [
    "sqlalchemy.orm.scoping.scoped_session[kolba_sqlalchemy.session.Session]",
    "typed_app.User | None",
    "typed_app.User",
    "typing.Sequence[typed_app.User]",
    "list[Any]",
    "sqlalchemy.engine.base.Engine",
    "str",
    "sqlalchemy.ext.asyncio.scoping.async_scoped_session[sqlalchemy.ext.asyncio.session.AsyncSession]",
]


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("typing")
    (folder / "typed_app.py").write_text(textwrap.dedent(TYPED_APP))
    done = subprocess.run(
        [
            sys.executable, "-m", "mypy", "--strict",
            "--no-error-summary", "--cache-dir", str(folder / ".mypy_cache"), "typed_app.py",
        ],
        cwd=folder, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    lines = done.stdout.splitlines()
    assert all("error" not in line for line in lines), done.stdout + done.stderr
    return [
        line.split('Revealed type is "', 1)[1].rstrip('"') for line in lines if "Revealed" in line
    ]


def test_session_and_models_are_typed(mypy_output: list[str]) -> None:
    assert mypy_output == EXPECTED


def test_typed_module_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = textwrap.dedent(TYPED_APP).split("\n\nreveal_type(")[0]
    (tmp_path / "typed_app.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    typed_app = importlib.import_module("typed_app")
    try:
        app = typed_app.create_app()
        with app.app_context():
            typed_app.db.create_all()
            typed_app.db.session.add(typed_app.User(name="typed"))
            typed_app.db.session.commit()
            assert typed_app.db.get_or_404(typed_app.User, 1).name == "typed"
    finally:
        sys.modules.pop("typed_app", None)
