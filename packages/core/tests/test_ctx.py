"""Application and request contexts: proxies, g, test_request_context, threads, streaming.
The context rules are Flask 3.1's: one app and one request context per request."""

import threading

import pytest

import kolba
from kolba import (
    Kolba,
    copy_current_request_context,
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
    session,
    stream_with_context,
)


@pytest.fixture
def app():
    app = Kolba(__name__)
    app.secret_key = "test secret"
    return app


@pytest.fixture
def client(app):
    return app.test_client()


# -- proxies during a request ------------------------------------------------------------------


def test_request_proxy_is_the_current_request(app, client):
    app.add_url_rule("/echo", "echo", lambda: f"{request.method} {request.args['q']}")
    assert client.get("/echo?q=hi").data == b"GET hi"


def test_current_app_proxy_is_the_app_handling_the_request(app, client):
    seen = []
    app.add_url_rule("/", "index", lambda: seen.append(current_app._get_current_object()) or "")
    client.get("/")
    assert seen == [app]


def test_get_current_object_returns_the_real_request(app, client):
    seen = []
    app.add_url_rule("/", "index", lambda: seen.append(request._get_current_object()) or "")
    client.get("/")
    assert type(seen[0]) is app.request_class
    assert seen[0].path == "/"


def test_session_proxy_is_usable_in_a_view(app, client):
    @app.route("/login")
    def login():
        session["user"] = "alice"
        return ""

    app.add_url_rule("/me", "me", lambda: session.get("user", "nobody"))
    client.get("/login")
    assert client.get("/me").data == b"alice"


def test_both_contexts_are_active_in_a_view(app, client):
    app.add_url_rule("/", "index", lambda: f"{has_request_context()} {has_app_context()}")
    assert client.get("/").data == b"True True"


def test_g_does_not_survive_between_requests(app, client):
    @app.route("/set")
    def set_value():
        g.value = "set"
        return ""

    app.add_url_rule("/get", "get", lambda: g.get("value", "empty"))
    client.get("/set")
    assert client.get("/get").data == b"empty"


def test_contexts_are_popped_after_the_request(app, client):
    app.add_url_rule("/", "index", lambda: "")
    client.get("/")
    assert not has_request_context()
    assert not has_app_context()


# -- app context and g -------------------------------------------------------------------------


def test_app_context_binds_current_app(app):
    with app.app_context():
        assert current_app._get_current_object() is app
        assert current_app.name == app.name


def test_app_context_has_no_request_context(app):
    with app.app_context():
        assert has_app_context()
        assert not has_request_context()


def test_g_stores_attributes_inside_app_context(app):
    with app.app_context():
        g.db = "connection"
        assert g.db == "connection"


def test_g_get_returns_default_for_missing_name(app):
    with app.app_context():
        assert g.get("missing") is None
        assert g.get("missing", 42) == 42


def test_g_pop_removes_and_returns_value(app):
    with app.app_context():
        g.token = "abc"
        assert g.pop("token") == "abc"
        assert "token" not in g


def test_g_pop_with_default_for_missing_name(app):
    with app.app_context():
        assert g.pop("missing", "fallback") == "fallback"


def test_g_pop_missing_name_without_default_raises_key_error(app):
    with app.app_context(), pytest.raises(KeyError):
        g.pop("missing")


def test_g_setdefault_sets_only_when_missing(app):
    with app.app_context():
        assert g.setdefault("count", 1) == 1
        assert g.setdefault("count", 2) == 1
        assert g.count == 1


def test_g_supports_in_and_iteration(app):
    with app.app_context():
        g.a = 1
        assert "a" in g
        assert "b" not in g
        assert list(g) == ["a"]


def test_missing_g_attribute_raises_attribute_error(app):
    with app.app_context(), pytest.raises(AttributeError):
        _ = g.missing


def test_g_is_fresh_in_each_app_context(app):
    with app.app_context():
        g.value = 1
    with app.app_context():
        assert "value" not in g


def test_nested_app_context_has_its_own_g(app):
    with app.app_context():
        g.value = "outer"
        with app.app_context():
            assert "value" not in g
        assert g.value == "outer"


def test_inner_app_context_of_another_app_wins(app):
    other = Kolba("other")
    with app.app_context():
        with other.app_context():
            assert current_app.name == "other"
        assert current_app._get_current_object() is app


def test_offline_script_pushes_app_context_by_hand(app):
    app.config["DATABASE"] = "sqlite://"
    ctx = app.app_context()
    ctx.push()
    try:
        g.rows = [current_app.config["DATABASE"]]
        assert g.rows == ["sqlite://"]
    finally:
        ctx.pop()
    assert not has_app_context()


# -- test_request_context ----------------------------------------------------------------------


def test_test_request_context_sets_path_method_and_form(app):
    with app.test_request_context("/submit", method="POST", data={"name": "alice"}):
        assert request.path == "/submit"
        assert request.method == "POST"
        assert request.form["name"] == "alice"


def test_test_request_context_parses_query_string(app):
    with app.test_request_context("/search?q=kolba&page=2"):
        assert request.args["q"] == "kolba"
        assert request.args.get("page", type=int) == 2


def test_test_request_context_accepts_json_and_headers(app):
    with app.test_request_context("/", json={"a": 1}, headers={"X-Token": "t"}):
        assert request.get_json() == {"a": 1}
        assert request.headers["X-Token"] == "t"


def test_test_request_context_also_pushes_app_context(app):
    with app.test_request_context("/"):
        assert has_app_context()
        assert current_app._get_current_object() is app


def test_test_request_context_push_and_pop(app):
    ctx = app.test_request_context("/pushed")
    ctx.push()
    try:
        assert request.path == "/pushed"
        assert has_request_context()
    finally:
        ctx.pop()
    assert not has_request_context()


def test_nested_request_contexts_restore_the_outer_request(app):
    with app.test_request_context("/outer"):
        with app.test_request_context("/inner"):
            assert request.path == "/inner"
        assert request.path == "/outer"


def test_test_request_context_does_not_run_before_request(app):
    called = []
    app.before_request(lambda: called.append("before"))
    with app.test_request_context("/"):
        pass
    assert called == []


def test_session_is_usable_in_test_request_context(app):
    with app.test_request_context("/"):
        session["cart"] = [1, 2]
        assert session["cart"] == [1, 2]


# -- working outside of a context --------------------------------------------------------------


def test_request_outside_request_context_raises_runtime_error():
    with pytest.raises(RuntimeError, match="outside of request context"):
        _ = request.path


def test_session_outside_request_context_raises_runtime_error():
    with pytest.raises(RuntimeError, match="outside of request context"):
        session.get("user")


def test_current_app_outside_app_context_raises_runtime_error():
    with pytest.raises(RuntimeError, match="outside of application context"):
        _ = current_app.name


def test_g_outside_app_context_raises_runtime_error():
    with pytest.raises(RuntimeError, match="outside of application context"):
        g.value = 1


def test_request_in_app_context_only_raises_runtime_error(app):
    with app.app_context(), pytest.raises(RuntimeError, match="outside of request context"):
        _ = request.args


def test_has_context_functions_are_false_outside_contexts():
    assert not has_request_context()
    assert not has_app_context()


# -- threads and streaming ---------------------------------------------------------------------


def test_copy_current_request_context_gives_thread_the_request(app, client):
    results = []

    @app.route("/work")
    def work():
        @copy_current_request_context
        def background():
            results.append((request.args["job"], current_app.name))

        thread = threading.Thread(target=background)
        thread.start()
        thread.join()
        return ""

    client.get("/work?job=resize")
    assert results == [("resize", app.name)]


def test_plain_thread_has_no_request_context(app, client):
    results = []

    @app.route("/work")
    def work():
        thread = threading.Thread(target=lambda: results.append(has_request_context()))
        thread.start()
        thread.join()
        return ""

    client.get("/work")
    assert results == [False]


def test_request_contexts_are_isolated_between_threads(app):
    barrier = threading.Barrier(2, timeout=5)
    seen = {}

    def worker(path):
        with app.test_request_context(path):
            barrier.wait()
            seen[path] = request.path
            barrier.wait()

    threads = [threading.Thread(target=worker, args=(p,)) for p in ("/one", "/two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"/one": "/one", "/two": "/two"}


def test_g_is_isolated_between_threads(app):
    barrier = threading.Barrier(2, timeout=5)
    seen = {}

    def worker(name):
        with app.app_context():
            g.name = name
            barrier.wait()
            seen[name] = g.name

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"a": "a", "b": "b"}


def test_stream_with_context_lets_generator_read_request(app, client):
    @app.route("/stream")
    def stream():
        def generate():
            yield "hello "
            yield request.args["name"]

        return stream_with_context(generate())

    assert client.get("/stream?name=kolba").data == b"hello kolba"


def test_stream_with_context_as_decorator(app, client):
    @app.route("/stream")
    def stream():
        @stream_with_context
        def generate():
            yield request.path

        return kolba.Response(generate())

    assert client.get("/stream").data == b"/stream"


def test_generator_without_stream_with_context_cannot_read_request(app, client):
    @app.route("/stream")
    def stream():
        def generate():
            yield "hello "
            yield request.args["name"]

        return kolba.Response(generate())

    with pytest.raises(RuntimeError, match="outside of request context"):
        client.get("/stream?name=kolba").get_data()


def test_stream_with_context_in_async_view_reads_request_while_streaming(app, client):
    torn_down = []
    app.teardown_request(lambda exc: torn_down.append(request.path))

    @app.route("/stream")
    async def stream():
        def generate():
            yield "hello "
            assert not torn_down
            yield request.args["name"]

        return stream_with_context(generate())

    assert client.get("/stream?name=kolba").data == b"hello kolba"
    assert torn_down == ["/stream"]
    assert kolba.globals._cv_request.get(None) is None


def test_stream_with_context_async_view_twice_in_one_thread(app, client):
    @app.route("/stream/<name>")
    async def stream(name):
        return stream_with_context(iter([request.path, "!"]))

    assert client.get("/stream/a").data == b"/stream/a!"
    assert client.get("/stream/b").data == b"/stream/b!"
