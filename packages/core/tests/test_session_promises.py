"""Sessions keep Flask's promises: sliding expiry, Flask-signed cookies accepted on migration,
and a compressed cookie is bounded when it is inflated."""

from __future__ import annotations

import hashlib
import zlib
from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode

import kolba
from kolba import session
from kolba.sessions import session_json_serializer

SECRET = "promise secret"


def _serializer(digest, secret=SECRET):
    return URLSafeTimedSerializer(
        secret,
        salt="cookie-session",
        serializer=session_json_serializer,
        signer_kwargs={"key_derivation": "hmac", "digest_method": digest},
    )


@pytest.fixture
def app():
    app = kolba.Kolba(__name__)
    app.secret_key = SECRET
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=30)

    @app.route("/login")
    def login():
        session["user"] = "ann"
        session.permanent = True
        return "in"

    @app.route("/temp")
    def temp():
        session["user"] = "tim"
        return "in"

    @app.route("/plain")
    def plain():
        return "plain"

    @app.route("/user")
    def user():
        return str(session.get("user"))

    return app


def _session_cookie(response):
    return [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]


def test_permanent_session_cookie_is_refreshed_when_the_view_ignores_the_session(app):
    client = app.test_client()
    client.get("/login")
    response = client.get("/plain")
    [cookie] = _session_cookie(response)
    assert "Expires=" in cookie
    assert "Cookie" in response.vary
    assert client.get("/user").text == "ann"


def test_refreshed_cookie_moves_the_expiry_forward(app, monkeypatch):
    client = app.test_client()
    client.get("/login")
    first = client.get_cookie("session").expires
    import kolba.sessions as sessions_module

    later = first + timedelta(minutes=20)
    monkeypatch.setattr(
        sessions_module.SessionInterface,
        "get_expiration_time",
        lambda self, app, sess: later if sess.permanent else None,
    )
    client.get("/plain")
    assert client.get_cookie("session").expires == later


def test_non_permanent_session_cookie_is_not_resent_by_an_unrelated_view(app):
    client = app.test_client()
    client.get("/temp")
    response = client.get("/plain")
    assert _session_cookie(response) == []
    assert "Cookie" not in response.vary


def test_no_refresh_when_session_refresh_each_request_is_off(app):
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    client = app.test_client()
    client.get("/login")
    assert _session_cookie(client.get("/plain")) == []


def test_request_without_a_cookie_gets_no_session_work(app):
    response = app.test_client().get("/plain")
    assert _session_cookie(response) == []
    assert "Cookie" not in response.vary


def test_invalid_cookie_on_an_unrelated_view_sets_nothing(app):
    client = app.test_client()
    client.set_cookie("session", "garbage.value.here")
    response = client.get("/plain")
    assert response.status_code == 200
    assert _session_cookie(response) == []


def test_flask_signed_cookie_is_accepted_and_resigned_in_kolbas_format(app):
    client = app.test_client()
    client.set_cookie("session", _serializer(hashlib.sha1).dumps({"user": "flask-user"}))
    response = client.get("/user")
    assert response.text == "flask-user"
    resigned = client.get_cookie("session").value
    assert _serializer(hashlib.sha256).loads(resigned) == {"user": "flask-user"}
    assert client.get("/user").text == "flask-user"


def test_flask_signed_cookie_with_a_fallback_key_is_accepted(app):
    app.secret_key = "new secret"
    app.config["SECRET_KEY_FALLBACKS"] = [SECRET]
    client = app.test_client()
    client.set_cookie("session", _serializer(hashlib.sha1).dumps({"user": "old"}))
    assert client.get("/user").text == "old"


def test_flask_signed_cookie_with_another_secret_is_refused(app):
    client = app.test_client()
    forged = _serializer(hashlib.sha1, secret="other").dumps({"user": "mallory"})
    client.set_cookie("session", forged)
    assert client.get("/user").text == "None"


def test_flask_cookies_refused_when_turned_off(app):
    app.config["SESSION_ACCEPT_FLASK_COOKIES"] = False
    client = app.test_client()
    client.set_cookie("session", _serializer(hashlib.sha1).dumps({"user": "flask-user"}))
    assert client.get("/user").text == "None"


def test_cookie_made_by_real_flask_is_read(app):
    flask = pytest.importorskip("flask", reason="Flask is not installed in this environment")
    flask_app = flask.Flask(__name__)
    flask_app.secret_key = SECRET

    @flask_app.route("/set")
    def set_():
        flask.session["user"] = "from-flask"
        flask.session["n"] = (1, 2)
        return "ok"

    cookie = flask_app.test_client().get("/set").headers["Set-Cookie"]
    value = cookie.split(";")[0].partition("=")[2]
    client = app.test_client()
    client.set_cookie("session", value)
    assert client.get("/user").text == "from-flask"


def _signed_compressed(payload: bytes) -> str:
    # A validly signed cookie whose body is deflated JSON, as itsdangerous writes it.
    signer = _serializer(hashlib.sha256).make_signer("cookie-session")
    return signer.sign(b"." + base64_encode(zlib.compress(payload, 9))).decode()


def test_compressed_cookie_that_inflates_past_the_limit_is_refused(app):
    bomb = b'{"user":"' + b"a" * (2 * 1024 * 1024) + b'"}'
    value = _signed_compressed(bomb)
    assert len(value) < 4000
    client = app.test_client()
    client.set_cookie("session", value)
    response = client.get("/user")
    assert response.status_code == 200
    assert response.text == "None"


def test_compressed_cookie_within_the_limit_is_read(app):
    value = _signed_compressed(b'{"user":"' + b"b" * 2000 + b'"}')
    client = app.test_client()
    client.set_cookie("session", value)
    assert client.get("/user").text == "b" * 2000


def test_large_session_round_trips_compressed(app):
    @app.route("/big")
    def big():
        session["blob"] = "x" * 3000
        return "ok"

    @app.route("/blob")
    def blob():
        return str(len(session["blob"]))

    client = app.test_client()
    client.get("/big")
    assert client.get_cookie("session").value.startswith(".")
    assert client.get("/blob").text == "3000"
