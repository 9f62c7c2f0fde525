"""Tests for the "bring your Flask extensions" recipe: login, the remember-me cookie, the rate
limit and CORS headers on one kolba app; the flask command; the bridge off for other recipes."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def recipe():
    # Imported here, not at the top: the recipe enables the bridge, and disabling it once these
    # tests end keeps `import flask` meaning the real Flask for the other recipes' tests.
    module = importlib.import_module("bring_extensions_recipe")
    yield module
    import kolba_flask_bridge

    kolba_flask_bridge.disable()
    sys.modules.pop("bring_extensions_recipe", None)


@pytest.fixture
def client(recipe):
    recipe.limiter.reset()
    return recipe.app.test_client()


def test_login_sets_the_session_and_remember_me_cookies(client):
    assert client.get("/me").status_code == 401
    response = client.post("/login", data={"name": "ada"})
    assert response.json == {"logged_in": "ada"}
    assert client.get_cookie("remember_token") is not None
    assert client.get("/me").json == {"user": "ada"}


def test_unknown_user_is_refused(client):
    assert client.post("/login", data={"name": "eve"}).status_code == 401


def test_login_is_rate_limited_with_headers(client):
    statuses = [client.post("/login", data={"name": "eve"}).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    assert client.post("/login").headers["X-RateLimit-Limit"] == "5"


def test_kolba_cors_works_beside_them(client):
    response = client.get("/me", headers={"Origin": "https://app.example.com"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.example.com"


def test_flask_command_lists_the_routes():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KOLBA_", "FLASK_"))}
    env.update(FLASK_APP="bring_extensions_recipe", KOLBA_FLASK_BRIDGE="1")
    out = subprocess.run(
        [sys.executable, "-m", "flask", "routes"],
        cwd=HERE,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert "/login" in out.stdout
    assert "/me" in out.stdout


def test_the_bridge_is_off_unless_enabled():
    out = subprocess.run(
        [sys.executable, "-c", "import flask; print(type(flask).__name__, flask.__name__)"],
        env={k: v for k, v in os.environ.items() if k != "KOLBA_FLASK_BRIDGE"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.split() == ["module", "flask"], out.stderr
