"""Request hooks: before/after/teardown functions, URL value processors, after_this_request.
Order and short-circuit rules follow Flask 3.1."""

import pytest

from kolba import Kolba, after_this_request, g, request, url_for


@pytest.fixture
def events():
    return []


@pytest.fixture
def app(events):
    app = Kolba(__name__)

    @app.route("/")
    def index():
        events.append("view")
        return "view"

    @app.route("/boom")
    def boom():
        events.append("view")
        raise ValueError("boom")

    return app


@pytest.fixture
def client(app):
    return app.test_client()


# -- before_request ----------------------------------------------------------------------------


def test_before_request_runs_before_the_view(app, client, events):
    app.before_request(lambda: events.append("before"))
    client.get("/")
    assert events == ["before", "view"]


def test_before_request_functions_run_in_registration_order(app, client, events):
    app.before_request(lambda: events.append("first"))
    app.before_request(lambda: events.append("second"))
    client.get("/")
    assert events == ["first", "second", "view"]


def test_before_request_return_value_replaces_the_view(app, client, events):
    app.before_request(lambda: ("stopped", 403))
    response = client.get("/")
    assert response.status_code == 403
    assert response.data == b"stopped"
    assert events == []


def test_before_request_short_circuit_skips_later_before_functions(app, client, events):
    app.before_request(lambda: "stopped")
    app.before_request(lambda: events.append("second"))
    client.get("/")
    assert events == []


def test_after_request_runs_on_short_circuited_response(app, client):
    app.before_request(lambda: "stopped")

    @app.after_request
    def mark(response):
        response.headers["X-After"] = "yes"
        return response

    assert client.get("/").headers["X-After"] == "yes"


def test_before_request_sees_the_request(app, client, events):
    app.before_request(lambda: events.append(request.path))
    client.get("/")
    assert events == ["/", "view"]


def test_before_request_data_in_g_reaches_the_view(app, client):
    @app.before_request
    def load_user():
        g.user = "alice"

    app.add_url_rule("/me", "me", lambda: g.user)
    assert client.get("/me").data == b"alice"


def test_before_request_runs_for_unknown_urls(app, client, events):
    app.before_request(lambda: events.append("before"))
    assert client.get("/no-such-page").status_code == 404
    assert events == ["before"]


# -- after_request -----------------------------------------------------------------------------


def test_after_request_receives_the_view_response(app, client):
    seen = []

    @app.after_request
    def record(response):
        seen.append(response.get_data())
        return response

    client.get("/")
    assert seen == [b"view"]


def test_after_request_can_modify_the_response(app, client):
    @app.after_request
    def add_header(response):
        response.headers["X-Frame-Options"] = "DENY"
        return response

    assert client.get("/").headers["X-Frame-Options"] == "DENY"


def test_after_request_can_replace_the_response(app, client):
    app.after_request(lambda response: app.response_class("replaced", status=202))
    response = client.get("/")
    assert response.status_code == 202
    assert response.data == b"replaced"


def test_after_request_functions_run_in_reverse_registration_order(app, client, events):
    def recorder(name):
        def after(response):
            events.append(name)
            return response

        return after

    app.after_request(recorder("first"))
    app.after_request(recorder("second"))
    client.get("/")
    assert events == ["view", "second", "first"]


def test_after_request_runs_on_error_handler_response(app, client):
    app.errorhandler(ValueError)(lambda e: ("handled", 400))

    @app.after_request
    def add_header(response):
        response.headers["X-After"] = "yes"
        return response

    assert client.get("/boom").headers["X-After"] == "yes"


def test_after_this_request_modifies_only_the_current_response(app, client):
    @app.route("/flagged")
    def flagged():
        @after_this_request
        def add_header(response):
            response.headers["X-Flagged"] = "1"
            return response

        return "flagged"

    assert client.get("/flagged").headers["X-Flagged"] == "1"
    assert "X-Flagged" not in client.get("/").headers


def test_after_this_request_runs_before_after_request(app, client, events):
    @app.after_request
    def after(response):
        events.append("after_request")
        return response

    @app.route("/once")
    def once():
        after_this_request(lambda response: events.append("this") or response)
        return "once"

    client.get("/once")
    assert events == ["this", "after_request"]


# -- teardown_request / teardown_appcontext ----------------------------------------------------


def test_teardown_request_runs_after_successful_request_with_none(app, client, events):
    app.teardown_request(lambda exc: events.append(("teardown", exc)))
    client.get("/")
    assert events == ["view", ("teardown", None)]


def test_teardown_request_receives_unhandled_exception(app, client, events):
    app.teardown_request(lambda exc: events.append(exc))
    assert client.get("/boom").status_code == 500
    assert isinstance(events[-1], ValueError)


def test_teardown_request_runs_when_error_was_handled(app, client, events):
    app.errorhandler(ValueError)(lambda e: ("handled", 400))
    app.teardown_request(lambda exc: events.append(("teardown", exc)))
    assert client.get("/boom").status_code == 400
    assert events == ["view", ("teardown", None)]


def test_teardown_request_runs_when_exception_propagates(app, client, events):
    app.testing = True
    app.teardown_request(lambda exc: events.append(exc))
    with pytest.raises(ValueError):
        client.get("/boom")
    assert isinstance(events[-1], ValueError)


def test_teardown_request_runs_after_before_request_short_circuit(app, client, events):
    app.before_request(lambda: "stopped")
    app.teardown_request(lambda exc: events.append("teardown"))
    client.get("/")
    assert events == ["teardown"]


def test_teardown_request_runs_when_before_request_fails(app, client, events):
    def fail():
        raise RuntimeError("database down")

    app.before_request(fail)
    app.teardown_request(lambda exc: events.append(exc))
    assert client.get("/").status_code == 500
    assert isinstance(events[-1], RuntimeError)


def test_teardown_request_functions_run_in_reverse_registration_order(app, client, events):
    app.teardown_request(lambda exc: events.append("first"))
    app.teardown_request(lambda exc: events.append("second"))
    client.get("/")
    assert events == ["view", "second", "first"]


def test_teardown_request_runs_after_after_request(app, client, events):
    app.after_request(lambda response: events.append("after") or response)
    app.teardown_request(lambda exc: events.append("teardown"))
    client.get("/")
    assert events == ["view", "after", "teardown"]


def test_teardown_request_can_use_g_from_the_request(app, client, events):
    app.before_request(lambda: setattr(g, "resource", "db-connection"))
    app.teardown_request(lambda exc: events.append(g.resource))
    client.get("/")
    assert events[-1] == "db-connection"


def test_teardown_appcontext_runs_after_each_request(app, client, events):
    app.teardown_appcontext(lambda exc: events.append(("appctx", exc)))
    client.get("/")
    assert events == ["view", ("appctx", None)]


def test_teardown_appcontext_receives_unhandled_exception(app, client, events):
    app.teardown_appcontext(lambda exc: events.append(exc))
    client.get("/boom")
    assert isinstance(events[-1], ValueError)


def test_teardown_appcontext_runs_after_teardown_request(app, client, events):
    app.teardown_appcontext(lambda exc: events.append("appctx"))
    app.teardown_request(lambda exc: events.append("request"))
    client.get("/")
    assert events == ["view", "request", "appctx"]


def test_teardown_appcontext_runs_when_app_context_exits(app, events):
    app.teardown_appcontext(lambda exc: events.append(("appctx", exc)))
    with app.app_context():
        assert events == []
    assert events == [("appctx", None)]


# -- URL value processors ----------------------------------------------------------------------


@pytest.fixture
def i18n_app():
    app = Kolba(__name__)

    @app.url_defaults
    def add_language_code(endpoint, values):
        if "lang_code" in values or not g.get("lang_code"):
            return
        if app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
            values["lang_code"] = g.lang_code

    @app.url_value_preprocessor
    def pull_lang_code(endpoint, values):
        g.lang_code = values.pop("lang_code", None) if values else None

    @app.route("/<lang_code>/")
    def index():
        return url_for("about")

    @app.route("/<lang_code>/about")
    def about():
        return f"about in {g.lang_code}"

    return app


def test_url_value_preprocessor_removes_value_before_the_view(i18n_app):
    assert i18n_app.test_client().get("/de/about").data == b"about in de"


def test_url_defaults_fills_value_into_url_for(i18n_app):
    assert i18n_app.test_client().get("/fr/").data == b"/fr/about"


def test_url_defaults_does_not_override_explicit_value(i18n_app):
    with i18n_app.test_request_context("/fr/"):
        g.lang_code = "fr"
        assert url_for("about", lang_code="en") == "/en/about"


def test_url_value_preprocessor_runs_before_before_request(app, client, events):
    app.url_value_preprocessor(lambda endpoint, values: events.append("preprocess"))
    app.before_request(lambda: events.append("before"))
    client.get("/")
    assert events == ["preprocess", "before", "view"]


# -- setup is closed after the first request ---------------------------------------------------


def test_registering_hook_after_first_request_raises(app, client):
    client.get("/")
    with pytest.raises(AssertionError):
        app.before_request(lambda: None)
