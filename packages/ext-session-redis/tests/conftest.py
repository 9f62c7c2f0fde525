"""A real redis-server for the tests, on 127.0.0.1 at a free port, that tests can stop, pause
and restart; and apps that keep their sessions in it.

With ``CI`` set, a redis-server that is missing or cannot start fails the test; elsewhere the
test is skipped with the reason.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
import redis
from redis_session_app import create_app

from kolba import Kolba
from kolba.pytest_plugin import free_port, service_unavailable

START_TIMEOUT = 10.0


unavailable = service_unavailable


class RedisServer:
    """One redis-server process without persistence; :meth:`stop` and :meth:`start` restart
    it on the same port, empty. ``config_file`` and ``options`` make a cluster node or a
    Sentinel of it."""

    def __init__(
        self, workdir: Path, config_file: Path | None = None, options: tuple[str, ...] = ()
    ) -> None:
        self.workdir = workdir
        self.config_file = config_file
        self.options = options
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None
        # The tests' own connection, which waits longer than the apps' so it sees the outcome.
        self.admin = redis.Redis(port=self.port, socket_timeout=10)

    def start(self) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            unavailable("redis-server is not installed (Debian package redis-server)")
        argv = [
            str(executable),
            *([str(self.config_file)] if self.config_file else []),
            *self.options,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "no",
            "--enable-debug-command", "yes",
            "--dir", str(self.workdir),
            "--logfile", str(self.workdir / f"redis-{self.port}.log"),
        ]  # fmt: skip
        self.process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT
        probe = redis.Redis(port=self.port, socket_timeout=1, socket_connect_timeout=1)
        while True:
            try:
                if probe.ping():
                    break
            except redis.ConnectionError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                log = self.workdir / f"redis-{self.port}.log"
                details = log.read_text() if log.exists() else ""
                unavailable(f"redis-server did not start on port {self.port}:\n{details}")
            time.sleep(0.02)
        probe.close()

    def stop(self) -> None:
        if self.process is None:
            return
        self.admin.connection_pool.disconnect()
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def pause(self, seconds: float, mode: str = "ALL") -> None:
        """``CLIENT PAUSE``: commands of every client (``WRITE``: writes only) wait."""
        self.admin.execute_command("CLIENT", "PAUSE", int(seconds * 1000), mode)

    def unpause(self) -> None:
        self.admin.execute_command("CLIENT", "UNPAUSE")

    def keys(self, pattern: str = "*") -> list[bytes]:
        return sorted(self.admin.keys(pattern))


@pytest.fixture(scope="session")
def shared_redis(tmp_path_factory: pytest.TempPathFactory) -> RedisServer:
    """One server for the tests that do not disturb it; emptied before each test."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_server(shared_redis: RedisServer) -> RedisServer:
    shared_redis.admin.flushall()
    return shared_redis


@pytest.fixture
def own_redis(tmp_path: Path) -> RedisServer:
    """A server of the test's own, which the test may stop, pause or restart."""
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app(redis_server: RedisServer) -> Kolba:
    """The sample app with sessions in the shared server (TESTING on)."""
    return create_app(SESSION_REDIS_URL=redis_server.url)
