"""HTTP load report: kolba and Flask behind gunicorn (sync, gthread) and granian (WSGI), loaded
by wrk on 127.0.0.1; prints requests per second and p50/p99 latency.

Not part of the default nox run: `python3 -m nox -s bench_http` (needs `wrk`, a Debian package,
which the session installs when it runs as root). Every run is bounded: each server is started,
answers one request, is warmed up, serves a few measured wrk runs per path and is stopped.

What keeps the numbers sound:

- each server kind gets the wrk connection count it is built for (`Server.connections`): a
  sync worker serves one connection at a time and closes it after each response, so more
  connections only queue in the listen backlog and turn into latency;
- the server counts as up once it has answered an HTTP request, not once its port accepts
  connections (gunicorn and granian bind the port before the worker has imported the app);
- each path is loaded for `--warmup` seconds before it is measured, so the first requests'
  costs (the worker's imports, first-call caches) stay out of the measured runs;
- each row is the median of `--repeats` runs, and the spread column shows how far apart the
  runs' req/s were, as a share of the median;
- the 1-minute load average is printed first: numbers taken while something else keeps the
  machine busy are not worth comparing.

wrk and the server share the machine's cores; they are not pinned to separate cores, because on
one core granian's Rust thread and its Python thread take turns and its p99 grows to the
scheduler's time slice, which a deployment never sees.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Server:
    """How to start one WSGI server kind with 1 worker, and how many connections to load it with."""

    command: tuple[str, ...]
    connections: int


SERVERS = {
    # One request at a time and no keep-alive: 2 connections keep the worker busy (one served,
    # one waiting in the backlog) without queueing more.
    "gunicorn sync": Server(
        ("gunicorn", "-w", "1", "-k", "sync", "-b", "127.0.0.1:{port}", "{app}"), 2
    ),
    # One connection per thread.
    "gunicorn gthread": Server(
        (
            *("gunicorn", "-w", "1", "-k", "gthread", "--threads", "4"),
            *("-b", "127.0.0.1:{port}", "{app}"),
        ),
        4,
    ),
    # Keep-alive connections multiplexed by its Rust HTTP layer onto the Python thread.
    "granian wsgi": Server(
        (
            *("granian", "--interface", "wsgi", "--workers", "1"),
            *("--host", "127.0.0.1", "--port", "{port}", "{app}"),
        ),
        8,
    ),
}
PATHS = {"hello": "/", "json": "/api/items/42"}
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


@dataclass(frozen=True)
class Result:
    """One wrk run: requests per second, p50 and p99 latency in milliseconds."""

    rps: float
    p50: float
    p99: float


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def executable(name: str) -> str:
    """The server's script beside this interpreter (a venv's, even when not activated)."""
    beside = BIN / name
    return str(beside) if beside.exists() else name


def wait_for(port: int, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """Return once the server has answered GET / with 200; exit if it died or never did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"bench_http: the server on port {port} exited with {proc.returncode}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/")
            if conn.getresponse().status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        finally:
            conn.close()
        time.sleep(0.1)
    sys.exit(f"bench_http: no server answered on 127.0.0.1:{port}")


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def load(port: int, path: str, seconds: int, connections: int) -> Result:
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
    if "Non-2xx" in out or "Socket errors" in out:
        sys.exit(f"bench_http: errors under load:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    # Anchored to the distribution's own lines: the stdev column's percentages (such as
    # "87.50%") end in "50%" or "99%" too.
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)$", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)$", out, re.M).group(1))  # type: ignore[union-attr]
    return Result(rps, p50, p99)


def median(runs: list[Result]) -> Result:
    """Each figure's median over the runs."""
    return Result(
        statistics.median(run.rps for run in runs),
        statistics.median(run.p50 for run in runs),
        statistics.median(run.p99 for run in runs),
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="load time per measured run")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured load time per path")
    parser.add_argument("--repeats", type=int, default=3, help="measured runs per row")
    parser.add_argument("--connections", type=int, help="one wrk connection count for every server")
    parser.add_argument("--only", help="run only the servers whose name contains this")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("bench_http: wrk is not installed (Debian: apt-get install wrk)")
    load1, _, _ = os.getloadavg()
    print(
        f"wrk, 1 thread, {args.warmup}s warm-up, median of {args.repeats} x {args.seconds}s"
        f" per row; 1 worker; {os.cpu_count()} cores; load average {load1:.2f} at start"
    )
    header = (
        f"{'server':<18} {'app':<6} {'path':<6} {'conns':>5} {'req/s':>9}"
        f" {'p50 ms':>8} {'p99 ms':>8} {'spread':>7}"
    )
    print(header)
    print("-" * len(header))
    env = {**os.environ, "PYTHONPATH": str(HERE)}
    for server, spec in SERVERS.items():
        if args.only and args.only not in server:
            continue
        connections = args.connections or spec.connections
        for framework in ("flask", "kolba"):
            port = free_port()
            name, *rest = spec.command
            command = [
                executable(name),
                *(part.format(port=port, app=f"http_apps:{framework}_app") for part in rest),
            ]
            proc = subprocess.Popen(
                command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            try:
                wait_for(port, proc)
                for label, path in PATHS.items():
                    if args.warmup:
                        load(port, path, args.warmup, connections)
                    runs = [
                        load(port, path, args.seconds, connections) for _ in range(args.repeats)
                    ]
                    row = median(runs)
                    rates = [run.rps for run in runs]
                    spread = (max(rates) - min(rates)) / row.rps
                    print(
                        f"{server:<18} {framework:<6} {label:<6} {connections:>5}"
                        f" {row.rps:>9,.0f} {row.p50:>8.2f} {row.p99:>8.2f} {spread:>7.1%}",
                        flush=True,
                    )
            finally:
                stop(proc)


if __name__ == "__main__":
    main()
