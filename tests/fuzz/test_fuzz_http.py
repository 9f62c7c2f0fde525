"""Thousands of generated malformed requests, over real HTTP, against an app behind gunicorn:
none may get a 5xx or leave a traceback in the log. FUZZ_COUNT and FUZZ_SEED tune the run."""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kolba.pytest_plugin import free_port, service_unavailable

SERVER_DIR = Path(__file__).parents[2] / "packages" / "core" / "tests" / "http_server"
sys.path.insert(0, str(SERVER_DIR))

from malformed import requests  # noqa: E402
from server import gunicorn, status_of  # noqa: E402

COUNT = int(os.environ.get("FUZZ_COUNT", "3000"))
SEED = int(os.environ.get("FUZZ_SEED", "20261203"))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("fuzz") / "gunicorn.log"
    try:
        with gunicorn("bad_input_app:app", free_port(), log, workers=2) as srv:
            yield srv
    except RuntimeError as e:
        service_unavailable(f"gunicorn could not serve the fuzz app: {e}")


def test_malformed_requests_get_no_5xx_and_log_no_traceback(server):
    def send(raw: bytes) -> tuple[bytes, int | None]:
        try:
            return raw, status_of(server.raw(raw, timeout=10))
        except OSError:
            return raw, None  # the server closed the connection: not an answer from the app

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(send, requests(SEED, COUNT)))
    statuses = [status for _, status in results]
    server_errors = [(raw[:200], status) for raw, status in results if status and status >= 500]
    log = server.log()
    summary = {s: statuses.count(s) for s in sorted(set(statuses), key=str)}
    print(f"seed {SEED}, {COUNT} requests, statuses: {summary}")
    assert not server_errors, (
        f"seed {SEED}: {len(server_errors)} 5xx answers, e.g. {server_errors[:5]}"
    )
    assert "Traceback" not in log, log[log.index("Traceback") - 500 :][:3000]
    assert "[ERROR]" not in log, log[log.index("[ERROR]") - 200 :][:2000]
    answered = sum(1 for status in statuses if status is not None)
    assert answered > COUNT // 2, f"only {answered} of {COUNT} requests were answered"
