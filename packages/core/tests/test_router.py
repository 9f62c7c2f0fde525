"""kolba's router answers every request as werkzeug's matcher does: the same rule and view
arguments, or the same 404, 405 (with Allow) or redirect."""

import pytest
from werkzeug.exceptions import HTTPException

from kolba import Kolba
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
