"""Audit of issue 4 against the code: the parts of the kolba command the subprocess tests did not
reach yet, run for real: ``kolba shell`` with its context, ``KOLBA_DEBUG``, ``kolba routes`` with
its options, and ``python -m kolba``."""

import os
import subprocess
import sys
from pathlib import Path

import kolba
from kolba.conformance import find_kolba_command

KOLBA_ROOT = str(Path(kolba.__file__).resolve().parent.parent)

APP = """\
import click
import kolba

app = kolba.Kolba("audited")


class ShellNames:
    @kolba.hookimpl
    def kolba_shell_context(self, app):
        return {"from_hook": "hook", "shadowed": "hook"}


app.plugins.register(ShellNames())


@app.shell_context_processor
def names():
    return {"from_processor": kolba.current_app.name, "shadowed": "processor"}


@app.route("/b", methods=["GET", "POST"])
def b():
    return "b"


@app.get("/a")
def a():
    return "a"


@app.cli.command()
def debug():
    click.echo(kolba.current_app.debug)
"""


def run(tmp_path, *args, command=None, stdin=None, **variables):
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "PYTHONPATH": KOLBA_ROOT,
        "PYTHONIOENCODING": "utf-8",
        **variables,
    }
    return subprocess.run(
        [*(command or find_kolba_command()), *args],
        cwd=tmp_path,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_kolba_shell_runs_code_with_the_hook_and_processor_names(tmp_path):
    code = "print('NAMES', app.name, g is not None, from_hook, from_processor, shadowed)\n"
    result = run(tmp_path, "shell", stdin=code)
    assert result.returncode == 0, result.stderr
    assert "NAMES audited True hook audited processor" in result.stdout


def test_kolba_debug_turns_debug_mode_on(tmp_path):
    assert run(tmp_path, "debug", KOLBA_DEBUG="1").stdout == "True\n"
    assert run(tmp_path, "debug").stdout == "False\n"


def test_kolba_routes_sorts_by_rule_and_shows_all_methods(tmp_path):
    result = run(tmp_path, "routes", "--sort", "rule", "--all-methods")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()[2:]
    assert [line.split()[-1] for line in lines] == ["/a", "/b", "/static/<path:filename>"]
    b_row = next(line for line in lines if line.endswith("/b"))
    assert "HEAD" in b_row and "OPTIONS" in b_row and "POST" in b_row


def test_python_m_kolba_is_the_kolba_command(tmp_path):
    result = run(tmp_path, "routes", command=[sys.executable, "-m", "kolba"])
    assert result.returncode == 0, result.stderr
    assert "/a" in result.stdout


def test_kolba_shell_shows_errors_raised_by_the_code_it_reads(tmp_path):
    result = run(tmp_path, "shell", stdin="raise ValueError('from the shell')\n")
    assert "ValueError: from the shell" in result.stderr
