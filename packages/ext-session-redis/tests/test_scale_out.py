"""Scaling out over real HTTP: two app processes on two ports share one Redis, and 50 clients
writing 200 times each to their own sessions through one threaded server lose nothing."""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).parent
CLIENTS = 50
WRITES = 200


@pytest.fixture
def app_processes(redis_server, tmp_path):
    """Starts the sample app in new Python processes, each with a threaded werkzeug server
    on a free port; returns the ports."""
    procs: list[subprocess.Popen[str]] = []

    def start() -> int:
        log = tmp_path / f"app-{len(procs)}.log"
        with log.open("w") as stderr:
            proc = subprocess.Popen(
                [sys.executable, str(HERE / "redis_session_app.py"), redis_server.url],
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
                env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
            )
        procs.append(proc)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:
            proc.wait(10)
            pytest.fail(f"The app process did not start:\n{log.read_text()}")
        return int(line)

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(10)
        if proc.stdout is not None:
            proc.stdout.close()


class Browser:
    """urllib with a cookie jar: cookies are kept per host, so both ports get them."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def call(self, port: int, path: str, form: dict[str, str] | None = None) -> object:
        data = None if form is None else urllib.parse.urlencode(form).encode()
        method = "GET" if form is None else "POST"
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data, method=method)
        with self.opener.open(request, timeout=10) as response:
            return json.loads(response.read())


def test_login_through_one_process_works_through_the_other(app_processes):
    first, second = app_processes(), app_processes()
    browser = Browser()
    assert browser.call(first, "/login", {"user": "ann"}) == {"user": "ann"}
    assert browser.call(second, "/whoami") == {"user": "ann"}
    for n in range(1, 11):
        port = first if n % 2 else second
        assert browser.call(port, "/incr", {}) == {"count": n}
    browser.call(second, "/logout", {})
    assert browser.call(first, "/whoami") == {"user": None}


def test_fifty_clients_writing_two_hundred_times_lose_nothing(redis_server, app_processes):
    # Two processes, so the test measures the sessions rather than one dev server's speed.
    ports = [app_processes(), app_processes()]
    errors: list[str] = []
    cookies: list[str] = []

    def client(number: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", ports[number % 2], timeout=10)
        cookie = None
        try:
            for expected in range(1, WRITES + 1):
                headers = {} if cookie is None else {"Cookie": cookie}
                conn.request("POST", "/incr", headers=headers)
                response = conn.getresponse()
                body = json.loads(response.read())
                if response.status != 200 or body != {"count": expected}:
                    errors.append(f"client {number}: got {response.status} {body}")
                    return
                set_cookie = response.getheader("Set-Cookie")
                if cookie is None:
                    cookie = set_cookie.split(";", 1)[0]
                    cookies.append(cookie)
        finally:
            conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    elapsed = time.monotonic() - started
    assert not any(thread.is_alive() for thread in threads), "clients still running after 2 min"

    assert errors == []
    assert len(set(cookies)) == CLIENTS
    keys = redis_server.keys("session:*")
    assert len(keys) == CLIENTS
    assert all(json.loads(redis_server.admin.get(key)) == {"count": WRITES} for key in keys)
    print(f"{CLIENTS * WRITES} requests in {elapsed:.1f} s")
