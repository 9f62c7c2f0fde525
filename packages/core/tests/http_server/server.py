"""Start gunicorn serving a test app on a free port of 127.0.0.1 and talk raw HTTP to it."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import typing as t
from pathlib import Path

HERE = Path(__file__).parent


class Server:
    """A running gunicorn: its port, and its log (errors and access lines) as text."""

    def __init__(self, port: int, log_path: Path) -> None:
        self.port = port
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def raw(self, data: bytes, timeout: float = 5.0) -> bytes:
        """Send ``data`` as is, half-close, and return everything the server answers."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            sock.sendall(data)
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_WR)
            chunks = []
            with contextlib.suppress(TimeoutError, ConnectionResetError):
                while chunk := sock.recv(65536):
                    chunks.append(chunk)
        return b"".join(chunks)


def status_of(answer: bytes) -> int | None:
    """The status code of the first response in ``answer``, or ``None`` if there is none."""
    line = answer.split(b"\r\n", 1)[0].split()
    if len(line) >= 2 and line[0].startswith(b"HTTP/") and line[1].isdigit():
        return int(line[1])
    return None


@contextlib.contextmanager
def gunicorn(
    app: str, port: int, log_path: Path, workers: int = 2, threads: int = 1
) -> t.Iterator[Server]:
    """Serve ``module:app`` (importable from this folder) with gunicorn until the block ends."""
    if shutil.which("gunicorn") is None and not _module_available("gunicorn"):
        raise RuntimeError("gunicorn is not installed")
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "30",
            "--graceful-timeout",
            "2",
            "--access-logfile",
            "-",
            "--error-logfile",
            "-",
            "--chdir",
            str(HERE),
            app,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {log_path.read_text(errors='replace')}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start within 20 s")
            time.sleep(0.05)
        yield Server(port, log_path)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _module_available(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None
