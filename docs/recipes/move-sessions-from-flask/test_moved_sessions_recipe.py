"""Tests for the moving-sessions recipe: a cookie signed by a real Flask app, made in a separate
interpreter so that Flask stays out of this process, signs the visitor in on kolba."""

import subprocess
import sys

import pytest
from moved_sessions_recipe import app

FLASK_LOGIN = """
import sys
import flask

app = flask.Flask(__name__)
app.secret_key = sys.argv[1]

@app.get("/login")
def login():
    flask.session["user"] = "ann"
    return "ok"

response = app.test_client().get("/login")
print(response.headers["Set-Cookie"].split(";")[0].partition("=")[2])
"""


def flask_cookie(secret_key):
    done = subprocess.run(
        [sys.executable, "-c", FLASK_LOGIN, secret_key],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip()


@pytest.fixture
def client():
    return app.test_client()


def test_a_flask_session_cookie_signs_the_visitor_in(client):
    client.set_cookie("session", flask_cookie(app.secret_key))
    response = client.get("/")
    assert response.text == "Signed in as ann."


def test_the_session_is_re_signed_in_kolba_format(client):
    old = flask_cookie(app.secret_key)
    client.set_cookie("session", old)
    response = client.get("/")
    new = client.get_cookie("session").value
    assert "session=" in response.headers["Set-Cookie"]
    assert new != old
    client.set_cookie("session", new)
    assert client.get("/").text == "Signed in as ann."


def test_a_cookie_signed_with_another_key_is_ignored(client):
    client.set_cookie("session", flask_cookie("some other key"))
    assert client.get("/").text == "You are not signed in."


def test_flask_cookies_are_refused_once_turned_off(client, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_ACCEPT_FLASK_COOKIES", False)
    client.set_cookie("session", flask_cookie(app.secret_key))
    assert client.get("/").text == "You are not signed in."
