"""Signals: kolba.signals are blinker Namespace signals sent with the app as sender.
Each test checks when a signal fires and which keyword arguments its receivers get."""

from contextlib import contextmanager
from pathlib import Path

import blinker
import jinja2
import pytest

import kolba
from kolba import Kolba, abort, flash, render_template, render_template_string, request, signals

TEMPLATES = str(Path(__file__).parent / "bp_files" / "templates")

SIGNAL_NAMES = {
    "request_started": "request-started",
    "request_finished": "request-finished",
    "request_tearing_down": "request-tearing-down",
    "got_request_exception": "got-request-exception",
    "appcontext_pushed": "appcontext-pushed",
    "appcontext_popped": "appcontext-popped",
    "appcontext_tearing_down": "appcontext-tearing-down",
    "template_rendered": "template-rendered",
    "before_render_template": "before-render-template",
    "message_flashed": "message-flashed",
}


@pytest.fixture
def app():
    app = Kolba(__name__, template_folder=TEMPLATES)
    app.secret_key = "test secret"
    app.testing = True

    @app.route("/")
    def index():
        return "index"

    @app.route("/boom")
    def boom():
        raise RuntimeError("boom")

    @app.route("/bad")
    def bad():
        abort(400)

    return app


@contextmanager
def recording(signal, sender=blinker.ANY):
    calls = []

    def receiver(sender, **kwargs):
        calls.append((sender, kwargs))

    with signal.connected_to(receiver, sender):
        yield calls


def text(response):
    return response.get_data(as_text=True)


# --- the signal objects ------------------------------------------------------------------------


@pytest.mark.parametrize(("attribute", "name"), SIGNAL_NAMES.items())
def test_signals_are_named_blinker_signals(attribute, name):
    signal = getattr(signals, attribute)
    assert isinstance(signal, blinker.NamedSignal)
    assert signal.name == name


@pytest.mark.parametrize("attribute", SIGNAL_NAMES)
def test_signals_are_exported_from_the_package(attribute):
    assert getattr(kolba, attribute) is getattr(signals, attribute)


@pytest.mark.parametrize("attribute", SIGNAL_NAMES)
def test_signals_are_not_in_blinker_default_namespace(attribute):
    assert getattr(signals, attribute) is not blinker.signal(SIGNAL_NAMES[attribute])


# --- request signals ---------------------------------------------------------------------------


def test_request_started_is_sent_with_the_app_and_no_arguments(app):
    with recording(signals.request_started, app) as calls:
        app.test_client().get("/")
    assert calls == [(app, {})]


def test_request_started_receivers_see_the_request(app):
    paths = []

    def receiver(sender):
        paths.append(request.path)

    with signals.request_started.connected_to(receiver, app):
        app.test_client().get("/")
    assert paths == ["/"]


def test_request_finished_receives_the_response(app):
    with recording(signals.request_finished, app) as calls:
        app.test_client().get("/")
    [(sender, kwargs)] = calls
    assert sender is app
    assert list(kwargs) == ["response"]
    assert kwargs["response"].get_data(as_text=True) == "index"


def test_request_finished_receives_the_error_response_of_a_handled_error(app):
    with recording(signals.request_finished, app) as calls:
        app.test_client().get("/bad")
    assert calls[0][1]["response"].status_code == 400


def test_request_finished_receives_the_500_response_when_not_propagating(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with recording(signals.request_finished, app) as calls:
        app.test_client().get("/boom")
    assert calls[0][1]["response"].status_code == 500


def test_request_tearing_down_receives_none_after_success(app):
    with recording(signals.request_tearing_down, app) as calls:
        app.test_client().get("/")
    assert calls == [(app, {"exc": None})]


def test_request_tearing_down_receives_the_unhandled_exception(app):
    with recording(signals.request_tearing_down, app) as calls, pytest.raises(RuntimeError):
        app.test_client().get("/boom")
    assert isinstance(calls[0][1]["exc"], RuntimeError)


def test_got_request_exception_receives_the_exception(app):
    with recording(signals.got_request_exception, app) as calls, pytest.raises(RuntimeError):
        app.test_client().get("/boom")
    [(sender, kwargs)] = calls
    assert sender is app
    assert isinstance(kwargs["exception"], RuntimeError)
    assert str(kwargs["exception"]) == "boom"


def test_got_request_exception_is_sent_when_not_propagating(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with recording(signals.got_request_exception, app) as calls:
        assert app.test_client().get("/boom").status_code == 500
    assert isinstance(calls[0][1]["exception"], RuntimeError)


def test_got_request_exception_is_not_sent_for_http_errors(app):
    with recording(signals.got_request_exception, app) as calls:
        app.test_client().get("/bad")
    assert calls == []


def test_got_request_exception_is_not_sent_for_handled_exceptions(app):
    app.register_error_handler(RuntimeError, lambda e: ("handled", 500))
    with recording(signals.got_request_exception, app) as calls:
        assert text(app.test_client().get("/boom")) == "handled"
    assert calls == []


def test_signals_of_one_request_arrive_in_order(app):
    order = []
    receivers = {
        name: (lambda sender, _name=name, **kwargs: order.append(_name))
        for name in (
            "appcontext_pushed",
            "request_started",
            "request_finished",
            "request_tearing_down",
            "appcontext_tearing_down",
            "appcontext_popped",
        )
    }
    for name, receiver in receivers.items():
        getattr(signals, name).connect(receiver, app)
    try:
        app.test_client().get("/")
    finally:
        for name, receiver in receivers.items():
            getattr(signals, name).disconnect(receiver, app)
    assert order == list(receivers)


# --- app context signals -----------------------------------------------------------------------


def test_appcontext_pushed_is_sent_when_the_context_is_pushed(app):
    with recording(signals.appcontext_pushed, app) as calls, app.app_context():
        assert calls == [(app, {})]


def test_appcontext_popped_is_sent_when_the_context_is_popped(app):
    with recording(signals.appcontext_popped, app) as calls:
        with app.app_context():
            assert calls == []
        assert calls == [(app, {})]


def test_appcontext_tearing_down_receives_none_without_error(app):
    with recording(signals.appcontext_tearing_down, app) as calls, app.app_context():
        pass
    assert calls == [(app, {"exc": None})]


def test_appcontext_tearing_down_receives_the_exception_that_left_the_block(app):
    with (
        recording(signals.appcontext_tearing_down, app) as calls,
        pytest.raises(KeyError),
        app.app_context(),
    ):
        raise KeyError("gone")
    assert isinstance(calls[0][1]["exc"], KeyError)


# --- template and flash signals ----------------------------------------------------------------


def test_template_rendered_receives_the_template_and_context(app):
    with recording(signals.template_rendered, app) as calls, app.test_request_context():
        render_template("files_only.html", answer=42)
    [(sender, kwargs)] = calls
    assert sender is app
    assert isinstance(kwargs["template"], jinja2.Template)
    assert kwargs["template"].name == "files_only.html"
    assert kwargs["context"]["answer"] == 42


def test_template_rendered_is_sent_for_string_templates(app):
    with recording(signals.template_rendered, app) as calls, app.test_request_context():
        render_template_string("{{ answer }}", answer=42)
    assert calls[0][1]["context"]["answer"] == 42


def test_template_context_includes_request_and_g(app):
    with recording(signals.template_rendered, app) as calls, app.test_request_context("/where"):
        render_template_string("x")
        context = calls[0][1]["context"]
        assert context["request"].path == "/where"
        assert "g" in context


def test_recorded_template_context_is_usable_after_the_request(app):
    # Receivers that record contexts (the usual testing pattern) read them after the request ends,
    # so the context holds the request object itself, not a proxy to the current one.
    with recording(signals.template_rendered, app) as calls, app.test_request_context("/where"):
        render_template_string("x")
    assert calls[0][1]["context"]["request"].path == "/where"


def test_before_render_template_is_sent_before_rendering(app):
    order = []

    def before(sender, template, context):
        order.append("before")

    def after(sender, template, context):
        order.append("rendered")

    with (
        signals.before_render_template.connected_to(before, app),
        signals.template_rendered.connected_to(after, app),
        app.test_request_context(),
    ):
        render_template_string("x")
    assert order == ["before", "rendered"]


def test_before_render_template_receives_the_template_and_context(app):
    with recording(signals.before_render_template, app) as calls, app.test_request_context():
        render_template("files_only.html", answer=42)
    [(sender, kwargs)] = calls
    assert kwargs["template"].name == "files_only.html"
    assert kwargs["context"]["answer"] == 42


def test_before_render_template_receivers_can_change_the_context(app):
    def change(sender, template, context):
        context["answer"] = "changed"

    with signals.before_render_template.connected_to(change, app), app.test_request_context():
        assert render_template_string("{{ answer }}", answer=42) == "changed"


def test_message_flashed_receives_message_and_category(app):
    with recording(signals.message_flashed, app) as calls, app.test_request_context():
        flash("saved", "success")
    assert calls == [(app, {"message": "saved", "category": "success"})]


def test_message_flashed_default_category_is_message(app):
    with recording(signals.message_flashed, app) as calls, app.test_request_context():
        flash("hello")
    assert calls[0][1]["category"] == "message"


# --- connecting and disconnecting --------------------------------------------------------------


def test_receiver_connected_to_one_app_ignores_another_app(app):
    other = Kolba(__name__)
    other.add_url_rule("/", "index", lambda: "other")
    with recording(signals.request_started, app) as calls:
        other.test_client().get("/")
    assert calls == []


def test_receiver_connected_without_sender_hears_every_app(app):
    other = Kolba(__name__)
    other.add_url_rule("/", "index", lambda: "other")
    with recording(signals.request_started) as calls:
        app.test_client().get("/")
        other.test_client().get("/")
    assert [sender for sender, _ in calls] == [app, other]


def test_connected_to_disconnects_after_the_block(app):
    with recording(signals.request_started, app) as calls:
        pass
    app.test_client().get("/")
    assert calls == []


def test_connect_delivers_until_disconnect(app):
    calls = []

    def receiver(sender, **kwargs):
        calls.append(sender)

    signals.request_started.connect(receiver, app)
    client = app.test_client()
    try:
        client.get("/")
    finally:
        signals.request_started.disconnect(receiver, app)
    client.get("/")
    assert calls == [app]


def test_connect_via_decorator_registers_a_receiver(app):
    calls = []

    @signals.message_flashed.connect_via(app)
    def receiver(sender, message, category):
        calls.append(message)

    try:
        with app.test_request_context():
            flash("via")
    finally:
        signals.message_flashed.disconnect(receiver, app)
    assert calls == ["via"]
