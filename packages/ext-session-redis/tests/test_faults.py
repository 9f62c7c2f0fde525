"""Redis down, stalled or refusing writes: the request gets a clear 503 within the timeout, on
the load path (inside the view) and on the save path (after it), whether exceptions propagate
or not; and the app recovers by itself when Redis is back."""

from __future__ import annotations

import logging
import threading
import time

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from redis_session_app import create_app

from kolba import session
from kolba.cli import cli

# Exceptions propagate (TESTING on), or become responses (TESTING and PROPAGATE_EXCEPTIONS off).
MODES = [
    pytest.param({"TESTING": True}, id="testing"),
    pytest.param({"TESTING": False, "PROPAGATE_EXCEPTIONS": False}, id="production"),
]
#: What a request may take beyond the configured timeout.
SLACK = 0.5


def make_app(server, timeout=0.3, **config):
    return create_app(SESSION_REDIS_URL=server.url, SESSION_REDIS_TIMEOUT=timeout, **config)


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def assert_503(response):
    assert response.status_code == 503, response.get_data(as_text=True)
    assert "session store is not answering" in response.get_data(as_text=True)
    assert response.headers.get("Set-Cookie") is None


@pytest.mark.parametrize("mode", MODES)
def test_redis_down_gives_503_at_once(own_redis, mode):
    app = make_app(own_redis, **mode)
    client = app.test_client()
    client.post("/login", data={"user": "ann"})
    own_redis.stop()
    response, elapsed = timed(lambda: client.get("/whoami"))
    assert_503(response)
    assert elapsed < SLACK


def test_stalled_redis_gives_503_within_the_default_timeout(own_redis):
    app = create_app(SESSION_REDIS_URL=own_redis.url)
    assert app.config["SESSION_REDIS_TIMEOUT"] == 1.0
    client = app.test_client()
    client.post("/login", data={"user": "ann"})
    own_redis.pause(1.6)
    response, elapsed = timed(lambda: client.get("/whoami"))
    assert_503(response)
    assert 0.9 < elapsed < 1.0 + SLACK


@pytest.mark.parametrize("mode", MODES)
def test_redis_busy_in_debug_sleep_gives_503_within_the_timeout(own_redis, mode):
    app = make_app(own_redis, **mode)
    client = app.test_client()
    client.post("/login", data={"user": "ann"})
    sleeper = threading.Thread(
        target=own_redis.admin.execute_command, args=("DEBUG", "SLEEP", "1.2")
    )
    sleeper.start()
    time.sleep(0.1)
    response, elapsed = timed(lambda: client.get("/whoami"))
    sleeper.join()
    assert_503(response)
    assert elapsed < 0.3 + SLACK
    assert client.get("/whoami").json == {"user": "ann"}


@pytest.mark.parametrize("mode", MODES)
def test_failed_save_gives_503_not_500(own_redis, mode):
    app = make_app(own_redis, **mode)
    client = app.test_client()
    client.post("/set/colour", data={"value": "teal"})
    own_redis.pause(10, "WRITE")  # the GET of the load passes, the SET of the save waits
    try:
        response, elapsed = timed(lambda: client.post("/set/colour", data={"value": "plum"}))
    finally:
        own_redis.unpause()
    assert_503(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert elapsed < 0.3 + SLACK
    assert client.get("/get/colour").json == {"value": "teal"}


def test_failed_save_uses_the_apps_503_handler_and_keeps_other_headers(own_redis):
    app = make_app(own_redis, TESTING=False)

    @app.errorhandler(503)
    def busy(error):
        return {"error": "busy", "detail": error.description}, 503

    @app.after_request
    def add_header(response):
        response.headers["X-Request-Id"] = "abc"
        return response

    client = app.test_client()
    client.post("/set/colour", data={"value": "teal"})
    own_redis.pause(10, "WRITE")
    try:
        response = client.post("/set/colour", data={"value": "plum"})
    finally:
        own_redis.unpause()
    assert response.status_code == 503
    assert response.json["error"] == "busy"
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Content-Length"] == str(len(response.data))
    assert response.headers["X-Request-Id"] == "abc"


def test_error_page_that_reads_the_session_renders_after_a_failed_load(own_redis):
    app = make_app(own_redis, TESTING=False)
    calls = []

    @app.errorhandler(503)
    def busy(error):
        started = time.monotonic()
        user = session.get("user")  # answered at once, without asking Redis again
        calls.append(time.monotonic() - started)
        return {"error": "busy", "user": user}, 503

    client = app.test_client()
    client.post("/login", data={"user": "ann"})
    own_redis.stop()
    response = client.get("/whoami")
    assert response.status_code == 503
    assert response.json == {"error": "busy", "user": None}
    assert calls[0] < 0.05


def test_failures_are_logged(own_redis, caplog):
    app = make_app(own_redis)
    client = app.test_client()
    client.post("/login", data={"user": "ann"})
    own_redis.stop()
    with caplog.at_level(logging.WARNING, logger="kolba_session_redis"):
        client.get("/whoami")
    assert "Could not load a session, answering 503" in caplog.text
    assert "ConnectionError" in caplog.text


def test_app_recovers_by_itself_when_redis_restarts(own_redis):
    app = make_app(own_redis)
    client = app.test_client()
    client.post("/login", data={"user": "ann"})
    own_redis.stop()
    assert client.get("/whoami").status_code == 503
    assert client.post("/login", data={"user": "ann"}).status_code == 503
    own_redis.start()  # same port, empty: the old session is gone, so the old id is not used
    assert client.get("/whoami").json == {"user": None}
    assert client.post("/login", data={"user": "bob"}).status_code == 200
    assert client.get("/whoami").json == {"user": "bob"}


def test_sessions_are_intact_after_a_stall(own_redis):
    app = make_app(own_redis, timeout=0.2)
    client = app.test_client()
    client.post("/login", data={"user": "ann"})
    own_redis.pause(0.6)
    assert client.get("/whoami").status_code == 503
    time.sleep(0.6)
    assert client.get("/whoami").json == {"user": "ann"}


def test_pooled_connections_survive_a_restart(own_redis):
    app = make_app(own_redis)
    client = app.test_client()
    client.post("/set/colour", data={"value": "teal"})
    own_redis.restart()  # the pool still holds a connection to the old process
    client.post("/set/colour", data={"value": "plum"})
    assert client.get("/get/colour").json == {"value": "plum"}


def test_user_client_timeouts_apply(own_redis):
    client = redis.Redis(
        port=own_redis.port,
        socket_timeout=0.2,
        socket_connect_timeout=0.2,
        retry=Retry(NoBackoff(), 0),
    )
    app = create_app(SESSION_REDIS=client)
    client = app.test_client()
    client.post("/login", data={"user": "ann"})
    own_redis.pause(10, "WRITE")
    try:
        response, elapsed = timed(lambda: client.post("/login", data={"user": "bob"}))
    finally:
        own_redis.unpause()
    assert_503(response)
    assert elapsed < 0.2 + SLACK


def test_doctor_reports_redis_healthy(own_redis):
    result = make_app(own_redis).test_cli_runner().invoke(cli, ["doctor"])
    assert result.exit_code == 0, result.output
    assert "session-redis" in result.output
    assert "OK" in result.output


def test_doctor_reports_redis_down_quickly(own_redis):
    app = make_app(own_redis)
    own_redis.stop()
    result, elapsed = timed(lambda: app.test_cli_runner().invoke(cli, ["doctor"]))
    assert result.exit_code == 1
    assert "FAIL" in result.output
    assert "Redis did not answer PING" in result.output
    assert elapsed < 1.0


def test_doctor_reports_stalled_redis_within_the_timeout(own_redis):
    app = make_app(own_redis)
    own_redis.pause(1.5)
    result, elapsed = timed(lambda: app.test_cli_runner().invoke(cli, ["doctor"]))
    assert result.exit_code == 1
    assert "FAIL" in result.output
    assert elapsed < 0.3 + SLACK


SLOW_TO_FAIL = [
    pytest.param({}, id="redis-py-defaults"),
    pytest.param({"socket_timeout": 0.5}, id="default-retries"),
    pytest.param({"socket_timeout": None, "retry": Retry(NoBackoff(), 0)}, id="no-timeout"),
    pytest.param({"socket_timeout": 5.0, "socket_connect_timeout": 5.0}, id="long-timeouts"),
]


@pytest.mark.parametrize("options", SLOW_TO_FAIL)
def test_slow_to_fail_user_client_refused_connections_give_503_within_the_timeout(
    own_redis, options
):
    user_client = redis.Redis(port=own_redis.port, **options)
    app = create_app(SESSION_REDIS=user_client, SESSION_REDIS_TIMEOUT=0.3)
    client = app.test_client()
    client.post("/login", data={"user": "ann"})
    own_redis.stop()
    for path in ("/whoami", "/plain"):
        response, elapsed = timed(lambda path=path: client.get(path))
        assert_503(response)
        assert elapsed < 0.3 + SLACK
    response, elapsed = timed(lambda: client.post("/login", data={"user": "bob"}))
    assert elapsed < 0.3 + SLACK
    own_redis.start()
    assert client.post("/login", data={"user": "cat"}).json == {"user": "cat"}
    assert client.get("/whoami").json == {"user": "cat"}


@pytest.mark.parametrize("options", SLOW_TO_FAIL)
def test_slow_to_fail_user_client_stall_gives_503_within_the_timeout(own_redis, options):
    user_client = redis.Redis(port=own_redis.port, **options)
    app = create_app(SESSION_REDIS=user_client, SESSION_REDIS_TIMEOUT=0.3)
    client = app.test_client()
    client.post("/login", data={"user": "ann"})
    own_redis.pause(3)
    try:
        response, elapsed = timed(lambda: client.get("/whoami"))
    finally:
        own_redis.unpause()
    assert_503(response)
    assert elapsed < 0.3 + SLACK
    assert client.get("/whoami").json == {"user": "ann"}


def test_user_client_is_left_unchanged_for_its_other_uses(redis_server, caplog):
    user_client = redis.Redis(port=redis_server.port, socket_timeout=5.0)
    before = dict(user_client.connection_pool.connection_kwargs)
    with caplog.at_level(logging.WARNING, logger="kolba_session_redis"):
        app = create_app(SESSION_REDIS=user_client, SESSION_REDIS_TIMEOUT=0.3)
    assert caplog.text == ""
    assert user_client.connection_pool.connection_kwargs == before
    assert user_client.get_retry().get_retries() == 10
    interface = app.extensions["session"].interface
    assert interface.client is not user_client
    kwargs = interface.client.connection_pool.connection_kwargs
    assert kwargs["socket_timeout"] == 0.3
    assert kwargs["retry"].get_retries() == 0
    assert kwargs["port"] == redis_server.port


def test_fast_failing_user_client_is_not_warned_about(redis_server, caplog):
    client = redis.Redis(port=redis_server.port, socket_timeout=0.5, retry=Retry(NoBackoff(), 0))
    with caplog.at_level(logging.WARNING, logger="kolba_session_redis"):
        create_app(SESSION_REDIS=client)
    assert caplog.text == ""


def test_client_made_from_the_url_fails_fast_without_a_warning(redis_server, caplog):
    with caplog.at_level(logging.WARNING, logger="kolba_session_redis"):
        create_app(SESSION_REDIS_URL=redis_server.url)
    assert caplog.text == ""
