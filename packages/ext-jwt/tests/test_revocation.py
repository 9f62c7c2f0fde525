"""Revocation in a real redis-server: the jti blocklist with a TTL of the token's remaining
lifetime, refresh rotation with reuse detection, two app processes sharing the store, and a
503 (never an unchecked request) when Redis is down or stalls."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
import time
import typing as t
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import redis
from conftest import RedisServer, bearer
from jwt_app import create_app

import kolba
from kolba.pytest_plugin import free_port
from kolba_jwt import create_access_token, decode_token, jwt_required, revoke_token

HERE = Path(__file__).parent


def login(client: t.Any) -> dict[str, str]:
    tokens: dict[str, str] = client.post("/login").json
    return tokens


def test_logout_revokes_the_access_token(redis_server: RedisServer) -> None:
    client = create_app(JWT_REDIS_URL=redis_server.url).test_client()
    tokens = login(client)
    assert client.get("/protected", headers=bearer(tokens["access_token"])).status_code == 200
    assert client.delete("/logout", headers=bearer(tokens["access_token"])).status_code == 200
    response = client.get("/protected", headers=bearer(tokens["access_token"]))
    assert response.status_code == 401
    assert response.json == {"msg": "Token has been revoked"}


def test_blocklist_entry_lives_as_long_as_the_token(redis_server: RedisServer) -> None:
    app = create_app(JWT_REDIS_URL=redis_server.url)
    with app.app_context():
        data = decode_token(
            create_access_token("alice", expires_delta=datetime.timedelta(minutes=5))
        )
        revoke_token(data)
    ttl = redis_server.admin.ttl(f"jwt:revoked:{data['jti']}")
    assert 290 <= ttl <= 301


def test_revoking_a_token_without_exp_uses_no_ttl(redis_server: RedisServer) -> None:
    app = create_app(JWT_REDIS_URL=redis_server.url)
    with app.app_context():
        data = decode_token(create_access_token("alice", expires_delta=False))
        revoke_token(data)
    assert redis_server.admin.ttl(f"jwt:revoked:{data['jti']}") == -1


def test_key_prefix_is_used(redis_server: RedisServer) -> None:
    app = create_app(JWT_REDIS_URL=redis_server.url, JWT_REDIS_KEY_PREFIX="app1:")
    with app.app_context():
        revoke_token(decode_token(create_access_token("alice")))
    assert [k.decode()[:13] for k in redis_server.admin.keys("*")] == ["app1:revoked:"]


def test_refresh_rotates_and_old_refresh_token_is_refused(redis_server: RedisServer) -> None:
    client = create_app(JWT_REDIS_URL=redis_server.url).test_client()
    first = login(client)
    second = client.post("/refresh", headers=bearer(first["refresh_token"]))
    assert second.status_code == 200
    rotated = second.json
    assert rotated["refresh_token"] != first["refresh_token"]
    assert client.get("/protected", headers=bearer(rotated["access_token"])).status_code == 200
    reuse = client.post("/refresh", headers=bearer(first["refresh_token"]))
    assert reuse.status_code == 401
    assert reuse.json == {"msg": "Token has been revoked"}


def test_reuse_revokes_the_whole_family(redis_server: RedisServer) -> None:
    client = create_app(JWT_REDIS_URL=redis_server.url).test_client()
    first = login(client)
    rotated = client.post("/refresh", headers=bearer(first["refresh_token"])).json
    # The stolen (already rotated) token is replayed: every token of the login dies.
    client.post("/refresh", headers=bearer(first["refresh_token"]))
    assert client.post("/refresh", headers=bearer(rotated["refresh_token"])).status_code == 401
    assert client.get("/protected", headers=bearer(rotated["access_token"])).status_code == 401
    assert client.get("/protected", headers=bearer(first["access_token"])).status_code == 401
    # Another login is a new family and is not affected.
    other = login(client)
    assert client.get("/protected", headers=bearer(other["access_token"])).status_code == 200


def test_revoking_a_refresh_token_revokes_its_family(redis_server: RedisServer) -> None:
    client = create_app(JWT_REDIS_URL=redis_server.url).test_client()
    tokens = login(client)
    assert client.delete("/logout", headers=bearer(tokens["refresh_token"])).status_code == 200
    assert client.get("/protected", headers=bearer(tokens["access_token"])).status_code == 401


def test_redis_down_is_503_not_a_pass(own_redis: RedisServer) -> None:
    client = create_app(JWT_REDIS_URL=own_redis.url).test_client()
    tokens = login(client)
    own_redis.stop()
    response = client.get("/protected", headers=bearer(tokens["access_token"]))
    assert response.status_code == 503
    assert response.json == {"msg": "The token revocation store is unavailable; try again shortly."}
    assert response.headers["Retry-After"] == "1"
    assert client.delete("/logout", headers=bearer(tokens["access_token"])).status_code == 503
    own_redis.start()
    assert client.get("/protected", headers=bearer(tokens["access_token"])).status_code == 200


def test_stalled_redis_is_503_after_the_timeout(own_redis: RedisServer) -> None:
    client = create_app(JWT_REDIS_URL=own_redis.url, JWT_REDIS_TIMEOUT=0.2).test_client()
    tokens = login(client)
    own_redis.pause(3)
    response = client.get("/protected", headers=bearer(tokens["access_token"]))
    assert response.status_code == 503


def test_skip_revocation_check_does_not_ask_redis(own_redis: RedisServer) -> None:
    app = create_app(JWT_REDIS_URL=own_redis.url)

    @app.get("/public-ish")
    @jwt_required(skip_revocation_check=True)
    def public_ish() -> str:
        return "ok"

    tokens = login(app.test_client())
    own_redis.stop()
    response = app.test_client().get("/public-ish", headers=bearer(tokens["access_token"]))
    assert response.status_code == 200


def test_bad_redis_client_setting_names_the_key() -> None:
    with pytest.raises(kolba.ConfigError, match="JWT_REDIS_TIMEOUT"):
        create_app(JWT_REDIS_URL="redis://127.0.0.1:1/0", JWT_REDIS_TIMEOUT=0)


def test_health_check_reports_redis(own_redis: RedisServer) -> None:
    app = create_app(JWT_REDIS_URL=own_redis.url)
    (check,) = app.plugins.hook.kolba_health_checks(app=app)[0]
    assert check.check() is None
    own_redis.stop()
    assert "did not answer" in check.check()


def test_user_provided_client_is_used(redis_server: RedisServer) -> None:
    client = redis.Redis(port=redis_server.port, socket_timeout=1)
    app = create_app(JWT_REDIS=client)
    with app.app_context():
        revoke_token(decode_token(create_access_token("alice")))
    assert len(redis_server.admin.keys("jwt:revoked:*")) == 1


class AppProcess:
    """The sample app served by its own Python process on a free port."""

    def __init__(self, redis_url: str) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "jwt_app.py"), str(self.port), redis_url],
            cwd=HERE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                self.request("GET", "/protected")
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    pytest.fail("the app process did not start")
                time.sleep(0.05)

    def request(
        self, method: str, path: str, token: str | None = None
    ) -> tuple[int, dict[str, t.Any]]:
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            method=method,
            headers=bearer(token) if token else {},
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stderr is not None:
            self.process.stderr.close()


@pytest.fixture
def two_processes(redis_server: RedisServer) -> t.Iterator[tuple[AppProcess, AppProcess]]:
    first = AppProcess(redis_server.url)
    try:
        second = AppProcess(redis_server.url)
    except BaseException:
        first.stop()
        raise
    yield first, second
    first.stop()
    second.stop()


def test_revocation_in_one_process_holds_in_the_other(
    two_processes: tuple[AppProcess, AppProcess],
) -> None:
    first, second = two_processes
    status, tokens = first.request("POST", "/login")
    assert status == 200
    assert second.request("GET", "/protected", tokens["access_token"])[0] == 200
    assert first.request("DELETE", "/logout", tokens["access_token"])[0] == 200
    assert second.request("GET", "/protected", tokens["access_token"]) == (
        401,
        {"msg": "Token has been revoked"},
    )


def test_refresh_reuse_across_processes_revokes_the_family(
    two_processes: tuple[AppProcess, AppProcess],
) -> None:
    first, second = two_processes
    _, tokens = first.request("POST", "/login")
    status, rotated = first.request("POST", "/refresh", tokens["refresh_token"])
    assert status == 200
    # The old refresh token replayed against the other process.
    assert second.request("POST", "/refresh", tokens["refresh_token"])[0] == 401
    assert first.request("POST", "/refresh", rotated["refresh_token"])[0] == 401


def test_something_else_as_client_is_a_config_error() -> None:
    with pytest.raises(kolba.ConfigError, match="JWT_REDIS.*not a Redis client"):
        create_app(JWT_REDIS="redis://127.0.0.1:6379/0")
