"""The app that the testing page's tests exercise: a factory, a model and two views."""

from __future__ import annotations

from typing import Any

import click
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from kolba import Kolba, request
from kolba_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Note(db.Model):  # type: ignore[name-defined,misc]
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(sa.String(200))


def create_app(config: dict[str, Any] | None = None) -> Kolba:
    app = Kolba(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///notes.db"
    app.config.update(config or {})
    db.init_app(app)

    @app.get("/notes")
    def notes() -> dict[str, list[str]]:
        return {"notes": list(db.session.scalars(sa.select(Note.text).order_by(Note.id)))}

    @app.post("/notes")
    def add_note() -> tuple[dict[str, str], int]:
        text = str((request.get_json(silent=True) or {}).get("text", "")).strip()
        if not text:
            return {"error": 'Send {"text": "..."}.'}, 400
        db.session.add(Note(text=text))
        db.session.commit()
        return {"text": text}, 201

    @app.cli.command("count-notes")
    def count_notes() -> None:
        click.echo(db.session.scalar(sa.select(sa.func.count(Note.id))))

    return app
