"""An app configured for PostgreSQL in production: the URL and pool settings from the
environment, connections checked before use, and a short timeout so a down database is a fast
503 rather than hung workers."""

from __future__ import annotations

import os
import typing as t

from kolba import Kolba
from kolba_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Visit(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    path = db.Column(db.String(200), nullable=False)


def create_app(**config: t.Any) -> Kolba:
    app = Kolba(__name__)
    app.config.update(
        # postgresql+psycopg://user:password@db.internal:5432/app, from the deployment's secrets.
        SQLALCHEMY_DATABASE_URI=os.environ.get("DATABASE_URL"),
        SQLALCHEMY_ENGINE_OPTIONS={
            "pool_size": int(os.environ.get("DB_POOL_SIZE", "5")),
            "max_overflow": 5,
            # Drop connections the server or a proxy closed while idle instead of failing.
            "pool_pre_ping": True,
            "pool_recycle": 1800,
        },
        SQLALCHEMY_TIMEOUT=float(os.environ.get("DB_TIMEOUT", "3")),
    )
    app.config.update(config)
    db.init_app(app)

    @app.get("/hit/<path:path>")
    def hit(path: str) -> dict[str, int]:
        db.session.add(Visit(path=path))
        db.session.commit()
        count = db.session.scalar(db.select(db.func.count()).where(Visit.path == path))
        return {"visits": int(count or 0)}

    return app
