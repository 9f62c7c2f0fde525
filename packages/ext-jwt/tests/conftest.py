"""Fixtures: a real redis-server on 127.0.0.1 at a free port for the revocation tests (with
``CI`` set a missing server fails the test, elsewhere it skips), key pairs of every kind, and
the sample app."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import shutil
import subprocess
import time
import typing as t
from pathlib import Path

import pytest
import redis
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt_app import create_app

import kolba
from kolba.pytest_plugin import free_port, service_unavailable

START_TIMEOUT = 10.0


class RedisServer:
    """One redis-server without persistence; stop() and start() restart it on its port."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None
        self.admin = redis.Redis(port=self.port, socket_timeout=10)

    def start(self) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            service_unavailable("redis-server is not installed (Debian package redis-server)")
        argv = [
            executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", str(self.workdir),
        ]  # fmt: skip
        self.process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        probe = redis.Redis(port=self.port, socket_timeout=1, socket_connect_timeout=1)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                if probe.ping():
                    break
            except redis.ConnectionError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                service_unavailable(f"redis-server did not start on port {self.port}")
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

    def pause(self, seconds: float) -> None:
        """``CLIENT PAUSE``: every client's commands wait ``seconds``."""
        self.admin.execute_command("CLIENT", "PAUSE", int(seconds * 1000), "ALL")


@pytest.fixture(scope="session")
def shared_redis(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_server(shared_redis: RedisServer) -> RedisServer:
    """The shared server, emptied for the test."""
    shared_redis.admin.flushall()
    return shared_redis


@pytest.fixture
def own_redis(tmp_path: Path) -> t.Iterator[RedisServer]:
    """A server of the test's own, which it may stop or pause."""
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app() -> kolba.Kolba:
    return create_app()


def pem_pair(kind: str) -> tuple[str, str]:
    """A fresh (private PEM, public PEM) pair: ``rsa``, ``ec`` (P-256) or ``ed25519``."""
    if kind == "rsa":
        key: t.Any = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif kind == "ec":
        key = ec.generate_private_key(ec.SECP256R1())
    else:
        key = ed25519.Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


@pytest.fixture(scope="session")
def rsa_pem() -> tuple[str, str]:
    return pem_pair("rsa")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def hmac_signed(secret: bytes, claims: dict[str, t.Any], **header: t.Any) -> str:
    """An HS256 token signed by hand, with any bytes as the secret: PyJWT refuses to sign
    with a PEM key, which is exactly what the key-confusion attack does."""

    def part(value: bytes) -> bytes:
        return base64.urlsafe_b64encode(value).rstrip(b"=")

    signing_input = (
        part(json.dumps({"alg": "HS256", "typ": "JWT", **header}).encode())
        + b"."
        + part(json.dumps(claims).encode())
    )
    signature = hmac.new(secret, signing_input, hashlib.sha256).digest()
    return (signing_input + b"." + part(signature)).decode()
