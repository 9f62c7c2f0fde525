"""Tests for kolba's pytest plugin: the app, client and runner fixtures, overriding the app
fixture, the kolba_config marker and the pytest11 entry point."""

import importlib.metadata
import tomllib
from pathlib import Path

import pytest

import kolba.pytest_plugin
from kolba.pytest_plugin import TEST_SECRET_KEY, make_app

pytest_plugins = ["pytester"]

PYPROJECT = Path(__file__).parents[1] / "pyproject.toml"


@pytest.fixture
def run(pytester, monkeypatch):
    """Run pytest in pytester's folder with the plugin loaded by name, whether or not kolba is
    installed: entry-point autoloading is off, so the plugin cannot be loaded twice."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")

    def run(*args):
        return pytester.runpytest("-p", "kolba.pytest_plugin", "--strict-markers", *args)

    return run


def test_app_fixture_is_a_testing_app(pytester, run):
    pytester.makepyfile(
        """
        import kolba

        def test_app(app):
            assert isinstance(app, kolba.Kolba)
            assert app.name == "kolba_test_app"
            assert app.testing is True
            assert app.secret_key
        """
    )
    run().assert_outcomes(passed=1)


def test_each_test_gets_a_fresh_app(pytester, run):
    pytester.makepyfile(
        """
        def test_first(app):
            app.config["MARK"] = 1

        def test_second(app):
            assert "MARK" not in app.config
        """
    )
    run().assert_outcomes(passed=2)


def test_client_fixture_uses_the_app_fixture(pytester, run):
    pytester.makepyfile(
        """
        def test_client(app, client):
            app.add_url_rule("/", "index", lambda: "hello")
            assert client.get("/").data == b"hello"
        """
    )
    run().assert_outcomes(passed=1)


def test_client_without_an_app_fixture_is_a_clear_error(pytester, run):
    pytester.makepyfile(
        """
        def test_client(client):
            assert client.get("/").status_code == 200
        """
    )
    result = run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*'client' fixture needs your app*no 'app' fixture*"])


def test_runner_without_an_app_fixture_is_a_clear_error(pytester, run):
    pytester.makepyfile(
        """
        def test_runner(runner):
            runner.invoke(args=["hello"])
        """
    )
    result = run()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*'runner' fixture needs your app*"])


def test_client_of_the_plugins_app_is_fine_when_a_fixture_sets_that_app_up(pytester, run):
    pytester.makepyfile(
        """
        import pytest

        @pytest.fixture
        def hello(app):
            app.add_url_rule("/", "index", lambda: "hello")

        def test_client(hello, client):
            assert client.get("/").data == b"hello"
        """
    )
    run().assert_outcomes(passed=1)


def test_runner_fixture_invokes_the_apps_commands(pytester, run):
    pytester.makepyfile(
        """
        import click

        def test_runner(app, runner):
            @app.cli.command("hello")
            def hello():
                click.echo("hello from the app")

            assert runner.invoke(args=["hello"]).output == "hello from the app\\n"
        """
    )
    run().assert_outcomes(passed=1)


def test_conftest_app_fixture_overrides_the_plugins(pytester, run):
    pytester.makeconftest(
        """
        import pytest
        import kolba

        @pytest.fixture
        def app():
            app = kolba.Kolba("my_project")
            app.add_url_rule("/", "index", lambda: "from my project")
            return app
        """
    )
    pytester.makepyfile(
        """
        def test_override(app, client):
            assert app.name == "my_project"
            assert client.get("/").data == b"from my project"
        """
    )
    run().assert_outcomes(passed=1)


def test_module_app_fixture_overrides_the_plugins(pytester, run):
    pytester.makepyfile(
        """
        import pytest
        import kolba

        @pytest.fixture
        def app():
            return kolba.Kolba("my_module_app")

        def test_override(runner):
            assert runner.app.name == "my_module_app"
        """
    )
    run().assert_outcomes(passed=1)


def test_kolba_config_marker_sets_config(pytester, run):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.kolba_config(GREETING="hi", TESTING=False)
        def test_marker(app):
            assert app.config["GREETING"] == "hi"
            assert app.testing is False
        """
    )
    run().assert_outcomes(passed=1)


def test_closest_kolba_config_marker_wins(pytester, run):
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.kolba_config(A="module", B="module")

        @pytest.mark.kolba_config(B="class", C="class")
        class TestMarkers:
            @pytest.mark.kolba_config(C="function")
            def test_marker(self, app):
                assert (app.config["A"], app.config["B"], app.config["C"]) == (
                    "module", "class", "function"
                )
        """
    )
    run().assert_outcomes(passed=1)


def test_make_app_sets_config_after_the_test_defaults():
    app = make_app("other_app", TESTING=False, EXTRA=1)
    assert (app.name, app.testing, app.secret_key, app.config["EXTRA"]) == (
        "other_app",
        False,
        TEST_SECRET_KEY,
        1,
    )


def test_pyproject_declares_the_pytest11_entry_point():
    with PYPROJECT.open("rb") as f:
        entry_points = tomllib.load(f)["project"]["entry-points"]
    assert entry_points["pytest11"] == {"kolba": "kolba.pytest_plugin"}


@pytest.mark.skipif(
    not importlib.metadata.entry_points(group="pytest11", name="kolba"),
    reason="kolba is not installed (run from a source tree), so no entry point loads the plugin",
)
def test_installed_plugin_is_loaded_automatically(pytestconfig):
    assert pytestconfig.pluginmanager.get_plugin("kolba") is kolba.pytest_plugin


@pytest.mark.parametrize("value", ["true", "1", "yes"])
def test_service_unavailable_fails_under_ci(monkeypatch, value):
    from kolba.pytest_plugin import service_unavailable

    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="redis-server is not installed"):
        service_unavailable("redis-server is not installed")


@pytest.mark.parametrize("value", ["", "0", "false", "no"])
def test_service_unavailable_skips_outside_ci(monkeypatch, value):
    from kolba.pytest_plugin import service_unavailable

    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.skip.Exception, match="chromium is not installed"):
        service_unavailable("chromium is not installed")
