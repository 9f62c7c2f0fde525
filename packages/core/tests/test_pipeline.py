"""The request pipeline: every request runs through the public dispatch methods, so overriding
one on a subclass or patching it on an instance changes what requests do, and registrations
made while the app runs (hooks, error handlers, URL processors) are honoured."""

import pytest
from werkzeug.exceptions import NotFound

from kolba import Kolba, Response, abort

# Each public method, and what a replacement that calls the original adds to a request.
METHODS = [
    "wsgi_app",
    "full_dispatch_request",
    "preprocess_request",
    "dispatch_request",
    "make_response",
    "finalize_request",
    "process_response",
    "do_teardown_request",
]


def _build(app_class=Kolba):
    app = app_class(__name__)

    @app.get("/")
    def index():
        return "hello"

    @app.get("/item/<int:id>")
    def item(id):
        return {"id": id}

    @app.get("/boom")
    def boom():
        raise KeyError("boom")

    @app.get("/teapot")
    def teapot():
        abort(418)

    return app


def _wrap(calls, name, original):
    def wrapper(*args, **kwargs):
        calls.append(name)
        return original(*args, **kwargs)

    return wrapper


@pytest.mark.parametrize("name", METHODS)
def test_a_method_patched_on_the_instance_runs_on_every_request(name):
    app = _build()
    calls = []
    setattr(app, name, _wrap(calls, name, getattr(app, name)))
    client = app.test_client()
    assert client.get("/").data == b"hello"
    assert client.get("/item/3").json == {"id": 3}
    assert calls == [name, name]


@pytest.mark.parametrize("name", METHODS)
def test_a_method_overridden_on_a_subclass_runs_on_every_request(name):
    calls = []

    def override(self, *args, **kwargs):
        calls.append(name)
        return getattr(Kolba, name)(self, *args, **kwargs)

    app = _build(type("Custom", (Kolba,), {name: override}))
    client = app.test_client()
    assert client.get("/").data == b"hello"
    assert client.get("/item/3").json == {"id": 3}
    assert calls == [name, name]


def test_patched_dispatch_request_replaces_the_view():
    app = _build()
    app.dispatch_request = lambda: "patched"
    assert app.test_client().get("/").data == b"patched"


def test_patched_make_response_shapes_every_response():
    app = _build()
    original = app.make_response

    def make_response(rv):
        response = original(rv)
        response.headers["X-Made"] = "yes"
        return response

    app.make_response = make_response
    client = app.test_client()
    assert client.get("/").headers["X-Made"] == "yes"
    assert client.get("/item/1").headers["X-Made"] == "yes"
    assert client.get("/missing").headers["X-Made"] == "yes"


def test_patched_preprocess_request_can_answer_instead_of_the_view():
    app = _build()
    app.preprocess_request = lambda: ("stopped", 403)
    response = app.test_client().get("/")
    assert response.status_code == 403
    assert response.data == b"stopped"


def test_patched_process_response_sees_every_response():
    app = _build()
    seen = []
    original = app.process_response
    app.process_response = lambda response: seen.append(response.status_code) or original(response)
    client = app.test_client()
    client.get("/")
    client.get("/missing")
    assert seen == [200, 404]


@pytest.mark.parametrize("name", ["handle_user_exception", "handle_http_exception"])
def test_patched_http_error_handling_is_used(name):
    app = _build()
    calls = []
    setattr(app, name, _wrap(calls, name, getattr(app, name)))
    client = app.test_client()
    assert client.get("/teapot").status_code == 418
    assert calls == [name]


def test_patched_handle_exception_answers_unhandled_errors():
    app = _build()
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.handle_exception = lambda e: Response(f"caught {type(e).__name__}", status=500)
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert response.data == b"caught KeyError"


def test_overridden_handle_exception_on_a_subclass_is_used():
    class Custom(Kolba):
        def handle_exception(self, e):
            return Response("subclass caught", status=503)

    app = _build(Custom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    assert response.status_code == 503
    assert response.data == b"subclass caught"


def test_patched_create_url_adapter_is_used_for_matching():
    app = _build()
    calls = []
    app.create_url_adapter = _wrap(calls, "adapter", app.create_url_adapter)
    assert app.test_client().get("/item/5").json == {"id": 5}
    assert calls == ["adapter"]


# -- registrations made while the app runs ------------------------------------------------------


def test_after_request_function_appended_while_running_is_called():
    app = _build()
    client = app.test_client()
    assert "X-Late" not in client.get("/").headers

    def late(response):
        response.headers["X-Late"] = "yes"
        return response

    # Extensions such as Flask-Caching append to the list itself after the first request.
    app.after_request_funcs[None].append(late)
    assert client.get("/").headers["X-Late"] == "yes"
    assert client.get("/item/2").headers["X-Late"] == "yes"


def test_after_request_function_appended_during_a_request_runs_on_that_request():
    app = _build()

    def late(response):
        response.headers["X-Late"] = "same request"
        return response

    @app.get("/register")
    def register():
        app.after_request_funcs[None].append(late)
        return "ok"

    client = app.test_client()
    client.get("/")
    assert client.get("/register").headers["X-Late"] == "same request"


def test_before_request_and_teardown_appended_while_running_are_called():
    app = _build()
    client = app.test_client()
    client.get("/")
    events = []
    app.before_request_funcs[None].append(lambda: events.append("before"))
    app.teardown_request_funcs[None].append(lambda exc: events.append("teardown"))
    client.get("/")
    assert events == ["before", "teardown"]


def test_error_handler_added_while_running_is_used():
    app = _build()
    client = app.test_client()
    assert client.get("/missing").status_code == 404
    app.error_handler_spec[None][404][NotFound] = lambda e: ("late 404", 404)
    response = client.get("/missing")
    assert response.status_code == 404
    assert response.data == b"late 404"


def test_url_processors_added_while_running_are_used():
    app = _build()
    client = app.test_client()
    client.get("/")
    seen = []
    app.url_value_preprocessors[None].append(lambda endpoint, values: seen.append(values))
    app.url_default_functions[None].append(lambda endpoint, values: values.setdefault("id", 9))

    @app.after_request_funcs[None].append
    def build(response):
        from kolba import url_for

        response.headers["X-Url"] = url_for("item")
        return response

    response = client.get("/item/4")
    assert seen == [{"id": 4}]
    assert response.headers["X-Url"] == "/item/9"


def test_rule_added_to_the_url_map_directly_while_running_is_routed():
    app = _build()
    client = app.test_client()
    assert client.get("/late").status_code == 404
    app.view_functions["late"] = lambda: "late rule"
    app.url_map.add(app.url_rule_class("/late", endpoint="late", methods=["GET"]))
    assert client.get("/late").data == b"late rule"


def test_view_function_replaced_while_running_is_called():
    app = _build()
    client = app.test_client()
    client.get("/")
    app.view_functions["index"] = lambda: "replaced"
    assert client.get("/").data == b"replaced"
