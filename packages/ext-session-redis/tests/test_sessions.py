"""Sessions kept in a real Redis: what is stored, what the cookie holds, how many round trips a
request costs, and the safety rules (random ids, no fixation, regenerate, logout)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import redis
from markupsafe import Markup
from redis_session_app import create_app

from kolba import session
from kolba.testing import KolbaClient
from kolba_session_redis import RedisSession, RedisSessionInterface

SID = re.compile(r"[A-Za-z0-9_-]{43}")  # 32 random bytes, URL-safe base64


class CountingConnection(redis.Connection):
    """Records every packet sent to Redis: one a round trip (a pipeline is one packet)."""

    packets: list[bytes]

    def send_packed_command(self, command: object, check_health: bool = True) -> None:
        chunks = command if isinstance(command, list) else [command]
        self.packets.append(b"".join(bytes(chunk) for chunk in chunks))
        super().send_packed_command(command, check_health)


class RoundTrips:
    """The Redis round trips of an app whose SESSION_REDIS client counts them."""

    def __init__(self, port: int) -> None:
        self.packets: list[bytes] = []
        connection_class = type("Counting", (CountingConnection,), {"packets": self.packets})
        pool = redis.ConnectionPool(connection_class=connection_class, port=port, socket_timeout=5)
        self.client = redis.Redis(connection_pool=pool)
        self.client.ping()  # connect now, so the handshake is not counted
        self.reset()

    def reset(self) -> None:
        self.packets.clear()

    def commands(self) -> list[list[str]]:
        """Each round trip's command names."""
        return [
            [name.decode() for name in re.findall(rb"\*\d+\r\n\$\d+\r\n([A-Z]+)\r\n", packet)]
            for packet in self.packets
        ]


@pytest.fixture
def trips(redis_server):
    return RoundTrips(redis_server.port)


def session_cookie(response, name="session"):
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{name}="):
            return header
    return None


def cookie_value(client: KolbaClient, name: str = "session") -> str | None:
    cookie = client.get_cookie(name)
    return None if cookie is None else cookie.value


def test_session_round_trips_through_redis(app, redis_server):
    client = app.test_client()
    client.post("/set/colour", data={"value": "teal"})
    assert client.get("/get/colour").json == {"value": "teal"}
    sid = cookie_value(client)
    assert redis_server.keys() == [f"session:{sid}".encode()]


def test_cookie_holds_only_a_random_id(app, redis_server):
    client = app.test_client()
    client.post("/set/colour", data={"value": "teal"})
    sid = cookie_value(client)
    assert SID.fullmatch(sid)
    assert b"teal" in redis_server.admin.get(f"session:{sid}")


def test_each_new_session_gets_its_own_id(app):
    ids = set()
    for _ in range(20):
        client = app.test_client()
        client.post("/set/n", data={"value": "1"})
        ids.add(cookie_value(client))
    assert len(ids) == 20


def test_request_that_does_not_use_the_session_costs_nothing_without_refresh(redis_server, trips):
    app = create_app(SESSION_REDIS=trips.client, SESSION_REFRESH_EACH_REQUEST=False)
    client = app.test_client()
    client.post("/set/colour", data={"value": "teal"})
    trips.reset()
    response = client.get("/plain")
    assert trips.commands() == []
    assert session_cookie(response) is None
    assert "Cookie" not in response.vary


def test_permanent_session_slides_forward_on_a_request_that_ignores_it(redis_server, trips):
    app = create_app(SESSION_REDIS=trips.client)
    client = app.test_client()
    client.post("/set/colour", data={"value": "teal"})
    trips.reset()
    response = client.get("/plain")
    assert [command[0] for command in trips.commands()] == ["GET", "EXPIRE"]
    assert session_cookie(response) is not None
    assert client.get("/get/colour").json == {"value": "teal"}


def test_new_visitor_reading_the_session_costs_no_round_trip(redis_server, trips):
    app = create_app(SESSION_REDIS=trips.client)
    response = app.test_client().get("/whoami")
    assert response.json == {"user": None}
    assert trips.commands() == []
    assert session_cookie(response) is None
    assert redis_server.keys() == []


def test_session_vary_cookie_on_read(app):
    client = app.test_client()
    client.post("/set/colour", data={"value": "teal"})
    response = client.get("/get/colour")
    assert "Cookie" in response.vary


def test_read_is_one_get_and_an_unchanged_session_is_not_written(redis_server, trips):
    app = create_app(SESSION_REDIS=trips.client, SESSION_REFRESH_EACH_REQUEST=False)
    client = app.test_client()
    client.post("/set/colour", data={"value": "teal"})
    trips.reset()
    response = client.get("/get/colour")
    assert response.json == {"value": "teal"}
    assert trips.commands() == [["GET"]]
    assert session_cookie(response) is None


def test_refresh_each_request_refreshes_the_ttl_with_one_expire(redis_server, trips):
    app = create_app(SESSION_REDIS=trips.client, PERMANENT_SESSION_LIFETIME=600)
    client = app.test_client()
    client.post("/set/colour", data={"value": "teal"})
    key = f"session:{cookie_value(client)}"
    redis_server.admin.expire(key, 30)
    trips.reset()
    response = client.get("/get/colour")
    assert trips.commands() == [["GET"], ["EXPIRE"]]
    assert 590 < redis_server.admin.ttl(key) <= 600
    assert "Expires=" in session_cookie(response)


def test_write_is_one_set_with_its_expiry(redis_server, trips):
    app = create_app(SESSION_REDIS=trips.client, PERMANENT_SESSION_LIFETIME=timedelta(hours=1))
    client = app.test_client()
    client.post("/set/colour", data={"value": "teal"})
    trips.reset()
    client.post("/set/colour", data={"value": "plum"})
    assert trips.commands() == [["GET"], ["SET"]]
    assert b"\r\nEX\r\n" in trips.packets[1]  # the expiry travels with the SET
    assert 3590 < redis_server.admin.ttl(f"session:{cookie_value(client)}") <= 3600


def test_setting_the_same_value_again_does_not_write(redis_server, trips):
    app = create_app(SESSION_REDIS=trips.client, SESSION_REFRESH_EACH_REQUEST=False)
    client = app.test_client()
    client.post("/set/colour", data={"value": "teal"})
    trips.reset()
    client.post("/set/colour", data={"value": "teal"})
    assert trips.commands() == [["GET"]]


def test_changes_inside_a_stored_value_need_modified(app, redis_server):
    @app.post("/append")
    def append():
        session.setdefault("items", []).append("x")
        if "mark" in session:
            session.modified = True
        return {"items": session["items"]}

    client = app.test_client()
    client.post("/set/colour", data={"value": "teal"})
    client.post("/append")
    client.post("/append")
    assert client.get("/get/items").json == {"value": ["x"]}
    client.post("/set/mark", data={"value": "1"})
    client.post("/append")
    assert client.get("/get/items").json == {"value": ["x", "x"]}


def test_unknown_session_id_is_never_adopted(app, redis_server):
    planted = "attacker-chosen-id-0123456789abcdef"
    client = app.test_client()
    client.set_cookie("session", planted)
    client.post("/set/colour", data={"value": "teal"})
    sid = cookie_value(client)
    assert sid != planted
    assert SID.fullmatch(sid)
    assert redis_server.keys() == [f"session:{sid}".encode()]


@pytest.mark.parametrize(
    "value", ["short", "../../etc/passwd", "a" * 600, "session:*", "id with spaces 0123456789"]
)
def test_malformed_session_cookie_is_ignored_without_a_lookup(redis_server, trips, value):
    app = create_app(SESSION_REDIS=trips.client)
    client = app.test_client()
    client.set_cookie("session", value)
    assert client.get("/whoami").json == {"user": None}
    assert trips.commands() == []


def test_login_regenerates_the_id_and_deletes_the_old_key(app, redis_server):
    client = app.test_client()
    client.post("/set/cart", data={"value": "tea"})
    before = cookie_value(client)
    client.post("/login", data={"user": "ann"})
    after = cookie_value(client)
    assert after != before
    assert redis_server.keys() == [f"session:{after}".encode()]
    assert client.get("/whoami").json == {"user": "ann"}
    assert client.get("/get/cart").json == {"value": "tea"}


def test_regenerate_is_one_round_trip(redis_server, trips):
    app = create_app(SESSION_REDIS=trips.client)
    client = app.test_client()
    client.post("/set/cart", data={"value": "tea"})
    trips.reset()
    client.post("/login", data={"user": "ann"})
    assert trips.commands() == [["GET"], ["DEL", "SET"]]


def test_old_id_is_worthless_after_login(app):
    victim = app.test_client()
    victim.post("/set/cart", data={"value": "tea"})
    known_before_login = cookie_value(victim)
    victim.post("/login", data={"user": "ann"})

    attacker = app.test_client()
    attacker.set_cookie("session", known_before_login)
    assert attacker.get("/whoami").json == {"user": None}


def test_interface_regenerate_is_flask_session_spelling(app, redis_server):
    @app.post("/rotate")
    def rotate():
        app.session_interface.regenerate(session)
        return {"sid": session.sid}

    client = app.test_client()
    client.post("/set/colour", data={"value": "teal"})
    before = cookie_value(client)
    assert client.post("/rotate").json == {"sid": cookie_value(client)}
    assert cookie_value(client) != before
    assert client.get("/get/colour").json == {"value": "teal"}


def test_logout_deletes_the_key_and_the_cookie(app, redis_server):
    client = app.test_client()
    client.post("/login", data={"user": "ann"})
    response = client.post("/logout")
    assert redis_server.keys() == []
    assert "Max-Age=0" in session_cookie(response)
    assert cookie_value(client) is None
    assert client.get("/whoami").json == {"user": None}


def test_clear_after_regenerate_deletes_the_old_key(app, redis_server):
    @app.post("/reset")
    def reset():
        session.regenerate()
        session.clear()
        return ""

    client = app.test_client()
    client.post("/set/colour", data={"value": "teal"})
    client.post("/reset")
    assert redis_server.keys() == []


def test_session_deleted_by_a_concurrent_request_is_not_written_back(app, redis_server):
    @app.post("/slow-write")
    def slow_write():
        session.get("user")
        # Another request logs the same session out while this one runs.
        redis_server.admin.delete(f"session:{session.sid}")
        session["cart"] = "tea"
        return ""

    client = app.test_client()
    client.post("/set/user", data={"value": "ann"})
    client.post("/slow-write")
    assert redis_server.keys() == []


def test_id_collision_never_overwrites_another_session(app, redis_server, monkeypatch):
    owner = app.test_client()
    owner.post("/set/user", data={"value": "ann"})
    taken = cookie_value(owner)
    interface: RedisSessionInterface = app.extensions["session"].interface
    ids = iter([taken, "f" * 43])
    monkeypatch.setattr(interface, "generate_sid", lambda: next(ids))

    newcomer = app.test_client()
    newcomer.post("/set/user", data={"value": "bob"})
    assert cookie_value(newcomer) == "f" * 43
    assert owner.get("/get/user").json == {"value": "ann"}


def test_session_permanent_false_gives_a_browser_session_cookie(redis_server):
    app = create_app(
        SESSION_REDIS_URL=redis_server.url, SESSION_PERMANENT=False, PERMANENT_SESSION_LIFETIME=300
    )
    client = app.test_client()
    response = client.post("/set/colour", data={"value": "teal"})
    assert "Expires=" not in session_cookie(response)
    assert 290 < redis_server.admin.ttl(f"session:{cookie_value(client)}") <= 300


def test_view_can_make_one_session_permanent(redis_server):
    app = create_app(SESSION_REDIS_URL=redis_server.url, SESSION_PERMANENT=False)

    @app.post("/remember")
    def remember():
        session.permanent = True
        session["user"] = "ann"
        return ""

    client = app.test_client()
    response = client.post("/remember")
    assert "Expires=" in session_cookie(response)
    response = client.get("/whoami")
    assert "Expires=" in session_cookie(response)  # refreshed: still permanent


def test_permanent_flag_alone_is_not_stored(app, redis_server):
    @app.post("/flag")
    def flag():
        session.permanent = False
        return ""

    app.test_client().post("/flag")
    assert redis_server.keys() == []


def test_session_cookie_config_applies(redis_server):
    app = create_app(
        SESSION_REDIS_URL=redis_server.url,
        SESSION_COOKIE_NAME="sid",
        SESSION_COOKIE_DOMAIN="example.org",
        SESSION_COOKIE_PATH="/app",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=False,
        SESSION_COOKIE_PARTITIONED=True,
    )
    response = app.test_client().post("/set/colour", data={"value": "teal"})
    header = session_cookie(response, "sid")
    for part in ("Domain=example.org", "Path=/app", "Secure", "SameSite=Lax", "Partitioned"):
        assert part in header
    assert "HttpOnly" not in header


def test_key_prefix_applies(redis_server):
    app = create_app(SESSION_REDIS_URL=redis_server.url, SESSION_KEY_PREFIX="shop:sess:")
    client = app.test_client()
    client.post("/set/colour", data={"value": "teal"})
    assert redis_server.keys() == [f"shop:sess:{cookie_value(client)}".encode()]


def test_session_id_length_applies(redis_server):
    app = create_app(SESSION_REDIS_URL=redis_server.url, SESSION_ID_LENGTH=64)
    client = app.test_client()
    client.post("/set/colour", data={"value": "teal"})
    assert len(cookie_value(client)) == 86


def test_signed_ids(redis_server):
    app = create_app(SESSION_REDIS_URL=redis_server.url, SESSION_USE_SIGNER=True)
    client = app.test_client()
    client.post("/set/colour", data={"value": "teal"})
    sid, _, signature = cookie_value(client).partition(".")
    assert SID.fullmatch(sid) and signature
    assert redis_server.keys() == [f"session:{sid}".encode()]
    assert client.get("/get/colour").json == {"value": "teal"}

    forger = app.test_client()
    forger.set_cookie("session", sid)  # the right id without its signature
    assert forger.get("/get/colour").json == {"value": None}
    forger.set_cookie("session", f"{sid}.{'A' * len(signature)}")
    assert forger.get("/get/colour").json == {"value": None}


def test_signed_ids_survive_secret_key_rotation(redis_server):
    app = create_app(SESSION_REDIS_URL=redis_server.url, SESSION_USE_SIGNER=True)
    client = app.test_client()
    client.post("/set/colour", data={"value": "teal"})
    app.config.update(SECRET_KEY="new secret", SECRET_KEY_FALLBACKS=["test secret"])
    assert client.get("/get/colour").json == {"value": "teal"}


def test_sessions_work_without_secret_key_when_unsigned(redis_server):
    app = create_app(SESSION_REDIS_URL=redis_server.url, SECRET_KEY=None)
    client = app.test_client()
    client.post("/set/colour", data={"value": "teal"})
    assert client.get("/get/colour").json == {"value": "teal"}


@pytest.mark.parametrize("format", ["json", "msgpack"])
def test_tagged_types_round_trip(redis_server, format):
    pytest.importorskip("msgpack")
    app = create_app(SESSION_REDIS_URL=redis_server.url, SESSION_SERIALIZATION_FORMAT=format)
    value = {
        "tuple": (1, "two"),
        "bytes": b"\x00\xff",
        "when": datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "html": Markup("<b>hi</b>"),
        "nested": {"list": [1, {" t": "looks like a tag"}], "none": None},
        "unicode": "čaj 茶",
    }
    seen = {}

    @app.post("/store")
    def store():
        session["value"] = value
        return ""

    @app.get("/load")
    def load():
        seen.update(session["value"])
        return ""

    client = app.test_client()
    client.post("/store")
    client.get("/load")
    assert seen == value


def test_decode_responses_client_works(redis_server):
    client = redis.Redis(port=redis_server.port, decode_responses=True, socket_timeout=1)
    app = create_app(SESSION_REDIS=client)
    browser = app.test_client()
    browser.post("/set/colour", data={"value": "teal"})
    assert browser.get("/get/colour").json == {"value": "teal"}


def test_async_views_use_the_session(app):
    @app.post("/async-set")
    async def async_set():
        session["colour"] = "teal"
        return ""

    client = app.test_client()
    client.post("/async-set")
    assert client.get("/get/colour").json == {"value": "teal"}


def test_session_object_and_interface(app):
    client = app.test_client()
    client.get("/plain")  # start the app
    assert isinstance(app.session_interface, RedisSessionInterface)
    assert app.extensions["session"].interface is app.session_interface
    with app.test_request_context():
        assert isinstance(session._get_current_object(), RedisSession)
        assert session.new
        assert session.permanent
        assert SID.fullmatch(session.sid)
