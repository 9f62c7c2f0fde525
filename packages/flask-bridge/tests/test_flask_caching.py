"""Flask-Caching on kolba through the bridge, beside kolba-mail: cached views, memoized
functions, and the hit indication header (an after_request function the extension appends
while the app is already serving, which kolba's pipeline reads live); over the test client
and HTTP."""

import itertools

import flask
import pytest
from flask_caching import Cache

from kolba_mail import Mail


def make_app():
    app = flask.Flask(__name__)
    app.config.update(CACHE_TYPE="SimpleCache", CACHE_DEFAULT_TIMEOUT=300, MAIL_SUPPRESS_SEND=True)
    cache = Cache(app)
    Mail(app)
    counter = itertools.count(1)

    @app.route("/counted")
    @cache.cached()
    def counted():
        return f"call {next(counter)}"

    @app.route("/hit")
    @cache.cached(response_hit_indication=True)
    def hit():
        return f"hit {next(counter)}"

    @cache.memoize()
    def square(n):
        return f"{n * n} #{next(counter)}"

    @app.route("/square/<int:n>")
    def square_view(n):
        return square(n)

    @app.post("/forget/<int:n>")
    def forget(n):
        cache.delete_memoized(square, n)
        return "forgotten"

    return app


@pytest.fixture
def app():
    return make_app()


def test_cached_view_answers_from_the_cache(app):
    client = app.test_client()
    assert client.get("/counted").text == "call 1"
    assert client.get("/counted").text == "call 1"


def test_memoize_caches_per_argument_until_deleted(app):
    client = app.test_client()
    first = client.get("/square/3").text
    assert first.startswith("9 #")
    assert client.get("/square/3").text == first
    assert client.get("/square/4").text != first
    client.post("/forget/3")
    assert client.get("/square/3").text != first


def test_response_hit_indication_header(app):
    client = app.test_client()
    miss = client.get("/hit")
    assert "hit_cache" not in miss.headers
    again = client.get("/hit")
    assert again.text == miss.text
    assert again.headers["hit_cache"] == "True"


def test_caching_over_http(live_server, app):
    server = live_server(app)
    assert server.request("/counted").text == server.request("/counted").text


def test_response_hit_indication_over_http(live_server, app):
    server = live_server(app)
    server.request("/hit")
    response = server.request("/hit")
    assert response.headers["hit_cache"] == "True"
