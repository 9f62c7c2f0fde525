"""HTTP load report: kolba and Flask behind gunicorn (sync, gthread) and granian (WSGI), loaded
by wrk on 127.0.0.1; prints requests per second and p50/p99 latency.

Not part of the default nox run: `python3 -m nox -s bench_http` (needs `wrk`, a Debian package,
which the session installs when it runs as root). Every run is bounded: each server serves a
few seconds of load and is stopped.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent

SERVERS = {
    "gunicorn sync": ["gunicorn", "-w", "1", "-k", "sync", "-b", "127.0.0.1:{port}", "{app}"],
    "gunicorn gthread": [
        *("gunicorn", "-w", "1", "-k", "gthread", "--threads", "4"),
        *("-b", "127.0.0.1:{port}", "{app}"),
    ],
    "granian wsgi": [
        *("granian", "--interface", "wsgi", "--workers", "1"),
        *("--host", "127.0.0.1", "--port", "{port}", "{app}"),
    ],
}
PATHS = {"hello": "/", "jsonify dynamic": "/api/items/42"}
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"bench_http: no server answered on 127.0.0.1:{port}")


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def load(port: int, path: str, seconds: int, connections: int) -> tuple[float, float, float]:
    """Requests per second, p50 and p99 in milliseconds, from one bounded wrk run."""
    out = subprocess.run(
        [
            *("wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s"),
            *("--latency", f"http://127.0.0.1:{port}{path}"),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    if "Non-2xx" in out or "Socket errors" in out:
        sys.exit(f"bench_http: errors under load:\n{out}")
    return rps, p50, p99


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="load time per measurement")
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("bench_http: wrk is not installed (Debian: apt-get install wrk)")
    print(f"wrk, 1 thread, {args.connections} connections, {args.seconds}s per row; 1 worker")
    header = f"{'server':<18} {'app':<6} {'path':<16} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}"
    print(header)
    print("-" * len(header))
    env = {**os.environ, "PYTHONPATH": str(HERE)}
    for server, template in SERVERS.items():
        for framework in ("flask", "kolba"):
            port = free_port()
            command = [
                part.format(port=port, app=f"http_apps:{framework}_app") for part in template
            ]
            proc = subprocess.Popen(
                command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            try:
                wait_for(port)
                for name, path in PATHS.items():
                    rps, p50, p99 = load(port, path, args.seconds, args.connections)
                    print(
                        f"{server:<18} {framework:<6} {name:<16} {rps:>9,.0f}"
                        f" {p50:>8.2f} {p99:>8.2f}"
                    )
            finally:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


if __name__ == "__main__":
    main()
