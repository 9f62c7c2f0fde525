"""The tutorials' database examples, renamed to kolba: seed 002's Flask-SQLAlchemy students
(``db = SQLAlchemy(app)``, ``class Students(db.Model)`` with its own ``__init__``), seed 002's
connection opened in ``before_request`` and closed in ``teardown_request``, and seed 003's
offline script that pushes an app context by hand."""

from __future__ import annotations

import typing as t

import sqlalchemy as sa

from kolba import Kolba, g, request
from kolba_sqlalchemy import SQLAlchemy


def make_seed_app(url: str) -> tuple[Kolba, SQLAlchemy, t.Any]:
    app = Kolba(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    db = SQLAlchemy(app)

    class Students(db.Model):  # type: ignore[name-defined,misc]
        id = db.Column("student_id", db.Integer, primary_key=True)
        name = db.Column(db.String(100))
        city = db.Column(db.String(50))
        addr = db.Column(db.String(200))
        pin = db.Column(db.String(10))

        def __init__(self, name: str, city: str, addr: str, pin: str) -> None:
            self.name = name
            self.city = city
            self.addr = addr
            self.pin = pin

    @app.route("/")
    def show_all() -> t.Any:
        return {"students": [s.name for s in Students.query.all()]}

    @app.route("/new", methods=["GET", "POST"])
    def new() -> t.Any:
        if request.method == "POST":
            student = Students(
                request.form["name"], request.form["city"], request.form["addr"], "100000"
            )
            db.session.add(student)
            db.session.commit()
            return "Record was successfully added", 201
        return "form"

    with app.app_context():
        db.create_all()
    return app, db, Students


def test_students_crud(database_url: str) -> None:
    app, db, Students = make_seed_app(database_url)
    client = app.test_client()
    response = client.post("/new", data={"name": "Li", "city": "Beijing", "addr": "Road 1"})
    assert response.status_code == 201
    assert client.get("/").json == {"students": ["Li"]}
    with app.app_context():
        student = db.session.get(Students, 1)
        student.city = "Shanghai"
        db.session.commit()
        db.session.delete(student)
        db.session.commit()
        assert Students.query.count() == 0


def test_connection_in_before_and_teardown_request(database_url: str) -> None:
    app, db, _ = make_seed_app(database_url)
    closed: list[bool] = []

    @app.before_request
    def before_request() -> None:
        if request.path == "/broken":
            raise RuntimeError("before_request failed before connecting")
        g.db = db.engine.connect()

    @app.teardown_request
    def teardown_request(exception: BaseException | None) -> None:
        # The teardown always runs, so it checks that the connection exists first.
        if hasattr(g, "db"):
            g.db.close()
            closed.append(g.db.closed)

    @app.route("/one")
    def one() -> str:
        return str(g.db.execute(sa.text("SELECT 1")).scalar())

    client = app.test_client()
    assert client.get("/one").data == b"1"
    assert client.get("/broken").status_code == 500
    assert closed == [True]
    with app.app_context():
        assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_offline_script_pushes_an_app_context(database_url: str) -> None:
    app, db, Students = make_seed_app(database_url)
    ctx = app.app_context()
    ctx.push()
    try:
        db.session.add(Students("offline", "Shanghai", "Road 2", "200000"))
        db.session.commit()
    finally:
        ctx.pop()
    assert app.test_client().get("/").json == {"students": ["offline"]}
