"""Flask-Login on kolba through the bridge, beside kolba-cors: log in and out, the remember-me
cookie, ``login_required`` on ``def`` and ``async def`` views; over the test client and HTTP."""

import flask
import pytest
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_required,
    login_user,
    logout_user,
)

from kolba_cors import CORS


class User(UserMixin):
    def __init__(self, user_id: str) -> None:
        self.id = user_id


USERS = {"ada": User("ada")}


def make_app():
    app = flask.Flask(__name__)
    app.config.update(SECRET_KEY="test secret", CORS_ORIGINS=["https://front.example"])
    login_manager = LoginManager(app)
    login_manager.login_view = "login_page"
    CORS(app)

    @login_manager.user_loader
    def load_user(user_id):
        return USERS.get(user_id)

    @app.post("/login/<name>")
    def login(name):
        login_user(USERS[name], remember=flask.request.args.get("remember") == "1")
        return "logged in"

    @app.route("/login")
    def login_page():
        return "please log in"

    @app.post("/logout")
    def logout():
        logout_user()
        return "bye"

    @app.route("/me")
    @login_required
    def me():
        return {"user": current_user.id}

    @app.route("/me-async")
    @login_required
    async def me_async():
        return {"user": current_user.id, "async": True}

    return app


@pytest.fixture
def app():
    return make_app()


@pytest.mark.parametrize("path", ["/me", "/me-async"])
def test_login_required_redirects_anonymous_users(app, path):
    response = app.test_client().get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("path", ["/me", "/me-async"])
def test_login_then_logout(app, path):
    client = app.test_client()
    assert client.post("/login/ada").text == "logged in"
    assert client.get(path).json["user"] == "ada"
    assert client.post("/logout").text == "bye"
    assert client.get(path).status_code == 302


def test_remember_me_cookie_logs_in_a_new_session(app):
    client = app.test_client()
    response = client.post("/login/ada?remember=1")
    assert "remember_token=" in ",".join(response.headers.getlist("Set-Cookie"))
    remember = client.get_cookie("remember_token")
    assert remember is not None

    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember.value)
    assert fresh.get("/me").json == {"user": "ada"}


def test_login_and_cors_over_http(live_server, app):
    server = live_server(app)
    assert server.request("/me").status == 302
    assert server.request("/login/ada?remember=1", data=b"").text == "logged in"
    names = {cookie.name for cookie in server.cookies}
    assert {"session", "remember_token"} <= names
    response = server.request("/me-async", headers={"Origin": "https://front.example"})
    assert response.status == 200
    assert response.text.replace(" ", "").startswith("{")
    assert flask.json.loads(response.text) == {"user": "ada", "async": True}
    assert response.headers["Access-Control-Allow-Origin"] == "https://front.example"
