"""Tests for the revocation recipe, against a redis-server started on a free port.

Without redis-server the tests are skipped, except with ``CI`` set, where they fail.
"""

import shutil
import subprocess
import time

import pytest
import redis
from jwt_revocation_recipe import create_app

from kolba.pytest_plugin import free_port, service_unavailable


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    executable = shutil.which("redis-server")
    if executable is None:
        service_unavailable("redis-server is not installed (Debian package redis-server)")
    port = free_port()
    argv = [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    argv += ["--appendonly", "no", "--dir", str(tmp_path_factory.mktemp("redis"))]
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
    yield server, f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(10)


@pytest.fixture
def client(redis_server):
    _, url = redis_server
    redis.Redis.from_url(url).flushall()
    return create_app({"TESTING": True, "JWT_REDIS_URL": url}).test_client()


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def log_in(client):
    response = client.post("/auth/login", json={"username": "ann", "password": "correct horse"})
    assert response.status_code == 200
    return response.json


def test_logout_ends_the_access_token(client):
    tokens = log_in(client)
    client.delete("/auth/logout", headers=auth(tokens["access_token"]))
    response = client.get("/api/me", headers=auth(tokens["access_token"]))
    assert (response.status_code, response.json) == (401, {"msg": "Token has been revoked"})


def test_refresh_rotates_the_refresh_token(client):
    tokens = log_in(client)
    rotated = client.post("/auth/refresh", headers=auth(tokens["refresh_token"])).json
    assert client.get("/api/me", headers=auth(rotated["access_token"])).json == {"user": "ann"}
    assert client.post("/auth/refresh", headers=auth(rotated["refresh_token"])).status_code == 200


def test_replayed_refresh_token_revokes_the_login(client):
    tokens = log_in(client)
    rotated = client.post("/auth/refresh", headers=auth(tokens["refresh_token"])).json
    # An attacker replays the stolen, already-used refresh token.
    assert client.post("/auth/refresh", headers=auth(tokens["refresh_token"])).status_code == 401
    assert client.post("/auth/refresh", headers=auth(rotated["refresh_token"])).status_code == 401
    assert client.get("/api/me", headers=auth(rotated["access_token"])).status_code == 401


def test_logout_with_the_refresh_token_ends_the_whole_login(client):
    tokens = log_in(client)
    client.delete("/auth/logout", headers=auth(tokens["refresh_token"]))
    assert client.get("/api/me", headers=auth(tokens["access_token"])).status_code == 401


def test_redis_down_is_a_503(tmp_path):
    # A port nothing listens on: the store refuses at once.
    app = create_app({"TESTING": True, "JWT_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"})
    client = app.test_client()
    tokens = log_in(client)
    assert client.get("/api/me", headers=auth(tokens["access_token"])).status_code == 503
