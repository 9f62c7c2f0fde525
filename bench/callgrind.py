"""Instructions per request under callgrind: deterministic, unlike timings on a shared machine.

`python3 -m nox -s bench_callgrind` (needs valgrind). For each scenario, the benchmark app is run
twice under callgrind: once set up and warmed, once set up, warmed and then sent N more
requests; the difference in instructions, divided by N, is the cost of one request.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
SCENARIOS = ("hello text", "jsonify, dynamic route")
WARMUP = 50


def run_requests(framework: str, scenario_name: str, number: int) -> None:
    """The measured program: build the app, warm it, then send `number` requests."""
    sys.path.insert(0, str(HERE))
    import bench

    fw = next(f for f in bench.FRAMEWORKS if f.name == framework)
    app = bench.create_app(fw)
    scenario = next(s for s in bench.SCENARIOS if s.name == scenario_name)
    req = bench.Request(scenario)
    for _ in range(WARMUP):
        bench.call(app, req)
    for _ in range(number):
        bench.call(app, req)


def instructions(framework: str, scenario: str, number: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        subprocess.run(
            [
                *("valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"),
                *(sys.executable, __file__, "--run", framework, scenario, str(number)),
            ],
            check=True,
            capture_output=True,
            # A fixed hash seed: string hashing otherwise changes dict probing between runs.
            env={**os.environ, "PYTHONHASHSEED": "0"},
            timeout=1800,
        )
        totals = re.search(r"^(?:summary|totals):\s+(\d+)", out.read_text(), re.MULTILINE)
        if totals is None:
            sys.exit("bench_callgrind: callgrind wrote no totals")
        return int(totals.group(1))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--frameworks", default="kolba,flask")
    parser.add_argument(
        "--scenario",
        action="append",
        help=f"a scenario name from bench.py; repeat for more (default: {', '.join(SCENARIOS)})",
    )
    parser.add_argument("--run", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        framework, scenario, number = args.run
        run_requests(framework, scenario, int(number))
        return
    if shutil.which("valgrind") is None:
        sys.exit("bench_callgrind: valgrind is not installed (Debian: apt-get install valgrind)")
    print(f"instructions per request (callgrind), {args.requests} requests after {WARMUP} warm")
    for framework in args.frameworks.split(","):
        for scenario in args.scenario or SCENARIOS:
            base = instructions(framework, scenario, 0)
            total = instructions(framework, scenario, args.requests)
            per_request = (total - base) / args.requests
            print(f"{framework:<6} {scenario:<28} {per_request:>12,.0f}")


if __name__ == "__main__":
    main()
