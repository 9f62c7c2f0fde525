"""What is stored in Redis: tagged JSON or msgpack, and never pickle. A payload that is neither
(a pickle planted by an attacker or left by Flask-Session) is refused and logged, not run."""

from __future__ import annotations

import json
import logging
import os
import pickle

import pytest
from redis_session_app import create_app

from kolba_session_redis import PayloadRefused, serialization


class Exploit:
    """Unpickling this creates a directory: proof that the payload ran."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (os.mkdir, (str(self.path),))


def stored(redis_server, client):
    sid = client.get_cookie("session").value
    return redis_server.admin.get(f"session:{sid}")


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickle_payload_planted_in_redis_is_refused_and_logged_not_executed(
    app, redis_server, tmp_path, caplog, protocol
):
    marker = tmp_path / "pwned"
    planted = "p" * 43
    redis_server.admin.set(
        f"session:{planted}", pickle.dumps({"user": "admin", "x": Exploit(marker)}, protocol)
    )
    client = app.test_client()
    client.set_cookie("session", planted)
    with caplog.at_level(logging.WARNING, logger="kolba_session_redis"):
        assert client.get("/whoami").json == {"user": None}
    assert not marker.exists()
    assert "Refused the session" in caplog.text
    if protocol >= 2:
        assert "pickle" in caplog.text

    client.post("/set/colour", data={"value": "teal"})
    assert client.get_cookie("session").value != planted


def test_the_planted_payload_would_run_if_unpickled(tmp_path):
    marker = tmp_path / "pwned"
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        pickle.loads(pickle.dumps({"x": Exploit(marker)}, protocol))
        assert marker.exists()
        marker.rmdir()


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"[1, 2]",
        b'"a string"',
        b'{"unclosed": ',
        b'{" t": 5}',
        b'{" di": {}}',
        b'{" b": "not base64!"}',
        b'{" u": "not a uuid"}',
        b"\x80",
        b"\x80\x04garbage",
        b"\x81\xa1a",
        b"\x92\x01\x02",
        b"(dp0\nS'user'\np1\nS'admin'\np2\ns.",
    ],
)
def test_unreadable_payloads_are_refused(raw):
    with pytest.raises(PayloadRefused):
        serialization.loads(raw)


def test_refused_payload_gives_a_new_session_not_an_error(app, redis_server):
    planted = "q" * 43
    redis_server.admin.set(f"session:{planted}", b'{" t": 5}')
    client = app.test_client()
    client.set_cookie("session", planted)
    response = client.post("/set/colour", data={"value": "teal"})
    assert response.status_code == 200
    assert client.get_cookie("session").value != planted


def test_json_format_stores_tagged_json(app, redis_server):
    client = app.test_client()
    client.post("/set/colour", data={"value": "teal"})
    assert json.loads(stored(redis_server, client)) == {"colour": "teal"}


def test_msgpack_format_stores_msgpack(redis_server):
    msgpack = pytest.importorskip("msgpack")
    app = create_app(SESSION_REDIS_URL=redis_server.url, SESSION_SERIALIZATION_FORMAT="msgpack")
    client = app.test_client()
    client.post("/set/colour", data={"value": "teal"})
    assert msgpack.unpackb(stored(redis_server, client)) == {"colour": "teal"}


@pytest.mark.parametrize(("before", "after"), [("json", "msgpack"), ("msgpack", "json")])
def test_changing_the_format_keeps_existing_sessions(redis_server, before, after):
    pytest.importorskip("msgpack")
    first = create_app(SESSION_REDIS_URL=redis_server.url, SESSION_SERIALIZATION_FORMAT=before)
    client = first.test_client()
    client.post("/set/colour", data={"value": "teal"})

    second = create_app(SESSION_REDIS_URL=redis_server.url, SESSION_SERIALIZATION_FORMAT=after)
    other = second.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    assert other.get("/get/colour").json == {"value": "teal"}


def test_msgpack_payload_without_msgpack_installed_is_refused(monkeypatch):
    monkeypatch.setattr(serialization, "msgpack_available", lambda: False)
    with pytest.raises(PayloadRefused, match="msgpack package is not installed"):
        serialization.loads(b"\x81\xa1a\x01")
