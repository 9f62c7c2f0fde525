"""Tests for the Redis sessions recipe, against a redis-server started on a free port.

Without redis-server the tests are skipped, except with ``CI`` set, where they fail.
"""

import shutil
import subprocess
import time

import pytest
import redis
from redis_sessions_recipe import create_app

from kolba.pytest_plugin import free_port, service_unavailable


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    executable = shutil.which("redis-server")
    if executable is None:
        service_unavailable("redis-server is not installed (Debian package redis-server)")
    port = free_port()
    argv = [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    argv += ["--appendonly", "no", "--daemonize", "no"]
    argv += ["--dir", str(tmp_path_factory.mktemp("redis"))]
    server = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    probe = redis.Redis(port=port, socket_timeout=1)
    deadline = time.monotonic() + 10
    while True:
        try:
            probe.ping()
            break
        except redis.ConnectionError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"redis-server did not start on port {port}")
            time.sleep(0.02)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(10)


@pytest.fixture
def store(redis_url):
    client = redis.Redis.from_url(redis_url)
    client.flushall()
    return client


@pytest.fixture
def client(redis_url, store):
    return create_app({"SESSION_REDIS_URL": redis_url}).test_client()


def log_in(client, password="correct horse"):
    return client.post("/login", data={"username": "ann", "password": password})


def session_id(client):
    return client.get_cookie("session").value


def test_anonymous_visitor_is_not_signed_in(client):
    assert client.get("/").text == "You are not signed in."


def test_login_stores_the_session_in_redis(client, store):
    response = log_in(client)
    assert response.status_code == 302
    assert client.get("/").text == "Signed in as ann. Cart: empty."
    assert store.keys() == [f"session:{session_id(client)}".encode()]


def test_wrong_password_is_refused_and_stores_nothing(client, store):
    assert log_in(client, password="guess").status_code == 401
    assert store.keys() == []


def test_login_regenerates_the_id_and_keeps_the_cart(client, store):
    client.post("/cart", data={"item": "tea"})
    before = session_id(client)
    log_in(client)
    assert session_id(client) != before
    assert store.keys() == [f"session:{session_id(client)}".encode()]
    assert client.get("/").text == "Signed in as ann. Cart: tea."


def test_id_from_before_login_is_worthless(client, redis_url):
    client.post("/cart", data={"item": "tea"})
    planted = session_id(client)
    log_in(client)
    attacker = create_app({"SESSION_REDIS_URL": redis_url}).test_client()
    attacker.set_cookie("session", planted)
    assert attacker.get("/").text == "You are not signed in."


def test_logout_deletes_the_session_and_the_cookie(client, store):
    log_in(client)
    client.post("/logout")
    assert store.keys() == []
    assert client.get_cookie("session") is None
    assert client.get("/").text == "You are not signed in."


def test_a_second_app_process_sees_the_same_session(client, redis_url):
    log_in(client)
    other_worker = create_app({"SESSION_REDIS_URL": redis_url}).test_client()
    other_worker.set_cookie("session", session_id(client))
    assert other_worker.get("/").text == "Signed in as ann. Cart: empty."
