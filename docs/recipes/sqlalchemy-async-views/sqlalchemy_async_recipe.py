"""``async def`` views with ``db.async_session``, next to sync views on ``db.session``; both
use the same database (aiosqlite here, asyncpg for PostgreSQL)."""

from __future__ import annotations

import typing as t

from kolba import Kolba, abort, request
from kolba_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)


def create_app(**config: t.Any) -> Kolba:
    app = Kolba(__name__)
    app.config.update(SQLALCHEMY_DATABASE_URI="sqlite:///items.db")
    app.config.update(config)
    db.init_app(app)

    @app.post("/items")
    async def add_item() -> tuple[dict[str, t.Any], int]:
        name = request.form.get("name", "").strip()
        if not name:
            abort(400, description="name is required.")
        item = Item(name=name)
        db.async_session.add(item)
        await db.async_session.commit()
        return {"id": item.id, "name": item.name}, 201

    @app.get("/items/<int:id>")
    async def show_item(id: int) -> dict[str, t.Any]:
        item = await db.async_session.get(Item, id)
        if item is None:
            abort(404)
        return {"id": item.id, "name": item.name}

    @app.get("/items")
    def list_items() -> dict[str, t.Any]:
        # A sync view on db.session sees what the async views committed.
        return {"names": list(db.session.scalars(db.select(Item.name).order_by(Item.id)))}

    with app.app_context():
        db.create_all()
    return app
