"""Flask-Limiter on kolba through the bridge, beside kolba-cors: limits with in-memory storage,
the rate-limit headers, and 429 once a limit is spent; over the test client and HTTP."""

import flask
import pytest
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from kolba_cors import CORS


def make_app():
    app = flask.Flask(__name__)
    app.config.update(
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_HEADERS_ENABLED=True,
        CORS_ORIGINS=["https://front.example"],
    )
    limiter = Limiter(get_remote_address, app=app, default_limits=["100 per minute"])
    CORS(app)

    @app.route("/limited")
    @limiter.limit("2 per minute")
    def limited():
        return "ok"

    @app.route("/free")
    @limiter.exempt
    def free():
        return "free"

    @app.route("/default")
    def default():
        return "default"

    return app


@pytest.fixture
def app():
    return make_app()


def test_limit_then_429(app):
    client = app.test_client()
    first = client.get("/limited")
    assert first.status_code == 200
    assert first.headers["X-RateLimit-Limit"] == "2"
    assert first.headers["X-RateLimit-Remaining"] == "1"
    assert client.get("/limited").status_code == 200
    refused = client.get("/limited")
    assert refused.status_code == 429
    assert "2 per 1 minute" in refused.text
    assert int(refused.headers["Retry-After"]) > 0


def test_default_limits_apply_and_exempt_views_have_none(app):
    client = app.test_client()
    assert client.get("/default").headers["X-RateLimit-Limit"] == "100"
    response = client.get("/free")
    assert response.text == "free"
    assert "X-RateLimit-Limit" not in response.headers


def test_limits_and_cors_over_http(live_server, app):
    server = live_server(app)
    origin = {"Origin": "https://front.example"}
    assert [server.request("/limited", headers=origin).status for _ in range(3)] == [200, 200, 429]
    refused = server.request("/limited", headers=origin)
    assert refused.status == 429
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert refused.headers["Access-Control-Allow-Origin"] == "https://front.example"
