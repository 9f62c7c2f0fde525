"""Flask-Session 0.8's documented behaviour for Redis: ``Session(app)`` and ``init_app`` set
``app.session_interface`` at once; the ``SESSION_*`` keys have the documented defaults (except the
deliberate ones of the porting guide) and an invalid value raises ``ValueError``; the interface can
be assigned by hand; and the modules ``base`` and ``redis`` hold the documented classes."""

import pytest
import redis

from kolba import Kolba, session
from kolba_session_redis import Session
from kolba_session_redis.base import ServerSideSession, ServerSideSessionInterface
from kolba_session_redis.redis import RedisSession, RedisSessionInterface


def make_app(redis_server=None, **config):
    app = Kolba(__name__)
    app.config.update(SECRET_KEY="test secret", **config)
    if redis_server is not None:
        app.config.setdefault("SESSION_REDIS", redis.Redis.from_url(redis_server.url))

    @app.route("/set/")
    def set_():
        session["key"] = "value"
        return "ok"

    @app.route("/get/")
    def get():
        return session.get("key", "not set")

    return app


def test_documented_classes_live_in_the_base_and_redis_modules():
    assert issubclass(RedisSession, ServerSideSession)
    assert issubclass(RedisSessionInterface, ServerSideSessionInterface)
    assert RedisSessionInterface.session_class is RedisSession


def test_session_app_sets_the_session_interface_at_once():
    app = make_app(SESSION_TYPE="redis")
    Session(app)
    assert isinstance(app.session_interface, RedisSessionInterface)


def test_init_app_in_an_app_factory_sets_the_session_interface():
    sess = Session()
    app = make_app(SESSION_TYPE="redis")
    sess.init_app(app)
    assert isinstance(app.session_interface, RedisSessionInterface)


def test_documented_defaults():
    app = make_app()
    Session(app)
    config = app.config
    assert config["SESSION_PERMANENT"] is True
    assert config["SESSION_USE_SIGNER"] is False
    assert config["SESSION_KEY_PREFIX"] == "session:"
    assert config["SESSION_ID_LENGTH"] == 32
    assert config["SESSION_REDIS"] is None
    interface = app.session_interface
    assert (interface.key_prefix, interface.permanent, interface.sid_length) == (
        "session:",
        True,
        32,
    )


def test_session_type_is_case_insensitive():
    app = make_app(SESSION_TYPE="Redis")
    Session(app)
    assert isinstance(app.session_interface, RedisSessionInterface)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("SESSION_TYPE", "memcached"),
        ("SESSION_TYPE", "null"),
        ("SESSION_SERIALIZATION_FORMAT", "pickle"),
        ("SESSION_ID_LENGTH", "32"),
        ("SESSION_PERMANENT", "yes"),
    ],
)
def test_invalid_config_raises_value_error_naming_the_key(key, value):
    app = make_app(**{key: value})
    with pytest.raises(ValueError, match=key):
        Session(app)


def test_invalid_session_type_says_it_is_unrecognized():
    with pytest.raises(ValueError, match="Unrecognized value for SESSION_TYPE"):
        Session(make_app(SESSION_TYPE="filesystem"))


def test_quickstart_sets_and_gets_a_session_value(redis_server):
    app = make_app(redis_server, SESSION_TYPE="redis")
    Session(app)
    client = app.test_client()
    assert client.get("/get/").text == "not set"
    assert client.get("/set/").text == "ok"
    assert client.get("/get/").text == "value"


def test_session_data_is_stored_under_the_key_prefix(redis_server):
    app = make_app(redis_server, SESSION_KEY_PREFIX="myapp:")
    Session(app)
    client = app.test_client()
    client.get("/set/")
    sid = client.get_cookie("session").value
    assert redis_server.keys("myapp:*") == [f"myapp:{sid}".encode()]


def test_session_id_length_sets_the_entropy_of_the_id(redis_server):
    app = make_app(redis_server, SESSION_ID_LENGTH=48)
    Session(app)
    client = app.test_client()
    client.get("/set/")
    assert len(client.get_cookie("session").value) == 64  # 48 bytes, URL-safe base64


def test_non_permanent_sessions_get_a_browser_session_cookie(redis_server):
    app = make_app(redis_server, SESSION_PERMANENT=False)
    Session(app)
    response = app.test_client().get("/set/")
    cookie = response.headers["Set-Cookie"]
    assert "Expires" not in cookie


def test_permanent_sessions_get_an_expiring_cookie(redis_server):
    app = make_app(redis_server)
    Session(app)
    assert "Expires=" in app.test_client().get("/set/").headers["Set-Cookie"]


def test_use_signer_signs_the_session_id_in_the_cookie(redis_server):
    app = make_app(redis_server, SESSION_USE_SIGNER=True)
    Session(app)
    client = app.test_client()
    client.get("/set/")
    value = client.get_cookie("session").value
    sid, _, signature = value.partition(".")
    assert signature
    assert redis_server.keys(f"session:{sid}")
    assert client.get("/get/").text == "value"


def test_interface_assigned_by_hand_serves_sessions(redis_server):
    app = make_app()
    app.session_interface = RedisSessionInterface(client=redis.Redis.from_url(redis_server.url))
    client = app.test_client()
    client.get("/set/")
    assert client.get("/get/").text == "value"


def test_interface_without_a_client_uses_local_redis():
    interface = RedisSessionInterface()
    kwargs = interface.client.connection_pool.connection_kwargs
    assert (kwargs["host"], kwargs["port"]) == ("127.0.0.1", 6379)


def test_interface_regenerate_gives_the_session_a_new_id(redis_server):
    app = make_app(redis_server)
    Session(app)

    @app.route("/regenerate/")
    def regenerate():
        app.session_interface.regenerate(session)
        return session.sid

    client = app.test_client()
    client.get("/set/")
    old = client.get_cookie("session").value
    new = client.get("/regenerate/").text
    assert new != old
    assert client.get_cookie("session").value == new
    assert client.get("/get/").text == "value"
    assert not redis_server.keys(f"session:{old}")
