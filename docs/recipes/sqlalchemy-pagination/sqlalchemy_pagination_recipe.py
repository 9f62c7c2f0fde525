"""A paginated list of posts rendered in a template with page links from Pagination."""

from __future__ import annotations

import typing as t

from kolba import Kolba, render_template
from kolba_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)


def create_app(**config: t.Any) -> Kolba:
    app = Kolba(__name__)
    app.config.update(SQLALCHEMY_DATABASE_URI="sqlite:///blog.db", SQLALCHEMY_MAX_PER_PAGE=50)
    app.config.update(config)
    db.init_app(app)

    @app.get("/posts")
    def posts() -> str:
        # page and per_page come from ?page=&per_page=, validated; a bad or missing page is 404.
        page = db.paginate(db.select(Post).order_by(Post.id), per_page=None)
        return render_template("posts.html", page=page)

    with app.app_context():
        db.create_all()
    return app
