"""The real ``kolba`` command in a subprocess: app discovery from the working folder and the
environment, dotenv files, the commands' output and exit codes, and a real development server.

The console script installed next to the running interpreter is used when there is one (nox
installs the package); from a source checkout, ``python -c "from kolba.cli import main; main()"``
stands in for it (``kolba.conformance.find_kolba_command`` picks). Each run gets its own
folder, an explicit environment and a timeout.
"""

import json
import os
import signal
import subprocess
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import kolba
from kolba.conformance import find_kolba_command as kolba_command
from kolba.pytest_plugin import free_port

FAKE_SITE = Path(__file__).parent / "cli_apps" / "site"
#: The folder kolba is imported from, so the subprocess imports the same code as the tests.
KOLBA_ROOT = str(Path(kolba.__file__).resolve().parent.parent)
TIMEOUT = 60


def environment(extra_path=(), **variables):
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "PYTHONPATH": os.pathsep.join([*map(str, extra_path), KOLBA_ROOT]),
        "PYTHONIOENCODING": "utf-8",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    if "SYSTEMROOT" in os.environ:  # Windows needs it to start Python
        env["SYSTEMROOT"] = os.environ["SYSTEMROOT"]
    env.update(variables)
    return env


@pytest.fixture
def run(tmp_path):
    """``run(*args, extra_path=(), **env)``: the ``kolba`` command's completed process."""

    def run(*args, extra_path=(), **variables):
        return subprocess.run(
            [*kolba_command(), *args],
            cwd=tmp_path,
            env=environment(extra_path, **variables),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=TIMEOUT,
        )

    return run


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


NAMED_APP = """\
import click
import kolba

app = kolba.Kolba({name!r})

@app.route("/")
def index():
    return "index"

@app.cli.command()
def name():
    "Print the app's name."
    click.echo(kolba.current_app.name)
"""


# -- discovery ---------------------------------------------------------------------------------


def test_finds_app_py_in_the_current_folder(tmp_path, run):
    write(tmp_path / "app.py", NAMED_APP.format(name="from-app-py"))
    result = run("name")
    assert (result.returncode, result.stdout) == (0, "from-app-py\n"), result.stderr


def test_finds_wsgi_py_in_the_current_folder(tmp_path, run):
    write(tmp_path / "wsgi.py", NAMED_APP.format(name="from-wsgi-py"))
    assert run("name").stdout == "from-wsgi-py\n"


def test_app_option_calls_a_factory_with_literal_arguments(tmp_path, run):
    write(
        tmp_path / "shop" / "__init__.py",
        """\
        import click
        import kolba

        def create_app(name, *, debug_toolbar=False):
            app = kolba.Kolba(name)

            @app.cli.command()
            def show():
                click.echo(f"{kolba.current_app.name} {debug_toolbar}")

            return app
        """,
    )
    result = run("--app", 'shop:create_app("made", debug_toolbar=True)', "show")
    assert result.stdout == "made True\n", result.stderr


def test_app_option_takes_a_file_path(tmp_path, run):
    write(tmp_path / "src" / "site_app.py", NAMED_APP.format(name="by-path"))
    assert run("--app", "src/site_app.py", "name").stdout == "by-path\n"


def test_kolba_app_names_the_app(tmp_path, run):
    write(tmp_path / "manage.py", NAMED_APP.format(name="manage"))
    assert run("name", KOLBA_APP="manage").stdout == "manage\n"


def test_flask_app_names_the_app_as_a_fallback(tmp_path, run):
    # As in the seeds: export FLASK_APP=manage.py
    write(tmp_path / "manage.py", NAMED_APP.format(name="manage"))
    assert run("name", FLASK_APP="manage.py").stdout == "manage\n"


def test_kolba_app_wins_over_flask_app(tmp_path, run):
    write(tmp_path / "one.py", NAMED_APP.format(name="one"))
    write(tmp_path / "two.py", NAMED_APP.format(name="two"))
    assert run("name", KOLBA_APP="one", FLASK_APP="two").stdout == "one\n"


def test_flask_debug_turns_debug_mode_on(tmp_path, run):
    write(
        tmp_path / "app.py",
        """\
        import click
        import kolba

        app = kolba.Kolba(__name__)

        @app.cli.command()
        def debug():
            click.echo(kolba.current_app.debug)
        """,
    )
    assert run("debug", FLASK_DEBUG="True").stdout == "True\n"


def test_command_needing_an_app_without_one_is_a_usage_error(run):
    result = run("routes")
    assert result.returncode == 2
    assert "Error: Could not locate a Kolba application" in result.stderr


def test_help_without_an_app_lists_the_builtin_commands(run):
    result = run("--help")
    assert result.returncode == 0
    for name in ("config", "doctor", "plugins", "routes", "run", "shell"):
        assert f"\n  {name} " in result.stdout
    assert "Could not locate a Kolba application" in result.stderr


def test_help_lists_the_app_commands(tmp_path, run):
    write(tmp_path / "app.py", NAMED_APP.format(name="x"))
    assert "\n  name " in run("--help").stdout


def test_a_stray_app_run_in_the_module_does_not_block(tmp_path, run):
    write(
        tmp_path / "app.py",
        """\
        import kolba

        app = kolba.Kolba(__name__)
        app.run()
        """,
    )
    result = run("routes")
    assert result.returncode == 0
    assert "Ignoring a call to 'app.run()'" in result.stdout


# -- dotenv files ------------------------------------------------------------------------------


@pytest.fixture
def dotenv():
    return pytest.importorskip(
        "dotenv", reason="python-dotenv is not installed here; nox -s 'tests(core)' installs it"
    )


def test_kolbaenv_names_the_app(dotenv, tmp_path, run):
    write(tmp_path / "project.py", NAMED_APP.format(name="from-kolbaenv"))
    write(tmp_path / ".kolbaenv", "KOLBA_APP=project\n")
    assert run("name").stdout == "from-kolbaenv\n"


def test_flaskenv_names_the_app(dotenv, tmp_path, run):
    write(tmp_path / "project.py", NAMED_APP.format(name="from-flaskenv"))
    write(tmp_path / ".flaskenv", "FLASK_APP=project\n")
    assert run("name").stdout == "from-flaskenv\n"


def test_env_file_option_wins_over_kolbaenv(dotenv, tmp_path, run):
    write(tmp_path / "one.py", NAMED_APP.format(name="one"))
    write(tmp_path / "two.py", NAMED_APP.format(name="two"))
    write(tmp_path / ".kolbaenv", "KOLBA_APP=one\n")
    write(tmp_path / "prod.env", "KOLBA_APP=two\n")
    assert run("-e", "prod.env", "name").stdout == "two\n"


def test_environment_wins_over_kolbaenv(dotenv, tmp_path, run):
    write(tmp_path / "one.py", NAMED_APP.format(name="one"))
    write(tmp_path / "two.py", NAMED_APP.format(name="two"))
    write(tmp_path / ".kolbaenv", "KOLBA_APP=one\n")
    assert run("name", KOLBA_APP="two").stdout == "two\n"


# -- commands ----------------------------------------------------------------------------------


def test_routes_prints_the_table(tmp_path, run):
    write(tmp_path / "app.py", NAMED_APP.format(name="x"))
    assert run("routes").stdout.splitlines() == [
        "Endpoint  Methods  Rule",
        "--------  -------  -----------------------",
        "index     GET      /",
        "static    GET      /static/<path:filename>",
    ]


def test_plugins_json_lists_installed_and_registered_plugins(tmp_path, run):
    write(
        tmp_path / "app.py",
        """\
        import kolba
        import kolba_fakeext

        app = kolba.Kolba(__name__)
        kolba_fakeext.FakeExt(app)
        """,
    )
    result = run("plugins", "--json", extra_path=[FAKE_SITE])
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["fake"] == {
        "name": "fake",
        "distribution": "kolba-fakeext",
        "version": "1.2.3",
        "enabled": True,
        "hooks": ["kolba_config_keys", "kolba_health_checks", "kolba_plugin_info"],
    }
    assert rows["kolba-core"]["enabled"] is True


def test_plugins_json_without_an_app_shows_installed_extensions_disabled(run):
    result = run("plugins", "--json", extra_path=[FAKE_SITE])
    assert result.returncode == 0
    assert [(r["name"], r["enabled"]) for r in json.loads(result.stdout)] == [("fake", False)]


def test_entry_point_command_runs(run):
    result = run("fake-hello", extra_path=[FAKE_SITE])
    assert result.stdout == "hello from kolba-fakeext\n"


def test_config_masks_secrets(tmp_path, run):
    write(
        tmp_path / "app.py",
        """\
        import kolba

        app = kolba.Kolba(__name__)
        app.config["SECRET_KEY"] = "hunter2"
        """,
    )
    result = run("config")
    assert result.returncode == 0
    assert "hunter2" not in result.stdout
    secret = next(line for line in result.stdout.splitlines() if line.startswith("SECRET_KEY "))
    assert "********" in secret


DOCTOR_APP = """\
import time
import kolba

class Checks:
    @kolba.hookimpl
    def kolba_health_checks(self, app):
        return [kolba.HealthCheck("first", lambda: None), {extra}]

app = kolba.Kolba(__name__)
app.plugins.register(Checks())
"""


def test_doctor_exits_0_when_every_check_passes(tmp_path, run):
    write(tmp_path / "app.py", DOCTOR_APP.format(extra='kolba.HealthCheck("second", lambda: 1)'))
    result = run("doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed, 0 failed." in result.stdout


def test_doctor_exits_1_when_a_check_fails(tmp_path, run):
    write(
        tmp_path / "app.py", DOCTOR_APP.format(extra='kolba.HealthCheck("second", lambda: "down")')
    )
    result = run("doctor")
    assert result.returncode == 1
    assert "second  FAIL    down" in result.stdout


def test_doctor_exits_1_promptly_when_a_check_hangs(tmp_path, run):
    write(
        tmp_path / "app.py",
        DOCTOR_APP.format(extra='kolba.HealthCheck("hangs", lambda: time.sleep(600), 0.2)'),
    )
    started = time.monotonic()
    result = run("doctor")
    assert result.returncode == 1
    assert "TIMEOUT" in result.stdout
    assert time.monotonic() - started < 30  # the hung check does not keep the process alive


def test_doctor_exits_0_without_checks(tmp_path, run):
    write(tmp_path / "app.py", NAMED_APP.format(name="x"))
    result = run("doctor")
    assert (result.returncode, result.stdout) == (0, "No health checks are registered.\n")


# -- run ---------------------------------------------------------------------------------------


def test_run_serves_the_app_over_http(tmp_path):
    write(tmp_path / "app.py", NAMED_APP.format(name="served"))
    port = free_port()
    server = subprocess.Popen(
        [*kolba_command(), "run", "--port", str(port)],
        cwd=tmp_path,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            assert server.poll() is None, server.communicate()[0]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    assert (response.status, response.read()) == (200, b"index")
                    break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "the server did not answer in time"
                time.sleep(0.1)
    finally:
        server.send_signal(signal.SIGINT if os.name != "nt" else signal.SIGTERM)
        try:
            output = server.communicate(timeout=10)[0]
        except subprocess.TimeoutExpired:
            server.kill()
            output = server.communicate()[0]
    assert f"Running on http://127.0.0.1:{port}" in output
