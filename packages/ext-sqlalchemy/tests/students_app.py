"""The app the tests drive: seed 002's Flask-SQLAlchemy students, with CRUD views, a paginated
list, an async view and a view that fails halfway through a write."""

from __future__ import annotations

import typing as t

import sqlalchemy as sa

from kolba import Kolba, abort, request
from kolba_sqlalchemy import SQLAlchemy


def create_app(url: str, **config: t.Any) -> tuple[Kolba, SQLAlchemy, t.Any]:
    app = Kolba("students_app")
    app.config.update(TESTING=True, SQLALCHEMY_DATABASE_URI=url, **config)
    db = SQLAlchemy(app)

    class Students(db.Model):  # type: ignore[name-defined,misc]
        id = db.Column("student_id", db.Integer, primary_key=True)
        name = db.Column(db.String(100))
        city = db.Column(db.String(50))

        def __init__(self, name: str, city: str) -> None:
            self.name = name
            self.city = city

    def as_dict(s: Students) -> dict[str, t.Any]:
        return {"id": s.id, "name": s.name, "city": s.city}

    @app.get("/students")
    def list_students() -> t.Any:
        page = db.paginate(db.select(Students).order_by(Students.id))
        return {
            "items": [as_dict(s) for s in page.items],
            "page": page.page,
            "per_page": page.per_page,
            "pages": page.pages,
            "total": page.total,
        }

    @app.post("/students")
    def add_student() -> t.Any:
        name = request.form.get("name", "").strip()
        city = request.form.get("city", "").strip()
        if not name or not city:
            abort(400, description="name and city are required.")
        student = Students(name, city)
        db.session.add(student)
        db.session.commit()
        return as_dict(student), 201

    @app.get("/students/<id>")
    def show_student(id: str) -> t.Any:
        return as_dict(db.get_or_404(Students, id))

    @app.get("/legacy/<id>")
    def legacy_show(id: str) -> t.Any:
        return as_dict(Students.query.get_or_404(id))

    @app.put("/students/<int:id>")
    def rename_student(id: int) -> t.Any:
        student = db.get_or_404(Students, id)
        student.name = request.form["name"]
        db.session.commit()
        return as_dict(student)

    @app.delete("/students/<int:id>")
    def delete_student(id: int) -> t.Any:
        db.session.delete(db.get_or_404(Students, id))
        db.session.commit()
        return "", 204

    @app.post("/students/fail")
    def add_then_fail() -> t.Any:
        db.session.add(Students("never", "saved"))
        db.session.flush()
        raise RuntimeError("the view failed after writing")

    @app.get("/count")
    def count() -> t.Any:
        return {"count": db.session.scalar(sa.select(sa.func.count()).select_from(Students))}

    @app.get("/async/students")
    async def async_list() -> t.Any:
        result = await db.async_session.execute(sa.select(Students).order_by(Students.id))
        return {"names": [s.name for s in result.scalars()]}

    @app.post("/async/students")
    async def async_add() -> t.Any:
        student = Students(request.form["name"], request.form["city"])
        db.async_session.add(student)
        await db.async_session.commit()
        return {"id": student.id}, 201

    with app.app_context():
        db.create_all()
    return app, db, Students
