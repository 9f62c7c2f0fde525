"""Helpers of the kolba-flask-bridge tests: a real HTTP server in a thread, an HTTP client that
keeps cookies, and a way to run Python or a console script in a fresh interpreter."""

from __future__ import annotations

import http.cookiejar
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

from werkzeug.serving import make_server

from kolba.pytest_plugin import free_port

BIN = Path(sys.executable).parent


@dataclass
class HTTPResponse:
    status: int
    headers: Message
    text: str


class LiveServer:
    """``app`` served by werkzeug on 127.0.0.1 at a free port, until :meth:`stop`."""

    def __init__(self, app) -> None:
        self.port = free_port()
        self._server = make_server("127.0.0.1", self.port, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self.port}"
        cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(cookies), _NoRedirect
        )
        self.cookies = cookies

    def request(
        self, path: str, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> HTTPResponse:
        req = urllib.request.Request(self.url + path, data=data, headers=headers or {})
        try:
            with self._opener.open(req, timeout=10) as resp:
                return HTTPResponse(resp.status, resp.headers, resp.read().decode())
        except urllib.error.HTTPError as e:
            return HTTPResponse(e.code, e.headers, e.read().decode())

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def run(args: list[str], cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``args`` (a console script of this environment, or ``python``) in a fresh process."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("KOLBA_", "FLASK_"))}
    full_env.update(env)
    exe = sys.executable if args[0] == "python" else str(BIN / args[0])
    return subprocess.run(
        [exe, *args[1:]], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=120
    )
