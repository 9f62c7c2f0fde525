"""kolba's router answers every request as werkzeug's matcher does: the same rule and view
arguments, or the same 404, 405 (with Allow) or redirect."""

import pytest
from werkzeug.exceptions import HTTPException

from kolba import Kolba
from kolba import request as kolba_request
from kolba.ctx import _sentinel

RULES = [
    ("/", "index", ["GET"]),
    ("/users/<int:id>", "user", ["GET"]),
    ("/users/<int:id>/", "user_slash", ["POST"]),
    ("/users/me", "me", ["GET"]),
    ("/users/<name>", "user_by_name", ["GET"]),
    ("/posts/<int:year>/<slug>", "post", ["GET", "PUT"]),
    ("/posts/<int:year>/latest", "latest", ["GET"]),
    ("/files/<path:name>", "files", ["GET"]),
    ("/files/<name>/meta", "file_meta", ["GET"]),
    ("/pages/<int(fixed_digits=3):n>", "page", ["GET"]),
    ("/tags/<string(length=2):code>", "tag", ["GET"]),
    ("/cart/", "cart", ["GET"]),
    ("/signed/<int(signed=True):n>", "signed", ["GET"]),
    ("/v<int:version>/ping", "ping", ["GET"]),
]

PATHS = [
    "/",
    "/users/7",
    "/users/007",
    "/users/me",
    "/users/ada",
    "/users/7/",
    "/posts/2024/hello",
    "/posts/2024/latest",
    "/posts/x/hello",
    "/files/a/b/c",
    "/files/a/meta",
    "/pages/012",
    "/pages/12",
    "/tags/ab",
    "/tags/abc",
    "/cart",
    "/signed/-3",
    "/v2/ping",
    "/users/\u00e9",
    "/missing",
    "/users//7",
]


def _outcome(callable_):
    try:
        rule, args = callable_()
    except HTTPException as e:
        return (
            "error",
            e.code,
            getattr(e, "new_url", None),
            sorted(getattr(e, "valid_methods", None) or ()),
        )
    return ("rule", rule.endpoint, args)


@pytest.fixture
def app():
    app = Kolba(__name__, static_folder=None)
    for rule, endpoint, methods in RULES:
        app.add_url_rule(rule, endpoint, lambda **kw: "ok", methods=methods)
    return app


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "HEAD"])
@pytest.mark.parametrize("path", PATHS)
def test_router_agrees_with_werkzeug(app, path, method):
    with app.test_request_context(path, method=method) as ctx:
        ours = (
            _outcome(lambda: (ctx.url_rule, ctx.view_args))
            if ctx.routing_exception is None
            else None
        )
        if ctx.routing_exception is not None:
            ours = _outcome(lambda: (_ for _ in ()).throw(ctx.routing_exception))
        adapter = app.url_map.bind_to_environ(ctx.environ)
        theirs = _outcome(lambda: adapter.match(return_rule=True))
    assert ours == theirs


@pytest.mark.parametrize("path", ["/posts/2024/hello", "/users/7/", "/pages/012"])
def test_unambiguous_simple_paths_are_matched_without_binding(app, path):
    with app.test_request_context(path, method="POST" if path.endswith("/") else "GET") as ctx:
        # The URL adapter is bound lazily: the router decided without werkzeug's matcher
        # when no adapter exists yet; for "/pages/012" (fixed_digits) werkzeug decided.
        bound = ctx._url_adapter is not _sentinel
    assert bound == (path == "/pages/012")


# Every rule here is one the router compiles, so it decides 404 and 405 itself.
COMPILED_RULES = [
    ("/", "index", ["GET"]),
    ("/shop/checkout", "checkout", ["POST"]),
    ("/shop/checkout", "checkout_put", ["PUT"]),
    ("/shop/cart/", "cart", ["GET"]),
    ("/shop/<item>", "item", ["GET"]),
    ("/shop/<int:id>/reviews", "reviews", ["GET", "POST"]),
    ("/about", "about", ["GET"]),
    ("/about/", "about_slash", ["POST"]),
    ("/<lang>/help", "help", ["GET"]),
    ("/api/v1/items/<int:id>", "api_item", ["GET", "DELETE"]),
    ("/api/v1/items", "api_items", ["GET", "POST"]),
    ("/shop/<item>/", "item_slash", ["POST"]),
    ("/about/<int:n>", "about_n", ["GET"]),
    ("/about/<int:n>/", "about_n_slash", ["GET"]),
]

COMPILED_PATHS = [
    "/",
    "/shop/checkout",
    "/shop/checkout/",
    "/shop/cart",
    "/shop/cart/",
    "/shop/hat",
    "/shop/hat/",
    "/shop/7/reviews",
    "/shop/x/reviews",
    "/about",
    "/about/",
    "/en/help",
    "/en/help/",
    "/api/v1/items",
    "/api/v1/items/3",
    "/api/v1/items/three",
    "/api/v1/items/3/",
    "/missing",
    "/missing/deeper/path",
    "/shop//cart",
    "//",
    "/\u00e9t\u00e9",
    "",
]


@pytest.fixture
def compiled_app():
    app = Kolba(__name__, static_folder=None)
    for rule, endpoint, methods in COMPILED_RULES:
        app.add_url_rule(rule, endpoint, lambda **kw: "ok", methods=methods)
    return app


def _compare(app, path, method):
    with app.test_request_context("/", method=method) as ctx:
        # A WSGI string: the UTF-8 bytes of the path read as latin-1.
        ctx.environ["PATH_INFO"] = path.encode().decode("latin-1")
        ctx.url_rule = ctx.view_args = ctx.routing_exception = None
        ctx._url_adapter = _sentinel
        app._match(ctx)
        if ctx.routing_exception is not None:
            ours = _outcome(lambda: (_ for _ in ()).throw(ctx.routing_exception))
        else:
            ours = _outcome(lambda: (ctx.url_rule, ctx.view_args))
        adapter = app.url_map.bind_to_environ(ctx.environ)
        theirs = _outcome(lambda: adapter.match(return_rule=True))
    return ours, theirs


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"])
@pytest.mark.parametrize("path", COMPILED_PATHS)
def test_router_decides_404_and_405_as_werkzeug_does(compiled_app, path, method):
    ours, theirs = _compare(compiled_app, path, method)
    assert ours == theirs


def test_router_agrees_with_werkzeug_on_random_paths(compiled_app):
    import random

    rng = random.Random(15)
    words = ["", "shop", "cart", "checkout", "about", "api", "v1", "items", "7", "en", "help"]
    words += ["reviews", "x", "-1", "01", "%20", "a.b"]
    for _ in range(1500):
        path = "/" + "/".join(rng.choice(words) for _ in range(rng.randint(0, 5)))
        method = rng.choice(["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"])
        ours, theirs = _compare(compiled_app, path, method)
        assert ours == theirs, (path, method)


def test_404_and_405_are_decided_without_binding(compiled_app):
    for path, method, code in [("/missing", "GET", 404), ("/api/v1/items", "DELETE", 405)]:
        with compiled_app.test_request_context(path, method=method) as ctx:
            assert ctx.routing_exception.code == code
            assert ctx._url_adapter is _sentinel


def test_a_slash_away_from_a_rule_left_to_werkzeug_is_werkzeugs_answer():
    app = Kolba(__name__, static_folder=None)
    view = lambda **kw: "ok"  # noqa: E731
    # One endpoint, two rules differing by defaults: the router leaves them to werkzeug.
    app.add_url_rule("/articles/", "articles", view, defaults={"page": 1})
    app.add_url_rule("/articles/page/<int:page>", "articles", view)
    app.add_url_rule("/<name>", "name", view)
    for path in ["/articles", "/articles/", "/articles/page/2", "/other", "/other/"]:
        for method in ["GET", "POST"]:
            ours, theirs = _compare(app, path, method)
            assert ours == theirs, (path, method)


def test_remembered_paths_answer_each_method_and_give_fresh_view_args(compiled_app):
    client = compiled_app.test_client()
    seen = []

    @compiled_app.get("/orders/<int:id>")
    def order(id):
        seen.append(kolba_request.view_args)
        kolba_request.view_args["id"] = -1  # a view that changes its arguments
        return str(id)

    for _ in range(3):
        assert client.get("/orders/5").text == "5"
        response = client.post("/orders/5")
        assert response.status_code == 405
        assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
        assert client.get("/orders/five").status_code == 404
    assert seen[0] is not seen[1]


def test_remembered_paths_are_bounded(compiled_app, monkeypatch):
    from kolba import routing

    monkeypatch.setattr(routing, "_DECIDED_LIMIT", 8)
    client = compiled_app.test_client()
    for n in range(50):
        assert client.get(f"/api/v1/items/{n}").status_code == 200
        assert client.get(f"/nowhere/{n}").status_code == 404
    assert len(compiled_app._router_cache.decided) <= 8


def test_each_405_gets_its_own_allowed_methods():
    app = Kolba(__name__)
    app.add_url_rule("/thing", "thing_get", lambda: "got", methods=["GET"])
    app.add_url_rule("/thing", "thing_put", lambda: "put", methods=["PUT"])
    seen = []

    @app.errorhandler(405)
    def not_allowed(e):
        seen.append(list(e.valid_methods))
        e.valid_methods.append("BREW")  # a handler changing its exception changes no other
        return e

    client = app.test_client()
    for _ in range(3):
        response = client.post("/thing")
        assert response.status_code == 405
    assert seen == [["GET", "HEAD", "OPTIONS", "PUT"]] * 3
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS, PUT, BREW"
