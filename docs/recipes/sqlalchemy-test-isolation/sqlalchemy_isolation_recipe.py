"""A small app whose tests run each in a transaction that is rolled back: see the test module."""

from __future__ import annotations

import typing as t

from kolba import Kolba, request
from kolba_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Todo(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(100), nullable=False)
    done = db.Column(db.Boolean, nullable=False, default=False)


def create_app(**config: t.Any) -> Kolba:
    app = Kolba(__name__)
    app.config.update(SQLALCHEMY_DATABASE_URI="sqlite:///todo.db")
    app.config.update(config)
    db.init_app(app)

    @app.post("/todos")
    def add() -> tuple[dict[str, t.Any], int]:
        todo = Todo(title=request.form["title"])
        db.session.add(todo)
        db.session.commit()
        return {"id": todo.id}, 201

    @app.get("/todos")
    def count() -> dict[str, int]:
        return {"open": db.session.query(Todo).filter_by(done=False).count()}

    return app
