"""Flask-Migrate with Flask-SQLAlchemy on kolba through the bridge, beside kolba-mail:
``flask db init / migrate / upgrade`` in a subprocess against SQLite, then the migrated
database used by the app over the test client and HTTP."""

import importlib.util
import json
import sqlite3
import sys

import pytest
from bridge_helpers import run

APP = """\
from flask import Flask, request
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from kolba_mail import Mail

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///{db}"
app.config["MAIL_SUPPRESS_SEND"] = True
db = SQLAlchemy(app)
Migrate(app, db)
Mail(app)


class Note(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    text = db.Column(db.String(80), nullable=False)


@app.post("/notes")
def add_note():
    db.session.add(Note(text=request.get_json()["text"]))
    db.session.commit()
    return {{"count": db.session.query(Note).count()}}, 201


@app.cli.command("count-notes")
def count_notes():
    print(db.session.query(Note).count(), "notes")
"""


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A project folder whose SQLite database went through flask db init/migrate/upgrade."""
    folder = tmp_path_factory.mktemp("migrate")
    database = folder / "app.db"
    (folder / "notes_app.py").write_text(APP.format(db=database.as_posix()))
    env = {"FLASK_APP": "notes_app", "KOLBA_FLASK_BRIDGE": "1"}
    for args in (["db", "init"], ["db", "migrate", "-m", "notes"], ["db", "upgrade"]):
        out = run(["flask", *args], cwd=folder, **env)
        assert out.returncode == 0, f"flask {' '.join(args)}:\n{out.stdout}\n{out.stderr}"
    return folder, database


def test_db_upgrade_creates_the_tables(migrated):
    folder, database = migrated
    assert (folder / "migrations" / "env.py").is_file()
    (version,) = (folder / "migrations" / "versions").glob("*_notes.py")
    assert "create_table('note'" in version.read_text()
    with sqlite3.connect(database) as conn:
        tables = {row[0] for row in conn.execute("select name from sqlite_master")}
    assert {"note", "alembic_version"} <= tables


def test_db_command_is_listed_in_flask_and_kolba_help(migrated):
    folder, _ = migrated
    # With the variable set, the environment's `flask` script runs kolba's command line whether
    # it is the bridge's or the one pip reinstalled with Flask (its flask.cli:main is bridged).
    flask_help = run(
        ["flask", "--help"], cwd=folder, FLASK_APP="notes_app", KOLBA_FLASK_BRIDGE="1"
    ).stdout
    assert "Usage: flask" in flask_help
    assert "Show the kolba version." in flask_help
    kolba_help = run(["kolba", "--help"], cwd=folder, KOLBA_APP="notes_app", KOLBA_FLASK_BRIDGE="1")
    for listing in (flask_help, kolba_help.stdout):
        commands = listing.partition("Commands:")[2]
        assert " db " in commands
        assert " count-notes" in commands
        # Flask-Limiter's `flask.commands` entry point.
        assert " limiter " in commands


def test_python_dash_m_bridge_runs_the_flask_command(migrated):
    folder, _ = migrated
    out = run(
        ["python", "-m", "kolba_flask_bridge", "db", "current"], cwd=folder, FLASK_APP="notes_app"
    )
    assert out.returncode == 0, out.stderr
    assert "(head)" in out.stdout
    count = run(
        ["python", "-m", "kolba_flask_bridge", "count-notes"], cwd=folder, FLASK_APP="notes_app"
    )
    assert count.stdout.strip().endswith("notes"), count.stderr


def _load(folder):
    spec = importlib.util.spec_from_file_location("notes_app", folder / "notes_app.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["notes_app"] = module
    spec.loader.exec_module(module)
    return module.app


def test_the_migrated_database_serves_requests(migrated, live_server):
    folder, _ = migrated
    app = _load(folder)
    first = app.test_client().post("/notes", json={"text": "hello"})
    assert first.status_code == 201
    server = live_server(app)
    response = server.request(
        "/notes", data=b'{"text": "again"}', headers={"Content-Type": "application/json"}
    )
    assert response.status == 201
    assert json.loads(response.text) == {"count": 2}
