"""The deployment recipe over real HTTP: gunicorn serves the factory with the recipe's config
on a free port, and the tests talk to it as a client behind a proxy would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kolba.pytest_plugin import free_port, service_unavailable

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    if shutil.which("gunicorn") is None and not (Path(sys.executable).parent / "gunicorn").exists():
        service_unavailable("gunicorn is not installed; it is pinned in requirements/docs.txt")
    port = free_port()
    env = {**os.environ, "KOLBA_SECRET_KEY": "recipe-secret", "BIND": f"127.0.0.1:{port}"}
    env["WEB_CONCURRENCY"] = "2"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "deploy_gunicorn_app:create_app()",
        ],
        cwd=HERE,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        # Waiting for the server to listen, not timing it: the loop ends at the first answer.
        for _ in range(300):
            if process.poll() is not None:
                pytest.fail(
                    f"gunicorn exited: {process.stderr.read().decode() if process.stderr else ''}"
                )
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start listening")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_gunicorn_serves_the_health_view(server: str) -> None:
    with urllib.request.urlopen(server + "/healthz") as response:
        assert response.status == 200 and response.read() == b"ok"


def test_the_proxys_forwarded_headers_are_trusted_once(server: str) -> None:
    request = urllib.request.Request(
        server + "/",
        headers={"X-Forwarded-For": "203.0.113.9, 198.51.100.7", "X-Forwarded-Proto": "https"},
    )
    with urllib.request.urlopen(request) as response:
        body = response.read()
    # Only the last hop, the one the proxy added, is believed.
    assert b'"client":"198.51.100.7"' in body and b'"scheme":"https"' in body


def test_an_unknown_page_is_a_404_from_the_app(server: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(server + "/nope")
    assert caught.value.code == 404


def test_the_factory_refuses_to_start_without_a_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KOLBA_SECRET_KEY", raising=False)
    from deploy_gunicorn_app import create_app

    with pytest.raises(RuntimeError, match="KOLBA_SECRET_KEY"):
        create_app()
