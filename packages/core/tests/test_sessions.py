"""Tests for signed-cookie sessions, their configuration and the SessionInterface API.

Covers the `session` proxy, cookie attributes, expiry, key rotation and custom interfaces.
"""

import base64
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer
from markupsafe import Markup
from werkzeug.exceptions import ServiceUnavailable

from kolba import Kolba, session
from kolba.json.tag import TaggedJSONSerializer
from kolba.sessions import (
    NullSession,
    SecureCookieSession,
    SecureCookieSessionInterface,
    SessionInterface,
    SessionMixin,
)


@pytest.fixture
def app():
    app = Kolba(__name__)
    app.config.update(SECRET_KEY="test secret", TESTING=True)

    @app.get("/set/<key>/<value>")
    def set_value(key, value):
        session[key] = value
        return "set"

    @app.get("/get/<key>")
    def get_value(key):
        return str(session.get(key))

    @app.get("/login")
    def login():
        session["user"] = "ann"
        session.permanent = True
        return "logged in"

    @app.get("/clear")
    def clear():
        session.clear()
        return "cleared"

    @app.get("/untouched")
    def untouched():
        return "no session here"

    return app


@pytest.fixture
def client(app):
    return app.test_client()


def set_cookie_header(response, name="session"):
    """The Set-Cookie header for cookie `name`, or None."""
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{name}="):
            return header
    return None


def cookie_attrs(header):
    """Attributes of a Set-Cookie header as a dict with lower-case keys."""
    _, *attrs = header.split("; ")
    return {key.lower(): value for key, _, value in (a.partition("=") for a in attrs)}


def serializer(app, key, issued_at=None):
    """An itsdangerous serializer making cookies the way app's session interface signs them."""

    class Signer(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) if issued_at is None else issued_at

    interface = app.session_interface
    return URLSafeTimedSerializer(
        key,
        salt=interface.salt,
        serializer=interface.serializer,
        signer=Signer,
        signer_kwargs={
            "key_derivation": interface.key_derivation,
            "digest_method": interface.digest_method,
        },
    )


def with_forged_payload(cookie_value, data):
    """The cookie with its payload replaced by `data` while keeping the old signature."""
    payload = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return payload + cookie_value[cookie_value.index(".") :]


# --- the session as a dict -------------------------------------------------------------------


def test_value_set_in_one_request_is_read_in_the_next(client):
    client.get("/set/color/blue")
    assert client.get("/get/color").text == "blue"


def test_missing_key_reads_as_none_without_a_cookie(client):
    assert client.get("/get/color").text == "None"


def test_session_supports_dict_operations(app, client):
    @app.get("/dict")
    def dict_ops():
        session.update(a=1, b=2)
        session.setdefault("c", 3)
        removed = session.pop("b")
        return f"{sorted(session.keys())} {removed} {'a' in session} {len(session)}"

    assert client.get("/dict").text == "['a', 'c'] 2 True 2"


def test_session_pop_with_default_for_missing_key(app, client):
    @app.get("/pop")
    def pop():
        return str(session.pop("missing", "fallback"))

    assert client.get("/pop").text == "fallback"


def test_session_holds_json_types_across_requests(app, client):
    @app.get("/store")
    def store():
        session["data"] = {"n": 1, "f": 1.5, "items": [1, "two", None], "ok": True}
        return ""

    @app.get("/load")
    def load():
        return str(session["data"] == {"n": 1, "f": 1.5, "items": [1, "two", None], "ok": True})

    client.get("/store")
    assert client.get("/load").text == "True"


def test_session_cookie_is_sent_when_session_is_modified(client):
    rv = client.get("/set/a/b")
    assert set_cookie_header(rv) is not None


def test_no_cookie_is_set_for_an_empty_unmodified_session(client):
    rv = client.get("/get/a")
    assert rv.headers.getlist("Set-Cookie") == []


# --- permanence and lifetime ----------------------------------------------------------------


def test_session_cookie_is_a_browser_session_cookie_by_default(client):
    attrs = cookie_attrs(set_cookie_header(client.get("/set/a/b")))
    assert "expires" not in attrs
    assert "max-age" not in attrs


def test_permanent_session_cookie_expires_after_configured_lifetime(app, client):
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=2)
    attrs = cookie_attrs(set_cookie_header(client.get("/login")))
    expires = parsedate_to_datetime(attrs["expires"])
    expected = datetime.now(UTC) + timedelta(hours=2)
    assert abs((expires - expected).total_seconds()) < 60


def test_permanent_session_lifetime_accepts_seconds(app, client):
    app.config["PERMANENT_SESSION_LIFETIME"] = 600
    attrs = cookie_attrs(set_cookie_header(client.get("/login")))
    expires = parsedate_to_datetime(attrs["expires"])
    expected = datetime.now(UTC) + timedelta(seconds=600)
    assert abs((expires - expected).total_seconds()) < 60


def test_default_permanent_session_lifetime_is_31_days(app):
    assert app.permanent_session_lifetime == timedelta(days=31)


def test_permanent_flag_survives_across_requests(app, client):
    @app.get("/is-permanent")
    def is_permanent():
        return str(session.permanent)

    client.get("/login")
    assert client.get("/is-permanent").text == "True"


def test_session_is_not_permanent_by_default(app, client):
    @app.get("/is-permanent")
    def is_permanent():
        return str(session.permanent)

    assert client.get("/is-permanent").text == "False"


# --- cookie configuration -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("SESSION_COOKIE_NAME", "session"),
        ("SESSION_COOKIE_DOMAIN", None),
        ("SESSION_COOKIE_PATH", None),
        ("SESSION_COOKIE_HTTPONLY", True),
        ("SESSION_COOKIE_SECURE", False),
        ("SESSION_COOKIE_SAMESITE", None),
        ("SESSION_COOKIE_PARTITIONED", False),
        ("SESSION_REFRESH_EACH_REQUEST", True),
        ("SECRET_KEY_FALLBACKS", None),
    ],
)
def test_session_config_defaults(key, value):
    assert Kolba(__name__).config[key] == value


def test_session_cookie_name_is_configurable(app, client):
    app.config["SESSION_COOKIE_NAME"] = "sid"
    rv = client.get("/set/a/b")
    assert set_cookie_header(rv, "sid") is not None
    assert set_cookie_header(rv, "session") is None
    assert client.get("/get/a").text == "b"


def test_session_cookie_domain_is_configurable(app, client):
    app.config["SESSION_COOKIE_DOMAIN"] = "example.com"
    assert cookie_attrs(set_cookie_header(client.get("/set/a/b")))["domain"] == "example.com"


def test_session_cookie_has_no_domain_by_default(client):
    assert "domain" not in cookie_attrs(set_cookie_header(client.get("/set/a/b")))


def test_session_cookie_path_is_configurable(app, client):
    app.config["SESSION_COOKIE_PATH"] = "/shop"
    assert cookie_attrs(set_cookie_header(client.get("/set/a/b")))["path"] == "/shop"


def test_session_cookie_path_defaults_to_application_root(app, client):
    app.config["APPLICATION_ROOT"] = "/portal"
    assert cookie_attrs(set_cookie_header(client.get("/set/a/b")))["path"] == "/portal"


def test_session_cookie_is_httponly_by_default(client):
    assert "httponly" in cookie_attrs(set_cookie_header(client.get("/set/a/b")))


def test_session_cookie_httponly_can_be_turned_off(app, client):
    app.config["SESSION_COOKIE_HTTPONLY"] = False
    assert "httponly" not in cookie_attrs(set_cookie_header(client.get("/set/a/b")))


def test_session_cookie_is_not_secure_by_default(client):
    assert "secure" not in cookie_attrs(set_cookie_header(client.get("/set/a/b")))


def test_session_cookie_secure_flag_is_configurable(app, client):
    app.config["SESSION_COOKIE_SECURE"] = True
    assert "secure" in cookie_attrs(set_cookie_header(client.get("/set/a/b")))


@pytest.mark.parametrize("samesite", ["Strict", "Lax", "None"])
def test_session_cookie_samesite_is_configurable(app, client, samesite):
    app.config["SESSION_COOKIE_SAMESITE"] = samesite
    assert cookie_attrs(set_cookie_header(client.get("/set/a/b")))["samesite"] == samesite


def test_session_cookie_has_no_samesite_by_default(client):
    assert "samesite" not in cookie_attrs(set_cookie_header(client.get("/set/a/b")))


def test_session_cookie_partitioned_flag_is_configurable(app, client):
    app.config["SESSION_COOKIE_PARTITIONED"] = True
    app.config["SESSION_COOKIE_SECURE"] = True
    assert "partitioned" in cookie_attrs(set_cookie_header(client.get("/set/a/b")))


def test_session_cookie_is_not_partitioned_by_default(client):
    assert "partitioned" not in cookie_attrs(set_cookie_header(client.get("/set/a/b")))


# --- refreshing -----------------------------------------------------------------------------


def test_permanent_session_is_refreshed_on_each_request_that_reads_it(client):
    client.get("/login")
    rv = client.get("/get/user")
    assert rv.text == "ann"
    assert "expires" in cookie_attrs(set_cookie_header(rv))


def test_non_permanent_session_is_not_refreshed_when_only_read(client):
    client.get("/set/user/ann")
    rv = client.get("/get/user")
    assert rv.text == "ann"
    assert set_cookie_header(rv) is None


def test_refresh_each_request_off_skips_unmodified_permanent_session(app, client):
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    client.get("/login")
    rv = client.get("/get/user")
    assert rv.text == "ann"
    assert set_cookie_header(rv) is None


def test_refresh_each_request_off_still_sets_cookie_when_modified(app, client):
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    client.get("/login")
    assert set_cookie_header(client.get("/set/theme/dark")) is not None


# --- flags ----------------------------------------------------------------------------------


def test_cookie_session_is_never_flagged_new(app, client):
    @app.get("/new")
    def new():
        return str(session.new)

    assert client.get("/new").text == "False"


def test_session_is_not_modified_by_reading(app, client):
    @app.get("/read-flags")
    def read_flags():
        session.get("user")
        return str(session.modified)

    client.get("/set/user/ann")
    assert client.get("/read-flags").text == "False"


def test_session_is_modified_by_writing(app, client):
    @app.get("/write-flags")
    def write_flags():
        session["user"] = "bob"
        return str(session.modified)

    assert client.get("/write-flags").text == "True"


def test_session_is_accessed_after_reading(app, client):
    @app.get("/accessed")
    def accessed():
        session.get("user")
        return str(session.accessed)

    assert client.get("/accessed").text == "True"


def test_secure_cookie_session_is_modified_by_writes():
    s = SecureCookieSession()
    s["a"] = 1
    assert s.modified


def test_secure_cookie_session_is_not_modified_by_reads():
    s = SecureCookieSession({"a": 1})
    assert s.get("a") == 1
    assert not s.modified


def test_mutating_nested_value_is_not_saved_without_marking_modified(app, client):
    @app.get("/cart/new")
    def new_cart():
        session["cart"] = []
        return ""

    @app.get("/cart/add")
    def add():
        session["cart"].append("apple")
        return ""

    client.get("/cart/new")
    client.get("/cart/add")
    assert client.get("/get/cart").text == "[]"


def test_mutating_nested_value_is_saved_after_marking_modified(app, client):
    @app.get("/cart/new")
    def new_cart():
        session["cart"] = []
        return ""

    @app.get("/cart/add")
    def add():
        session["cart"].append("apple")
        session.modified = True
        return ""

    client.get("/cart/new")
    client.get("/cart/add")
    assert client.get("/get/cart").text == "['apple']"


# --- tagged JSON serializer -----------------------------------------------------------------

TAGGED_VALUES = [
    {"a": 1, "b": [1, 2]},
    [1, "x", None],
    (1, 2, "three"),
    b"\x00binary\xff",
    Markup("<b>safe</b>"),
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
    datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
    {" t": "a key that looks like a tag"},
    {"nested": (b"bytes", [uuid.UUID(int=7)])},
]


@pytest.mark.parametrize("value", TAGGED_VALUES, ids=lambda v: type(v).__name__)
def test_tagged_serializer_round_trips_value_and_type(value):
    s = TaggedJSONSerializer()
    result = s.loads(s.dumps(value))
    assert result == value
    assert type(result) is type(value)


def test_tagged_serializer_output_is_compact_flask_compatible_json():
    s = TaggedJSONSerializer()
    assert s.dumps({"t": (1, 2)}) == '{"t":{" t":[1,2]}}'


def test_tagged_serializer_reads_naive_datetime_back_as_utc():
    s = TaggedJSONSerializer()
    assert s.loads(s.dumps(datetime(2024, 1, 2, 3, 4, 5))) == datetime(
        2024, 1, 2, 3, 4, 5, tzinfo=UTC
    )


def test_session_round_trips_tagged_types_across_requests(app, client):
    values = {
        "tuple": (1, 2),
        "bytes": b"\x01\x02",
        "markup": Markup("<i>hi</i>"),
        "uuid": uuid.UUID(int=42),
        "when": datetime(2020, 2, 3, 4, 5, 6, tzinfo=UTC),
    }

    @app.get("/store")
    def store():
        session.update(values)
        return ""

    @app.get("/load")
    def load():
        ok = all(session[k] == v and type(session[k]) is type(v) for k, v in values.items())
        return str(ok)

    client.get("/store")
    assert client.get("/load").text == "True"


# --- secret key handling --------------------------------------------------------------------


def test_writing_session_without_secret_key_raises_clear_runtime_error(app, client):
    app.config["SECRET_KEY"] = None
    with pytest.raises(RuntimeError, match="secret key"):
        client.get("/set/a/b")


def test_reading_session_without_secret_key_gives_empty_null_session(app, client):
    app.config["SECRET_KEY"] = None

    @app.get("/null")
    def null():
        null = app.session_interface.is_null_session(session)
        return f"{session.get('a')} {len(session)} {null}"

    rv = client.get("/null")
    assert rv.text == "None 0 True"
    assert rv.headers.getlist("Set-Cookie") == []


def test_tampered_cookie_gives_fresh_empty_session(client):
    client.get("/set/user/ann")
    value = client.get_cookie("session").value
    client.set_cookie("session", with_forged_payload(value, {"user": "admin"}))
    assert client.get("/get/user").text == "None"


def test_garbage_cookie_gives_fresh_empty_session(client):
    client.set_cookie("session", "not-a-signed-value")
    assert client.get("/get/user").text == "None"


def test_cookie_signed_with_other_key_is_rejected(app, client):
    client.set_cookie("session", serializer(app, "some other key").dumps({"user": "mallory"}))
    assert client.get("/get/user").text == "None"


def test_cookie_signed_with_current_key_is_accepted(app, client):
    client.set_cookie("session", serializer(app, "test secret").dumps({"user": "ann"}))
    assert client.get("/get/user").text == "ann"


def test_cookie_older_than_lifetime_gives_empty_session(app, client):
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=1)
    issued = int(time.time()) - 2 * 3600
    cookie = serializer(app, "test secret", issued).dumps({"user": "ann", "_permanent": True})
    client.set_cookie("session", cookie)
    assert client.get("/get/user").text == "None"


def test_cookie_younger_than_lifetime_is_accepted(app, client):
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=1)
    issued = int(time.time()) - 10 * 60
    cookie = serializer(app, "test secret", issued).dumps({"user": "ann", "_permanent": True})
    client.set_cookie("session", cookie)
    assert client.get("/get/user").text == "ann"


def test_cookie_signed_with_fallback_key_is_accepted(app, client):
    app.config["SECRET_KEY_FALLBACKS"] = ["retired key"]
    client.set_cookie("session", serializer(app, "retired key").dumps({"user": "ann"}))
    assert client.get("/get/user").text == "ann"


def test_new_cookie_is_signed_with_current_key_not_fallback(app, client):
    app.config["SECRET_KEY_FALLBACKS"] = ["retired key"]
    client.set_cookie("session", serializer(app, "retired key").dumps({"user": "ann"}))
    client.get("/set/theme/dark")
    value = client.get_cookie("session").value
    assert serializer(app, "test secret").loads(value) == {"user": "ann", "theme": "dark"}
    with pytest.raises(BadSignature):
        serializer(app, "retired key").loads(value)


# --- Vary: Cookie ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "access",
    [
        lambda: session.get("user"),
        lambda: "user" in session,
        lambda: len(session),
        lambda: session["user"],
        lambda: list(session.keys()),
    ],
    ids=["get", "in", "len", "getitem", "keys"],
)
def test_response_varies_on_cookie_when_session_was_read(app, client, access):
    @app.get("/access")
    def read():
        access()
        return ""

    client.get("/set/user/ann")
    assert "Cookie" in client.get("/access").vary


def test_response_varies_on_cookie_when_session_was_written(client):
    assert "Cookie" in client.get("/set/user/ann").vary


def test_response_does_not_vary_on_cookie_when_session_untouched(client):
    client.get("/set/user/ann")
    assert "Cookie" not in client.get("/untouched").vary


def test_response_does_not_vary_on_cookie_without_a_session(client):
    assert "Cookie" not in client.get("/untouched").vary


# --- deleting -------------------------------------------------------------------------------


def test_emptying_session_deletes_cookie(client):
    client.get("/set/user/ann")
    rv = client.get("/clear")
    attrs = cookie_attrs(set_cookie_header(rv))
    assert attrs["max-age"] == "0"
    assert client.get_cookie("session") is None


def test_popping_last_key_deletes_cookie(app, client):
    @app.get("/logout")
    def logout():
        session.pop("user", None)
        return ""

    client.get("/set/user/ann")
    client.get("/logout")
    assert client.get_cookie("session") is None


def test_deleted_cookie_uses_configured_domain_and_path(app, client):
    app.config.update(SESSION_COOKIE_DOMAIN="example.com", SESSION_COOKIE_PATH="/app")
    client.set_cookie("session", serializer(app, "test secret").dumps({"user": "ann"}))
    attrs = cookie_attrs(set_cookie_header(client.get("/clear")))
    assert (attrs["domain"], attrs["path"], attrs["max-age"]) == ("example.com", "/app", "0")


# --- SessionInterface -----------------------------------------------------------------------


def test_default_session_interface_is_secure_cookie_interface(app):
    assert isinstance(app.session_interface, SecureCookieSessionInterface)
    assert isinstance(app.session_interface, SessionInterface)


class MemorySession(dict, SessionMixin):
    def __init__(self, initial=(), sid=None):
        super().__init__(initial)
        self.sid = sid


class MemorySessionInterface(SessionInterface):
    """Keeps session data server-side; the cookie only holds an id."""

    def __init__(self):
        self.store = {}

    def open_session(self, app, request):
        sid = request.cookies.get(self.get_cookie_name(app))
        if sid in self.store:
            return MemorySession(self.store[sid], sid=sid)
        return MemorySession(sid=uuid.uuid4().hex)

    def save_session(self, app, session, response):
        self.store[session.sid] = dict(session)
        response.set_cookie(self.get_cookie_name(app), session.sid, path=self.get_cookie_path(app))


def test_session_interface_can_be_replaced(app, client):
    app.session_interface = MemorySessionInterface()
    client.get("/set/user/ann")
    assert client.get("/get/user").text == "ann"
    sid = client.get_cookie("session").value
    assert app.session_interface.store[sid] == {"user": "ann"}


def test_open_session_returning_none_gives_null_session(app, client):
    class NoSessions(SessionInterface):
        def open_session(self, app, request):
            return None

        def save_session(self, app, session, response):
            raise AssertionError("null sessions are not saved")

    app.session_interface = NoSessions()

    @app.get("/null")
    def null():
        return str(app.session_interface.is_null_session(session))

    assert client.get("/null").text == "True"


def test_make_null_session_returns_recognised_null_session(app):
    interface = SessionInterface()
    null = interface.make_null_session(app)
    assert isinstance(null, NullSession)
    assert interface.is_null_session(null)
    assert not interface.is_null_session(SecureCookieSession())


def test_null_session_is_readable_but_rejects_writes():
    null = NullSession()
    assert null.get("a") is None
    with pytest.raises(RuntimeError, match="secret key"):
        null["a"] = 1


def test_session_interface_cookie_getters_read_config(app):
    app.config.update(
        SESSION_COOKIE_NAME="sid",
        SESSION_COOKIE_DOMAIN="example.org",
        SESSION_COOKIE_PATH="/x",
        SESSION_COOKIE_HTTPONLY=False,
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_PARTITIONED=True,
    )
    i = SessionInterface()
    assert i.get_cookie_name(app) == "sid"
    assert i.get_cookie_domain(app) == "example.org"
    assert i.get_cookie_path(app) == "/x"
    assert i.get_cookie_httponly(app) is False
    assert i.get_cookie_secure(app) is True
    assert i.get_cookie_samesite(app) == "Strict"
    assert i.get_cookie_partitioned(app) is True


def test_expiration_time_is_none_for_non_permanent_session(app):
    assert SessionInterface().get_expiration_time(app, SecureCookieSession()) is None


def test_expiration_time_is_now_plus_lifetime_for_permanent_session(app):
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=5)
    s = SecureCookieSession()
    s.permanent = True
    expires = SessionInterface().get_expiration_time(app, s)
    assert abs((expires - datetime.now(UTC) - timedelta(minutes=5)).total_seconds()) < 5


def test_should_set_cookie_follows_modified_and_refresh_rules(app):
    i = SessionInterface()
    plain, permanent, modified = SecureCookieSession(), SecureCookieSession(), SecureCookieSession()
    permanent.permanent = True
    modified["a"] = 1
    assert not i.should_set_cookie(app, plain)
    assert i.should_set_cookie(app, permanent)
    assert i.should_set_cookie(app, modified)
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    permanent.modified = False
    assert not i.should_set_cookie(app, permanent)


def test_overridden_cookie_getters_shape_the_session_cookie(app, client):
    class Custom(SecureCookieSessionInterface):
        def get_cookie_name(self, app):
            return "custom_sid"

        def get_cookie_domain(self, app):
            return "custom.example"

        def get_cookie_path(self, app):
            return "/custom"

        def get_cookie_httponly(self, app):
            return False

        def get_cookie_secure(self, app):
            return True

        def get_cookie_samesite(self, app):
            return "Strict"

        def get_cookie_partitioned(self, app):
            return True

    app.session_interface = Custom()
    attrs = cookie_attrs(set_cookie_header(client.get("/set/a/b"), "custom_sid"))
    assert attrs["domain"] == "custom.example"
    assert attrs["path"] == "/custom"
    assert "httponly" not in attrs
    assert "secure" in attrs
    assert attrs["samesite"] == "Strict"
    assert "partitioned" in attrs


def test_overridden_cookie_name_is_used_to_read_the_session(app, client):
    class Renamed(SecureCookieSessionInterface):
        def get_cookie_name(self, app):
            return "renamed"

    app.session_interface = Renamed()
    client.get("/set/user/ann")
    assert client.get_cookie("renamed") is not None
    assert client.get("/get/user").text == "ann"


def test_overridden_should_set_cookie_can_suppress_the_cookie(app, client):
    class Never(SecureCookieSessionInterface):
        def should_set_cookie(self, app, session):
            return False

    app.session_interface = Never()
    assert set_cookie_header(client.get("/set/a/b")) is None


def test_overridden_expiration_time_sets_cookie_expiry(app, client):
    fixed = datetime(2040, 1, 2, 3, 4, 5, tzinfo=UTC)

    class Fixed(SecureCookieSessionInterface):
        def get_expiration_time(self, app, session):
            return fixed

    app.session_interface = Fixed()
    attrs = cookie_attrs(set_cookie_header(client.get("/set/a/b")))
    assert parsedate_to_datetime(attrs["expires"]) == fixed


class CountingInterface(SecureCookieSessionInterface):
    def __init__(self):
        self.opened = 0

    def open_session(self, app, request):
        self.opened += 1
        return super().open_session(app, request)


def test_open_session_is_called_when_view_reads_session(app, client):
    app.session_interface = counting = CountingInterface()
    client.get("/set/user/ann")
    counting.opened = 0
    assert client.get("/get/user").text == "ann"
    assert counting.opened == 1


# kolba-specific: the session cookie is decoded lazily, on first use of `session`; Flask
# opens the session on every request.
def test_session_cookie_is_not_decoded_when_view_ignores_session_and_refresh_is_off(app, client):
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    app.session_interface = counting = CountingInterface()
    client.get("/set/user/ann")
    assert client.get_cookie("session") is not None
    counting.opened = 0
    assert client.get("/untouched").text == "no session here"
    assert counting.opened == 0


class _StoreDownInterface(SecureCookieSessionInterface):
    """Saving fails the way a server-side store that is down does: with a 503."""

    saves = 0

    def save_session(self, app, session, response):
        type(self).saves += 1
        raise ServiceUnavailable("The session store is not answering.")


def test_http_error_while_saving_the_session_goes_to_the_error_handlers():
    app = Kolba(__name__)
    app.secret_key = "dev"
    app.session_interface = _StoreDownInterface()
    _StoreDownInterface.saves = 0

    @app.route("/write")
    def write():
        session["a"] = 1
        return "written"

    @app.errorhandler(503)
    def busy(error):
        return {"error": "busy", "detail": error.description}, 503

    @app.after_request
    def tag(response):
        response.headers["X-Request-Id"] = "abc"
        return response

    response = app.test_client().get("/write")
    assert response.status_code == 503
    assert response.get_json() == {"error": "busy", "detail": "The session store is not answering."}
    assert response.headers["X-Request-Id"] == "abc"
    assert _StoreDownInterface.saves == 1


# --- verified cookies are remembered, their age is not --------------------------------------


def client_seen_with(app, data):
    """A client whose session cookie holds `data` and has been verified once by the app."""
    cookie = serializer(app, "test secret").dumps(data)
    client = app.test_client()
    client.set_cookie("session", cookie)
    assert client.get("/get/user").text == str(data.get("user"))
    return client, cookie


def test_a_remembered_cookie_still_expires(app, monkeypatch):
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=60)
    client, _ = client_seen_with(app, {"user": "eve"})
    assert client.get("/get/user").text == "eve"  # now answered from the verified cookies
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 120)
    assert client.get("/get/user").text == "None"


def test_a_remembered_cookie_is_not_accepted_under_another_key(app):
    client, _ = client_seen_with(app, {"user": "eve"})
    app.config["SECRET_KEY"] = "rotated secret"
    assert client.get("/get/user").text == "None"


def test_each_request_gets_its_own_session_dict_from_a_remembered_cookie(app):
    cookie = serializer(app, "test secret").dumps({"items": ["a"]})

    @app.get("/append")
    def append():
        session["items"].append("b")
        return ",".join(session["items"])

    client = app.test_client()
    client.set_cookie("session", cookie)
    assert client.get("/append").text == "a,b"
    client.set_cookie("session", cookie)
    assert client.get("/append").text == "a,b"


def test_a_forged_payload_is_refused_after_the_genuine_cookie_was_seen(app):
    client, cookie = client_seen_with(app, {"user": "eve"})
    client.set_cookie("session", with_forged_payload(cookie, {"user": "admin"}))
    assert client.get("/get/user").text == "None"
