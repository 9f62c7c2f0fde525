"""An app factory with kolba-sqlalchemy: one ``db`` object at module level, ``init_app`` on
every app the factory makes, models and a blueprint that import ``db``, and an offline script
that pushes an app context by hand (seed 003)."""

from __future__ import annotations

import typing as t

from kolba import Blueprint, Kolba, request
from kolba_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)


users = Blueprint("users", __name__, url_prefix="/users")


@users.post("/")
def create_user() -> tuple[dict[str, t.Any], int]:
    user = User(username=request.form["username"])
    db.session.add(user)
    db.session.commit()
    return {"id": user.id, "username": user.username}, 201


@users.get("/<int:id>")
def show_user(id: int) -> dict[str, t.Any]:
    user = db.get_or_404(User, id)
    return {"id": user.id, "username": user.username}


def create_app(**config: t.Any) -> Kolba:
    app = Kolba(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///app.db"
    app.config.update(config)
    db.init_app(app)
    app.register_blueprint(users)
    return app


def add_user_offline(app: Kolba, username: str) -> int:
    """What an offline script does: no request, so push an app context, write, pop it."""
    ctx = app.app_context()
    ctx.push()
    try:
        user = User(username=username)
        db.session.add(user)
        db.session.commit()
        return int(user.id)
    finally:
        ctx.pop()
