"""Behaviours from the core request-cycle and web-feature checklists (issues 2 and 3) that no
other test file proves, plus the deliberate differences from Flask."""

import hashlib
import io
import itertools
import logging

import pytest
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.test import create_environ

import kolba
from kolba import (
    ConfigError,
    Kolba,
    after_this_request,
    g,
    redirect,
    render_template_string,
    request,
    session,
    signals,
)
from kolba.json.tag import TaggedJSONSerializer


@pytest.fixture
def app():
    app = Kolba(__name__)
    app.secret_key = "test secret"
    return app


@pytest.fixture
def client(app):
    return app.test_client()


_app_numbers = itertools.count()


def unique_app_name():
    # app.logger is logging.getLogger(app.name): a name of its own keeps each test's logger fresh.
    return f"issue_coverage_app_{next(_app_numbers)}"


# --- WSGI entry point ------------------------------------------------------------------------


def test_app_answers_a_plain_wsgi_call(app):
    @app.route("/hello")
    def hello():
        return "hello"

    started = []
    body = b"".join(
        app(create_environ("/hello"), lambda status, headers: started.append((status, headers)))
    )

    status, headers = started[0]
    assert (status, body) == ("200 OK", b"hello")
    assert dict(headers)["Content-Length"] == "5"


# --- logging ---------------------------------------------------------------------------------


def test_app_logger_is_named_after_the_app():
    app = Kolba(unique_app_name())
    assert app.logger is logging.getLogger(app.name)


def test_app_logger_is_at_debug_level_in_debug_mode():
    app = Kolba(unique_app_name())
    app.debug = True
    assert app.logger.level == logging.DEBUG


def test_app_logger_writes_to_the_requests_wsgi_errors_stream(monkeypatch):
    # Without any handler that would show its messages (pytest adds some to the root logger),
    # the app's logger gets kolba's default handler, which writes to wsgi.errors.
    monkeypatch.setattr(logging.root, "handlers", [])
    app = Kolba(unique_app_name())

    @app.route("/")
    def index():
        app.logger.warning("written from the view")
        return ""

    errors = io.StringIO()
    app.test_client().get("/", errors_stream=errors)
    assert "written from the view" in errors.getvalue()


# kolba-specific: the path is escaped so a client cannot forge log lines (docs/porting.md).
def test_unhandled_exception_log_line_escapes_a_newline_in_the_path(app, caplog):
    @app.route("/fail/<word>")
    def fail(word):
        raise ValueError(word)

    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        assert app.test_client().get("/fail/x%0aERROR forged").status_code == 500

    message = [r for r in caplog.records if r.name == app.logger.name][0].getMessage()
    assert "\n" not in message
    assert "/fail/x\\nERROR forged" in message


# --- configuration ---------------------------------------------------------------------------


# kolba-specific: declared core config keys are checked before the first request.
def test_wrong_type_for_a_core_config_key_stops_the_first_request(app):
    app.config["TRUSTED_HOSTS"] = "example.com"
    with pytest.raises(ConfigError, match="TRUSTED_HOSTS"):
        app.test_client().get("/")


# --- routing by host -------------------------------------------------------------------------


# kolba-specific: Flask 3.1 needs subdomain_matching=True for this (docs/porting.md).
def test_subdomain_route_matches_with_server_name_alone():
    app = Kolba(__name__)
    app.config["SERVER_NAME"] = "example.test"

    @app.route("/", subdomain="api")
    def api_index():
        return "api"

    @app.route("/")
    def index():
        return "main"

    client = app.test_client()
    assert client.get("http://api.example.test/").text == "api"
    assert client.get("http://example.test/").text == "main"


@pytest.mark.filterwarnings("ignore:Current server name")
def test_server_name_does_not_restrict_requests_to_its_host():
    app = Kolba(__name__)
    app.config["SERVER_NAME"] = "example.test"

    @app.route("/")
    def index():
        return "index"

    @app.route("/item/<int:item_id>")
    def item(item_id):
        return str(item_id)

    client = app.test_client()
    assert client.get("http://other.test/").text == "index"
    assert client.get("http://other.test/item/7").text == "7"


def test_unknown_subdomain_is_404_with_subdomain_matching():
    app = Kolba(__name__, subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"

    @app.route("/")
    def index():
        return "index"

    client = app.test_client()
    assert client.get("http://example.test/").status_code == 200
    assert client.get("http://nope.example.test/").status_code == 404


@pytest.mark.parametrize("host", ["a..example.test", "x" * 64 + ".example.test"])
def test_host_header_that_is_not_a_valid_host_name_is_400(app, host):
    @app.route("/")
    def index():
        return "index"

    assert app.test_client().get("/", headers={"Host": host}).status_code == 400


# --- request ---------------------------------------------------------------------------------


def test_full_path_without_query_string_ends_with_a_question_mark(app, client):
    app.add_url_rule("/plain", "plain", lambda: request.full_path)
    assert client.get("/plain").text == "/plain?"


def test_malformed_basic_authorization_header_reads_as_no_credentials(app, client):
    @app.route("/me")
    def me():
        return "anonymous" if request.authorization is None else request.authorization.username

    response = client.get("/me", headers={"Authorization": "Basic \xff\xfe\xfd"})
    assert (response.status_code, response.text) == (200, "anonymous")


# --- errors and hooks ------------------------------------------------------------------------


def test_after_request_runs_on_the_500_response_of_an_unhandled_exception(app, client):
    @app.route("/boom")
    def boom():
        raise ValueError("boom")

    @app.after_request
    def mark(response):
        response.headers["X-After"] = "ran"
        return response

    response = client.get("/boom")
    assert response.status_code == 500
    assert response.headers["X-After"] == "ran"


def test_after_this_request_runs_on_the_500_response_of_an_unhandled_exception(app, client):
    @app.route("/boom")
    def boom():
        @after_this_request
        def mark(response):
            response.headers["X-Once"] = "ran"
            return response

        raise ValueError("boom")

    response = client.get("/boom")
    assert response.status_code == 500
    assert response.headers["X-Once"] == "ran"


# --- test client -----------------------------------------------------------------------------


def test_with_client_keeps_the_context_of_the_redirect_target(app, client):
    @app.route("/start")
    def start():
        g.where = "start"
        return redirect("/target")

    @app.route("/target")
    def target():
        g.where = "target"
        return "arrived"

    with client:
        assert client.get("/start", follow_redirects=True).text == "arrived"
        assert (request.path, g.where) == ("/target", "target")


# --- sessions --------------------------------------------------------------------------------


def cookie_serializer(secret, digest):
    return URLSafeTimedSerializer(
        secret,
        salt="cookie-session",
        serializer=TaggedJSONSerializer(),
        signer_kwargs={"key_derivation": "hmac", "digest_method": digest},
    )


@pytest.fixture
def session_app(app):
    @app.route("/login")
    def login():
        session["user"] = "ann"
        session.permanent = True
        return "logged in"

    @app.route("/user")
    def user():
        return str(session.get("user"))

    return app


# kolba-specific: HMAC-SHA256 where Flask signs with SHA-1 (docs/porting.md).
def test_session_cookie_is_signed_with_hmac_sha256(session_app, client):
    client.get("/login")
    value = client.get_cookie("session").value

    assert cookie_serializer("test secret", hashlib.sha256).loads(value)["user"] == "ann"
    with pytest.raises(BadSignature):
        cookie_serializer("test secret", hashlib.sha1).loads(value)


# kolba-specific: a cookie from the same app on Flask (SHA-1) is not accepted after porting.
def test_flask_signed_session_cookie_is_refused_when_migration_is_off(session_app, client):
    session_app.config["SESSION_ACCEPT_FLASK_COOKIES"] = False
    client.set_cookie(
        "session", cookie_serializer("test secret", hashlib.sha1).dumps({"user": "x"})
    )
    assert client.get("/user").text == "None"


def test_response_varies_on_cookie_when_a_permanent_session_is_refreshed(session_app, client):
    client.get("/login")
    response = client.get("/user")
    assert any(h.startswith("session=") for h in response.headers.getlist("Set-Cookie"))
    assert "Cookie" in response.vary


@pytest.mark.parametrize(
    "use",
    [lambda: session.copy(), lambda: session == {}, lambda: str(session)],
    ids=["copy", "eq", "str"],
)
def test_response_varies_on_cookie_when_an_anonymous_visitors_session_is_used(app, client, use):
    @app.route("/page")
    def page():
        use()
        return "page"

    assert "Cookie" in client.get("/page").vary


class CountingInterface(kolba.sessions.SecureCookieSessionInterface):
    def __init__(self):
        self.opened = 0

    def open_session(self, app, request):
        self.opened += 1
        return super().open_session(app, request)


# kolba-specific: the session is opened on first use (or, with SESSION_REFRESH_EACH_REQUEST, when
# the request carries a session cookie); Flask opens it for every request.
def test_session_is_not_opened_by_a_template_that_ignores_it(session_app, client):
    @session_app.route("/page")
    def page():
        return render_template_string("{{ request.path }} {{ g.get('x') }}")

    session_app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    client.get("/login")
    session_app.session_interface = counting = CountingInterface()
    assert client.get("/page").text == "/page None"
    assert counting.opened == 0


# kolba-specific: see above.
def test_session_is_not_opened_by_request_hooks_that_ignore_it(session_app, client):
    session_app.before_request(lambda: None)
    session_app.after_request(lambda response: response)
    session_app.teardown_request(lambda exc: None)
    session_app.add_url_rule("/plain", "plain", lambda: "plain")
    session_app.config["SESSION_REFRESH_EACH_REQUEST"] = False

    client.get("/login")
    session_app.session_interface = counting = CountingInterface()
    response = client.get("/plain")
    assert response.text == "plain"
    assert counting.opened == 0
    assert "Cookie" not in response.vary


def test_session_is_not_opened_for_a_request_without_a_session_cookie(session_app, client):
    session_app.add_url_rule("/plain", "plain", lambda: "plain")
    session_app.session_interface = counting = CountingInterface()
    response = client.get("/plain", headers={"Cookie": "other=1"})
    assert response.text == "plain"
    assert counting.opened == 0
    assert "Cookie" not in response.vary


# --- signals ---------------------------------------------------------------------------------

ALL_SIGNALS = [
    "request_started",
    "request_finished",
    "request_tearing_down",
    "got_request_exception",
    "appcontext_pushed",
    "appcontext_popped",
    "appcontext_tearing_down",
    "template_rendered",
    "before_render_template",
    "message_flashed",
]


# kolba-specific: an unused signal costs one attribute check; Flask always calls send().
def test_signals_without_receivers_are_not_sent(app, client, monkeypatch):
    sent = []
    for name in ALL_SIGNALS:
        signal = getattr(signals, name)
        # Receivers other tests left connected (weakly, until collected) must not count here.
        monkeypatch.setattr(signal, "receivers", {})
        monkeypatch.setattr(signal, "send", lambda *a, _name=name, **kw: sent.append(_name))

    @app.route("/busy")
    def busy():
        kolba.flash("hi")
        return render_template_string("{{ 1 }}")

    @app.route("/boom")
    def boom():
        raise ValueError("boom")

    client.get("/busy")
    client.get("/boom")
    assert sent == []


# --- JSON ------------------------------------------------------------------------------------


def test_json_dumps_outside_an_app_context_keeps_key_order():
    assert kolba.json.dumps({"b": 1, "a": 2}) == '{"b": 1, "a": 2}'
