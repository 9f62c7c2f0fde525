"""Seed 002's students with kolba-sqlalchemy: a model on db.Model and views that create, read,
update and delete rows through db.session."""

from __future__ import annotations

from kolba import Kolba, abort, redirect, request, url_for
from kolba_sqlalchemy import SQLAlchemy

app = Kolba(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///students.sqlite3"
db = SQLAlchemy(app)


class Students(db.Model):
    id = db.Column("student_id", db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)
    city = db.Column(db.String(50), nullable=False)
    addr = db.Column(db.String(200), nullable=False, default="")

    def __init__(self, name: str, city: str, addr: str = "") -> None:
        self.name = name
        self.city = city
        self.addr = addr


def as_dict(student: Students) -> dict[str, object]:
    return {"id": student.id, "name": student.name, "city": student.city, "addr": student.addr}


@app.get("/")
def show_all() -> dict[str, object]:
    students = db.session.scalars(db.select(Students).order_by(Students.id))
    return {"students": [as_dict(s) for s in students]}


@app.post("/new")
def new() -> object:
    name = request.form.get("name", "").strip()
    city = request.form.get("city", "").strip()
    if not name or not city:
        abort(400, description="Please enter a name and a city.")
    db.session.add(Students(name, city, request.form.get("addr", "")))
    db.session.commit()
    return redirect(url_for("show_all"))


@app.get("/students/<int:id>")
def show(id: int) -> dict[str, object]:
    return as_dict(db.get_or_404(Students, id, description="No such student."))


@app.post("/students/<int:id>/edit")
def edit(id: int) -> dict[str, object]:
    student = db.get_or_404(Students, id)
    student.city = request.form.get("city", student.city)
    db.session.commit()
    return as_dict(student)


@app.post("/students/<int:id>/delete")
def delete(id: int) -> object:
    db.session.delete(db.get_or_404(Students, id))
    db.session.commit()
    return redirect(url_for("show_all"))


def init_db() -> None:
    """Create the tables; run once, e.g. from ``kolba db create``."""
    with app.app_context():
        db.create_all()
