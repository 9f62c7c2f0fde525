"""The ``kolba`` command line in-process: app discovery, ScriptInfo, dotenv files, the command
groups, and each built-in command, invoked through click's runner.

werkzeug.serving.run_simple is replaced by a recorder, so ``kolba run`` starts no server here
(test_cli_subprocess.py starts a real one).
"""

import code
import datetime
import json
import os
import re
import sys
import textwrap
import threading
import types
from pathlib import Path

import click
import pytest
import werkzeug.serving
from click.testing import CliRunner

import kolba
from kolba import Blueprint, Kolba, current_app
from kolba.cli import (
    AppGroup,
    KolbaGroup,
    NoAppException,
    ScriptInfo,
    cli,
    find_app_by_string,
    find_best_app,
    load_dotenv,
    locate_app,
    prepare_import,
    with_appcontext,
)

FAKE_SITE = Path(__file__).parent / "cli_apps" / "site"

#: Every variable the CLI reads or sets; each test starts without them and gets them back.
ENV_VARS = (
    "KOLBA_APP",
    "FLASK_APP",
    "KOLBA_DEBUG",
    "FLASK_DEBUG",
    "KOLBA_RUN_FROM_CLI",
    "FLASK_RUN_FROM_CLI",
    "KOLBA_SKIP_DOTENV",
    "FLASK_SKIP_DOTENV",
    "KOLBA_RUN_PORT",
    "FLASK_RUN_PORT",
    "PYTHONSTARTUP",
    "FROM_DOTENV",
    "WHICH",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    # setenv-then-delenv records each variable's original state, so a value a command sets
    # (KOLBA_RUN_FROM_CLI, KOLBA_DEBUG, dotenv values) is undone after the test.
    for name in ENV_VARS:
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    saved_path = sys.path[:]
    saved_modules = set(sys.modules)
    for name in ("app", "wsgi"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    yield
    sys.path[:] = saved_path
    for name in set(sys.modules) - saved_modules:
        del sys.modules[name]


@pytest.fixture
def dotenv():
    return pytest.importorskip(
        "dotenv", reason="python-dotenv is not installed here; nox -s 'tests(core)' installs it"
    )


@pytest.fixture
def app():
    app = Kolba("cli_test_app")

    @app.route("/")
    def index():
        return "index"

    return app


@pytest.fixture
def group():
    """A fresh ``kolba`` group (the module-level one caches entry-point commands)."""
    return KolbaGroup(name="kolba")


@pytest.fixture
def invoke(app, group):
    """Run ``kolba <args>`` against ``app``."""
    runner = app.test_cli_runner()

    def invoke(*args, **kwargs):
        return runner.invoke(group, list(args), **kwargs)

    return invoke


def plugin(**hooks):
    """A plugin object whose attributes are the given hook implementations."""
    return types.SimpleNamespace(**{name: kolba.hookimpl(f) for name, f in hooks.items()})


def listed(help_text):
    """The command names in the "Commands:" section of a help text."""
    section = help_text.partition("\nCommands:\n")[2]
    return {line.split()[0] for line in section.splitlines() if line.startswith("  ")}


def module(name, **attrs):
    mod = types.ModuleType(name)
    vars(mod).update(attrs)
    return mod


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# -- find_best_app -------------------------------------------------------------------------


def test_find_best_app_takes_attribute_app():
    app = Kolba("x")
    assert find_best_app(module("m", app=app, other=Kolba("y"))) is app


def test_find_best_app_takes_attribute_application():
    app = Kolba("x")
    assert find_best_app(module("m", application=app, other=Kolba("y"))) is app


def test_find_best_app_takes_the_single_instance_under_any_name():
    app = Kolba("x")
    assert find_best_app(module("m", my_app=app)) is app


def test_find_best_app_rejects_several_instances():
    with pytest.raises(NoAppException, match="multiple Kolba applications in module 'm'"):
        find_best_app(module("m", one=Kolba("x"), two=Kolba("y")))


@pytest.mark.parametrize("factory_name", ["create_app", "make_app"])
def test_find_best_app_calls_a_factory_without_arguments(factory_name):
    app = Kolba("x")
    assert find_best_app(module("m", **{factory_name: lambda: app})) is app


def test_find_best_app_reports_a_factory_that_needs_arguments():
    def create_app(config_name):
        return Kolba("x")

    with pytest.raises(NoAppException, match=r"Use 'm:create_app\(args\)'"):
        find_best_app(module("m", create_app=create_app))


def test_find_best_app_lets_a_type_error_inside_the_factory_through():
    def create_app():
        raise TypeError("bug inside the factory")

    with pytest.raises(TypeError, match="bug inside the factory"):
        find_best_app(module("m", create_app=create_app))


def test_find_best_app_names_the_module_when_nothing_is_found():
    with pytest.raises(NoAppException, match="Failed to find a Kolba application .* 'm'"):
        find_best_app(module("m", app="not an app"))


def test_no_app_exception_is_a_click_usage_error():
    assert issubclass(NoAppException, click.UsageError)


# -- find_app_by_string --------------------------------------------------------------------


def test_find_app_by_string_takes_an_attribute():
    app = Kolba("x")
    assert find_app_by_string(module("m", web=app), "web") is app


def test_find_app_by_string_calls_a_named_function_without_arguments():
    app = Kolba("x")
    assert find_app_by_string(module("m", build=lambda: app), "build") is app


def test_find_app_by_string_passes_literal_arguments_to_the_factory():
    def create_app(name, *, options):
        app = Kolba(name)
        app.config["OPTIONS"] = options
        return app

    app = find_app_by_string(
        module("m", create_app=create_app), 'create_app("named", options={"a": [1, 2.5]})'
    )
    assert (app.name, app.config["OPTIONS"]) == ("named", {"a": [1, 2.5]})


@pytest.mark.parametrize(
    "expression",
    ['create_app(__import__("os").getcwd())', "create_app(name)", "create_app(**opts)"],
)
def test_find_app_by_string_evaluates_nothing_but_literals(expression):
    called = []
    with pytest.raises(NoAppException, match="literal values"):
        find_app_by_string(module("m", create_app=called.append), expression)
    assert called == []


def test_find_app_by_string_rejects_a_dotted_function_reference():
    with pytest.raises(NoAppException, match="must be a simple name"):
        find_app_by_string(module("m"), "factories.create()")


@pytest.mark.parametrize("expression", ["create_app(", "1 + 2", "app[0]"])
def test_find_app_by_string_rejects_other_expressions(expression):
    with pytest.raises(NoAppException, match="Failed to parse"):
        find_app_by_string(module("m"), expression)


def test_find_app_by_string_reports_a_missing_attribute():
    with pytest.raises(NoAppException, match="Failed to find attribute 'nope' in module 'm'"):
        find_app_by_string(module("m"), "nope")


def test_find_app_by_string_reports_wrong_factory_arguments():
    def create_app(name):
        return Kolba(name)

    with pytest.raises(NoAppException, match="could not be called with the specified"):
        find_app_by_string(module("m", create_app=create_app), "create_app(1, 2)")


def test_find_app_by_string_refuses_to_call_an_app():
    with pytest.raises(NoAppException, match="not a factory function"):
        find_app_by_string(module("m", app=Kolba("x")), "app()")


def test_find_app_by_string_reports_a_factory_returning_something_else():
    with pytest.raises(NoAppException, match="valid Kolba application was not obtained"):
        find_app_by_string(module("m", create_app=lambda: None), "create_app()")


# -- prepare_import and locate_app -----------------------------------------------------------


def test_prepare_import_gives_the_package_qualified_name_of_a_file(tmp_path):
    write(tmp_path / "src" / "shop" / "__init__.py", "")
    write(tmp_path / "src" / "shop" / "web.py", "")
    assert prepare_import("src/shop/web.py") == "shop.web"
    assert sys.path[0] == str(tmp_path / "src")


def test_prepare_import_names_a_package_by_its_init_file(tmp_path):
    write(tmp_path / "shop" / "__init__.py", "")
    assert prepare_import("shop/__init__.py") == "shop"


def test_prepare_import_takes_a_plain_module_name(tmp_path):
    assert prepare_import("manage") == "manage"
    assert sys.path[0] == str(tmp_path)


def test_locate_app_imports_the_module_and_finds_the_app(tmp_path):
    write(tmp_path / "locate_one.py", "import kolba\nweb = kolba.Kolba('located')\n")
    assert locate_app(prepare_import("locate_one.py"), None).name == "located"


def test_locate_app_reports_a_missing_module():
    with pytest.raises(NoAppException, match="Could not import 'no_such_module_here'"):
        locate_app("no_such_module_here", None)


def test_locate_app_returns_none_for_a_missing_module_when_asked():
    assert locate_app("no_such_module_here", None, raise_if_not_found=False) is None


def test_locate_app_shows_an_import_error_raised_inside_the_module(tmp_path):
    write(tmp_path / "locate_broken.py", "import no_such_dependency_here\n")
    prepare_import("locate_broken.py")
    with pytest.raises(NoAppException, match="(?s)While importing 'locate_broken'.*Traceback"):
        locate_app("locate_broken", None, raise_if_not_found=False)


# -- ScriptInfo ----------------------------------------------------------------------------


def test_script_info_loads_the_app_once():
    calls = []
    info = ScriptInfo(create_app=lambda: calls.append(1) or Kolba("x"))
    assert info.load_app() is info.load_app()
    assert calls == [1]


def test_script_info_loads_module_and_factory_call_from_the_import_path(tmp_path):
    write(
        tmp_path / "info_factory.py",
        """\
        import kolba

        def create_app(name):
            return kolba.Kolba(name)
        """,
    )
    info = ScriptInfo(app_import_path="info_factory:create_app('from-args')")
    assert info.load_app().name == "from-args"


def test_script_info_loads_a_file_path(tmp_path):
    write(tmp_path / "site" / "info_file.py", "import kolba\napp = kolba.Kolba('by-file')\n")
    assert ScriptInfo(app_import_path="site/info_file.py").load_app().name == "by-file"


def test_script_info_finds_app_py_in_the_current_folder(tmp_path):
    write(tmp_path / "app.py", "import kolba\napp = kolba.Kolba('from-app-py')\n")
    assert ScriptInfo().load_app().name == "from-app-py"


def test_script_info_prefers_wsgi_py_to_app_py(tmp_path):
    write(tmp_path / "app.py", "import kolba\napp = kolba.Kolba('from-app-py')\n")
    write(tmp_path / "wsgi.py", "import kolba\napp = kolba.Kolba('from-wsgi-py')\n")
    assert ScriptInfo().load_app().name == "from-wsgi-py"


def test_script_info_without_an_app_says_how_to_name_one():
    with pytest.raises(NoAppException, match="'kolba --app' option, the 'KOLBA_APP'"):
        ScriptInfo().load_app()


def test_script_info_sets_debug_from_kolba_debug(monkeypatch):
    monkeypatch.setenv("KOLBA_DEBUG", "1")
    assert ScriptInfo(create_app=lambda: Kolba("x")).load_app().debug is True


def test_script_info_sets_debug_from_flask_debug(monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "True")
    assert ScriptInfo(create_app=lambda: Kolba("x")).load_app().debug is True


def test_script_info_leaves_debug_alone_without_set_debug_flag(monkeypatch):
    monkeypatch.setenv("KOLBA_DEBUG", "0")
    app = Kolba("x")
    app.debug = True
    assert ScriptInfo(create_app=lambda: app, set_debug_flag=False).load_app().debug is True


# -- app.cli, AppGroup, with_appcontext ------------------------------------------------------


def test_app_cli_command_runs_in_the_app_context(app):
    @app.cli.command("name")
    def name():
        click.echo(current_app.name)

    assert app.test_cli_runner().invoke(args=["name"]).output == "cli_test_app\n"


def test_app_cli_command_works_without_parentheses(app):
    @app.cli.command
    def hello():
        click.echo(current_app.name)

    assert app.test_cli_runner().invoke(args=["hello"]).output == "cli_test_app\n"


def test_app_cli_command_with_appcontext_false_runs_without_a_context(app):
    @app.cli.command("plain", with_appcontext=False)
    def plain():
        click.echo(kolba.has_app_context())

    assert app.test_cli_runner().invoke(args=["plain"]).output == "False\n"


def test_app_group_subgroup_commands_run_in_the_app_context(app):
    @app.cli.group()
    def db():
        pass

    @db.command()
    def init():
        click.echo(current_app.name)

    assert isinstance(db, AppGroup)
    assert app.test_cli_runner().invoke(args=["db", "init"]).output == "cli_test_app\n"


def test_with_appcontext_loads_the_app_from_script_info(app):
    @click.command()
    @with_appcontext
    def show():
        click.echo(current_app.name)

    result = CliRunner().invoke(show, obj=ScriptInfo(create_app=lambda: app))
    assert result.output == "cli_test_app\n"


def test_with_appcontext_runs_startup_hooks_once(app):
    started = []
    app.plugins.register(plugin(kolba_app_startup=lambda app: started.append(app)))

    @app.cli.command()
    def noop():
        pass

    runner = app.test_cli_runner()
    runner.invoke(args=["noop"])
    runner.invoke(args=["noop"])
    assert started == [app]


def test_startup_config_error_is_a_clean_cli_error(app):
    def kolba_app_startup(app):
        raise kolba.ConfigError("FAKE_URL", "is required.")

    app.plugins.register(plugin(kolba_app_startup=kolba_app_startup))

    @app.cli.command()
    def noop():
        pass

    result = app.test_cli_runner().invoke(args=["noop"])
    assert result.exit_code == 1
    assert "Error: The app could not start: FAKE_URL: is required." in result.output


def test_unknown_name_in_kolba_extensions_is_a_clean_cli_error(app):
    app.config["KOLBA_EXTENSIONS"] = ["no-such-extension"]

    @app.cli.command()
    def noop():
        pass

    result = app.test_cli_runner().invoke(args=["noop"])
    assert result.exit_code == 1
    assert "Error: The app could not start: KOLBA_EXTENSIONS names 'no-such-extension'" in (
        result.output
    )


# -- the kolba group -------------------------------------------------------------------------


def test_kolba_group_runs_an_app_cli_command(app, invoke):
    @app.cli.command()
    def greet():
        click.echo("hi")

    assert invoke("greet").output == "hi\n"


def test_kolba_group_runs_blueprint_cli_groups(app, invoke):
    bp = Blueprint("users", __name__)

    @bp.cli.command("create")
    def create():
        click.echo(f"created in {current_app.name}")

    app.register_blueprint(bp)
    assert invoke("users", "create").output == "created in cli_test_app\n"


def test_kolba_group_help_lists_builtin_and_app_commands(app, invoke):
    @app.cli.command()
    def greet():
        """Say hi."""

    assert listed(invoke("--help").output) == {
        "config",
        "doctor",
        "greet",
        "plugins",
        "routes",
        "run",
        "shell",
    }


def test_kolba_group_help_works_without_an_app(group):
    result = CliRunner().invoke(group, ["--help"])
    assert result.exit_code == 0
    assert "routes" in listed(result.stdout)
    assert "Error: Could not locate a Kolba application" in result.stderr


def test_kolba_group_help_works_while_the_app_is_broken(group):
    def create_app():
        raise RuntimeError("the app is broken")

    result = CliRunner().invoke(group, ["--help"], obj=ScriptInfo(create_app=create_app))
    assert result.exit_code == 0
    assert "routes" in listed(result.stdout)
    assert "RuntimeError: the app is broken" in result.stderr


@pytest.mark.parametrize("args", [["--help"], []])
def test_kolba_group_help_leaves_no_app_context_behind(app, invoke, args):
    @app.cli.command()
    def greet():
        pass

    invoke(*args)
    assert not kolba.has_app_context()


def test_kolba_group_unknown_command_without_an_app_says_why(group):
    result = CliRunner().invoke(group, ["greet"])
    assert result.exit_code == 2
    assert "Could not locate a Kolba application" in result.stderr
    assert "No such command 'greet'" in result.stderr


def test_kolba_group_command_needing_an_app_without_one_is_a_usage_error(group):
    result = CliRunner().invoke(group, ["routes"])
    assert result.exit_code == 2
    assert "Error: Could not locate a Kolba application" in result.stderr


def test_kolba_group_create_app_argument_gives_the_app():
    group = KolbaGroup(create_app=lambda: Kolba("made-by-group"))

    @group.command()
    def name():
        click.echo(current_app.name)

    assert CliRunner().invoke(group, ["name"]).output == "made-by-group\n"


def test_kolba_group_works_as_a_custom_click_group_class():
    @click.group(cls=KolbaGroup, create_app=lambda: Kolba("custom"))
    def custom():
        """A project's own command line."""

    @custom.command()
    def name():
        click.echo(current_app.name)

    result = CliRunner().invoke(custom, ["name"])
    assert result.output == "custom\n"


def test_kolba_group_without_default_commands_has_none():
    bare = KolbaGroup(add_default_commands=False)
    assert bare.commands == {}


def test_kolba_group_tells_app_run_that_the_cli_is_running(app, invoke):
    @app.cli.command()
    def noop():
        pass

    invoke("noop")
    assert os.environ["KOLBA_RUN_FROM_CLI"] == "true"


def test_kolba_group_version_option_prints_versions(group):
    output = CliRunner().invoke(group, ["--version"]).output
    assert f"Kolba {kolba.__version__}\n" in output
    assert output.startswith("Python ")
    assert "Werkzeug " in output


def test_kolba_group_debug_option_turns_debug_mode_on(app, invoke):
    @app.cli.command()
    def debug():
        click.echo(current_app.debug)

    assert invoke("--debug", "debug").output == "True\n"


def test_kolba_group_no_debug_option_wins_over_kolba_debug(app, invoke, monkeypatch):
    monkeypatch.setenv("KOLBA_DEBUG", "1")

    @app.cli.command()
    def debug():
        click.echo(current_app.debug)

    assert invoke("--no-debug", "debug").output == "False\n"


def test_kolba_group_app_option_names_the_app(group, tmp_path):
    write(tmp_path / "named_app.py", "import kolba\nweb = kolba.Kolba('named')\n")

    @group.command()
    @with_appcontext
    def name():
        click.echo(current_app.name)

    assert CliRunner().invoke(group, ["--app", "named_app:web", "name"]).output == "named\n"


def test_kolba_group_reads_kolba_app(group, tmp_path, monkeypatch):
    write(tmp_path / "env_app.py", "import kolba\nweb = kolba.Kolba('from-env')\n")
    monkeypatch.setenv("KOLBA_APP", "env_app")

    @group.command()
    @with_appcontext
    def name():
        click.echo(current_app.name)

    assert CliRunner().invoke(group, ["name"]).output == "from-env\n"


def test_kolba_group_reads_flask_app_as_a_fallback(group, tmp_path, monkeypatch):
    write(tmp_path / "manage.py", "import kolba\napp = kolba.Kolba('manage')\n")
    monkeypatch.setenv("FLASK_APP", "manage.py")

    @group.command()
    @with_appcontext
    def name():
        click.echo(current_app.name)

    assert CliRunner().invoke(group, ["name"]).output == "manage\n"


# -- commands from plugins and entry points -------------------------------------------------


def test_plugin_hook_commands_are_added(app, invoke):
    @click.command("hooked")
    def hooked():
        click.echo("from a plugin")

    app.plugins.register(plugin(kolba_cli_commands=lambda app: [hooked]))
    assert invoke("hooked").output == "from a plugin\n"
    assert "hooked" in listed(invoke("--help").output)


def test_plugin_hook_commands_run_after_the_app_started(app, invoke):
    started = []

    @click.command("hooked")
    def hooked():
        click.echo(f"started: {started == [True]}")

    app.plugins.register(
        plugin(
            kolba_cli_commands=lambda app: [hooked],
            kolba_app_startup=lambda app: started.append(True),
        )
    )
    assert invoke("hooked").output == "started: True\n"


def test_plugin_hook_commands_do_not_replace_app_commands(app, invoke):
    @click.command("greet")
    def plugin_greet():
        click.echo("plugin")

    @app.cli.command("greet")
    def app_greet():
        click.echo("app")

    app.plugins.register(plugin(kolba_cli_commands=lambda app: [plugin_greet]))
    assert invoke("greet").output == "app\n"


def test_plugin_hook_commands_of_a_later_plugin_win(app, invoke):
    def command(text):
        return click.Command("same", callback=lambda: click.echo(text))

    app.plugins.register(plugin(kolba_cli_commands=lambda app: [command("first")]))
    app.plugins.register(plugin(kolba_cli_commands=lambda app: [command("second")]))
    assert invoke("same").output == "second\n"


def test_entry_point_commands_are_added(monkeypatch, invoke):
    monkeypatch.syspath_prepend(FAKE_SITE)
    assert invoke("fake-hello").output == "hello from kolba-fakeext\n"


def test_entry_point_commands_are_listed_without_an_app(monkeypatch, group):
    monkeypatch.syspath_prepend(FAKE_SITE)
    assert "fake-hello" in listed(CliRunner().invoke(group, ["--help"]).stdout)


def test_broken_entry_point_command_warns_and_the_rest_still_work(monkeypatch, tmp_path, invoke):
    write(
        tmp_path / "site" / "kolba_broken-0.1.dist-info" / "METADATA",
        "Metadata-Version: 2.1\nName: kolba-broken\nVersion: 0.1\n",
    )
    write(
        tmp_path / "site" / "kolba_broken-0.1.dist-info" / "entry_points.txt",
        "[kolba.commands]\nbroken = kolba_no_such_module:command\n",
    )
    monkeypatch.syspath_prepend(tmp_path / "site")
    result = invoke("routes")
    assert result.exit_code == 0
    assert "Warning: could not load the command 'broken'" in result.stderr
    assert "Endpoint" in result.stdout


# -- dotenv files ----------------------------------------------------------------------------


def test_load_dotenv_reads_kolbaenv(dotenv, tmp_path):
    write(tmp_path / ".kolbaenv", "FROM_DOTENV=kolbaenv\n")
    assert load_dotenv() is True
    assert os.environ["FROM_DOTENV"] == "kolbaenv"


def test_load_dotenv_reads_flaskenv(dotenv, tmp_path):
    write(tmp_path / ".flaskenv", "FROM_DOTENV=flaskenv\n")
    load_dotenv()
    assert os.environ["FROM_DOTENV"] == "flaskenv"


def test_load_dotenv_prefers_env_then_kolbaenv_then_flaskenv(dotenv, tmp_path):
    write(tmp_path / ".flaskenv", "FROM_DOTENV=flaskenv\nWHICH=flaskenv\n")
    write(tmp_path / ".kolbaenv", "FROM_DOTENV=kolbaenv\nWHICH=kolbaenv\n")
    write(tmp_path / ".env", "FROM_DOTENV=env\n")
    load_dotenv()
    assert (os.environ["FROM_DOTENV"], os.environ["WHICH"]) == ("env", "kolbaenv")


def test_load_dotenv_keeps_variables_already_set(dotenv, tmp_path, monkeypatch):
    monkeypatch.setenv("FROM_DOTENV", "environment")
    write(tmp_path / ".env", "FROM_DOTENV=env\n")
    load_dotenv()
    assert os.environ["FROM_DOTENV"] == "environment"


def test_load_dotenv_path_wins_over_the_default_files(dotenv, tmp_path):
    write(tmp_path / ".env", "FROM_DOTENV=env\n")
    custom = write(tmp_path / "custom.env", "FROM_DOTENV=custom\n")
    load_dotenv(custom)
    assert os.environ["FROM_DOTENV"] == "custom"


def test_load_dotenv_without_defaults_reads_only_the_path(dotenv, tmp_path):
    write(tmp_path / ".env", "WHICH=env\n")
    custom = write(tmp_path / "custom.env", "FROM_DOTENV=custom\n")
    load_dotenv(custom, load_defaults=False)
    assert "WHICH" not in os.environ


def test_load_dotenv_finds_files_in_parent_folders(dotenv, tmp_path, monkeypatch):
    write(tmp_path / ".kolbaenv", "FROM_DOTENV=parent\n")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    load_dotenv()
    assert os.environ["FROM_DOTENV"] == "parent"


def test_load_dotenv_without_files_returns_false(dotenv):
    assert load_dotenv() is False


def test_load_dotenv_without_python_dotenv_prints_a_tip(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "dotenv", None)  # makes `import dotenv` fail
    write(tmp_path / ".env", "FROM_DOTENV=env\n")
    assert load_dotenv() is False
    assert "Install python-dotenv" in capsys.readouterr().err
    assert "FROM_DOTENV" not in os.environ


def test_env_file_option_loads_the_file(dotenv, tmp_path, app, invoke):
    write(tmp_path / "custom.env", "FROM_DOTENV=custom\n")

    @app.cli.command()
    def show():
        click.echo(os.environ["FROM_DOTENV"])

    assert invoke("-e", "custom.env", "show").output == "custom\n"


def test_env_file_option_without_python_dotenv_is_a_bad_parameter(tmp_path, monkeypatch, invoke):
    monkeypatch.setitem(sys.modules, "dotenv", None)
    write(tmp_path / "custom.env", "FROM_DOTENV=custom\n")
    result = invoke("--env-file", "custom.env", "routes")
    assert result.exit_code == 2
    assert "python-dotenv must be installed" in result.stderr


def test_kolba_group_loads_kolbaenv_before_running_a_command(dotenv, tmp_path, app, invoke):
    write(tmp_path / ".kolbaenv", "FROM_DOTENV=kolbaenv\n")

    @app.cli.command()
    def show():
        click.echo(os.environ["FROM_DOTENV"])

    assert invoke("show").output == "kolbaenv\n"


def test_kolba_skip_dotenv_skips_the_default_files(dotenv, tmp_path, monkeypatch, invoke):
    monkeypatch.setenv("KOLBA_SKIP_DOTENV", "1")
    write(tmp_path / ".kolbaenv", "FROM_DOTENV=kolbaenv\n")
    invoke("routes")
    assert "FROM_DOTENV" not in os.environ


def test_kolbaenv_can_name_the_app_for_help(dotenv, tmp_path, group):
    write(
        tmp_path / "dotenv_named.py",
        """\
        import kolba
        app = kolba.Kolba("dotenv-named")

        @app.cli.command()
        def greet():
            "Say hi."
        """,
    )
    write(tmp_path / ".kolbaenv", "KOLBA_APP=dotenv_named\n")
    result = CliRunner().invoke(group, ["--help"])
    assert "greet" in listed(result.stdout)


def test_kolbaenv_can_name_the_app_for_bare_kolba(dotenv, tmp_path, group):
    write(
        tmp_path / "dotenv_bare.py",
        """\
        import kolba
        app = kolba.Kolba("dotenv-bare")

        @app.cli.command()
        def greet():
            "Say hi."
        """,
    )
    write(tmp_path / ".kolbaenv", "KOLBA_APP=dotenv_bare\n")
    result = CliRunner().invoke(group, [])
    assert "greet" in listed(result.output)


# -- run ---------------------------------------------------------------------------------------


@pytest.fixture
def served(monkeypatch):
    """The calls the run command makes to werkzeug's run_simple."""
    calls = []

    def fake_run_simple(hostname, port, application, **options):
        calls.append({"host": hostname, "port": port, "app": application, **options})

    monkeypatch.setattr(werkzeug.serving, "run_simple", fake_run_simple)
    return calls


def test_run_serves_the_app_on_localhost_port_5000(app, invoke, served):
    invoke("run")
    assert (served[0]["host"], served[0]["port"], served[0]["app"]) == ("127.0.0.1", 5000, app)


def test_run_passes_host_and_port(invoke, served):
    invoke("run", "--host", "0.0.0.0", "--port", "8088")
    assert (served[0]["host"], served[0]["port"]) == ("0.0.0.0", 8088)


def test_run_reads_the_port_from_kolba_run_port(invoke, served, monkeypatch):
    monkeypatch.setenv("KOLBA_RUN_PORT", "8123")
    invoke("run")
    assert served[0]["port"] == 8123


def test_run_reads_the_port_from_flask_run_port_as_a_fallback(invoke, served, monkeypatch):
    monkeypatch.setenv("FLASK_RUN_PORT", "8124")
    invoke("run")
    assert served[0]["port"] == 8124


def test_run_without_debug_has_no_reloader_or_debugger(invoke, served):
    invoke("run")
    assert (served[0]["use_reloader"], served[0]["use_debugger"]) == (False, False)


def test_run_debug_turns_on_reloader_and_debugger(app, invoke, served):
    invoke("run", "--debug")
    assert (served[0]["use_reloader"], served[0]["use_debugger"]) == (True, True)
    assert app.debug is True


def test_run_follows_the_group_debug_option(invoke, served):
    invoke("--debug", "run")
    assert (served[0]["use_reloader"], served[0]["use_debugger"]) == (True, True)


def test_run_follows_kolba_debug(invoke, served, monkeypatch):
    monkeypatch.setenv("KOLBA_DEBUG", "1")
    invoke("run")
    assert served[0]["use_debugger"] is True


def test_run_debug_with_no_reload_and_no_debugger(invoke, served):
    invoke("run", "--debug", "--no-reload", "--no-debugger")
    assert (served[0]["use_reloader"], served[0]["use_debugger"]) == (False, False)


def test_run_reload_without_debug(invoke, served):
    invoke("run", "--reload")
    assert (served[0]["use_reloader"], served[0]["use_debugger"]) == (True, False)


def test_run_is_threaded_by_default(invoke, served):
    invoke("run")
    assert served[0]["threaded"] is True


def test_run_without_threads(invoke, served):
    invoke("run", "--without-threads")
    assert served[0]["threaded"] is False


def test_run_passes_certificate_and_key_files(tmp_path, invoke, served):
    cert = write(tmp_path / "cert.pem", "cert")
    key = write(tmp_path / "key.pem", "key")
    invoke("run", "--cert", "cert.pem", "--key", "key.pem")
    assert served[0]["ssl_context"] == (str(cert), str(key))


def test_run_certificate_file_requires_a_key(tmp_path, invoke, served):
    write(tmp_path / "cert.pem", "cert")
    result = invoke("run", "--cert", "cert.pem")
    assert result.exit_code == 2
    assert 'Required when using "--cert"' in result.stderr
    assert served == []


def test_run_key_requires_a_certificate(tmp_path, invoke, served):
    write(tmp_path / "key.pem", "key")
    result = invoke("run", "--key", "key.pem")
    assert result.exit_code == 2
    assert '"--cert" must also be specified' in result.stderr


def test_run_accepts_an_ssl_context_import_name(tmp_path, invoke, served):
    write(
        tmp_path / "tls_settings.py",
        "import ssl\ncontext = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n",
    )
    sys.path.insert(0, str(tmp_path))
    invoke("run", "--cert", "tls_settings.context")
    import tls_settings

    assert served[0]["ssl_context"] is tls_settings.context


def test_run_adhoc_certificate_takes_no_key(tmp_path, invoke, served):
    pytest.importorskip(
        "cryptography", reason="an ad-hoc certificate needs the cryptography package, not installed"
    )
    write(tmp_path / "key.pem", "key")
    result = invoke("run", "--cert", "adhoc", "--key", "key.pem")
    assert result.exit_code == 2
    assert '"--key" is not used' in result.stderr


def test_run_rejects_an_unknown_certificate(invoke, served):
    result = invoke("run", "--cert", "no_such_module.context")
    assert result.exit_code == 2
    assert served == []


def test_run_splits_extra_files_on_the_path_separator(tmp_path, invoke, served):
    invoke("run", "--extra-files", os.pathsep.join(["a.cfg", "b.cfg"]))
    assert served[0]["extra_files"] == ["a.cfg", "b.cfg"]


def test_run_splits_exclude_patterns_on_the_path_separator(invoke, served):
    invoke("run", "--exclude-patterns", os.pathsep.join(["*.tmp", "*/cache/*"]))
    assert served[0]["exclude_patterns"] == ["*.tmp", "*/cache/*"]


def test_run_sets_kolba_run_from_cli(invoke, served):
    invoke("run")
    assert os.environ["KOLBA_RUN_FROM_CLI"] == "true"


def test_run_starts_the_app_before_serving(app, invoke, monkeypatch):
    order = []
    app.plugins.register(plugin(kolba_app_startup=lambda app: order.append("startup")))
    monkeypatch.setattr(werkzeug.serving, "run_simple", lambda *a, **kw: order.append("serve"))
    invoke("run")
    assert order == ["startup", "serve"]


def test_run_with_the_reloader_does_not_start_the_app_in_the_watching_process(app, invoke, served):
    started = []
    app.plugins.register(plugin(kolba_app_startup=lambda app: started.append(True)))
    invoke("run", "--reload")
    assert started == []


def test_run_prints_the_banner(invoke, served):
    output = invoke("run").output
    assert " * Serving Kolba app 'cli_test_app'" in output
    assert " * Debug mode: off" in output


def test_stray_app_run_in_the_module_does_not_serve(tmp_path, group, served):
    write(
        tmp_path / "stray_run.py",
        """\
        import kolba
        app = kolba.Kolba("stray")
        app.run()
        """,
    )
    result = CliRunner().invoke(group, ["--app", "stray_run", "run"])
    assert result.exit_code == 0
    assert len(served) == 1
    assert "Ignoring a call to 'app.run()'" in result.output


# -- shell -------------------------------------------------------------------------------------


@pytest.fixture
def interact(monkeypatch):
    """What ``code.interact`` was called with."""
    calls = []
    monkeypatch.setattr(code, "interact", lambda **kwargs: calls.append(kwargs))
    return calls


def test_shell_namespace_has_app_g_and_shell_context_processor_names(app, invoke, interact):
    app.shell_context_processor(lambda: {"answer": 42})
    invoke("shell")
    namespace = interact[0]["local"]
    assert namespace["app"] is app
    assert namespace["g"] is kolba.g
    assert namespace["answer"] == 42


def test_shell_namespace_has_names_from_plugins(app, invoke, interact):
    app.plugins.register(plugin(kolba_shell_context=lambda app: {"db": "the db"}))
    invoke("shell")
    assert interact[0]["local"]["db"] == "the db"


def test_shell_banner_names_python_the_app_and_its_instance_path(app, invoke, interact):
    invoke("shell")
    banner = interact[0]["banner"]
    assert banner.startswith(f"Python {sys.version}")
    assert "App: cli_test_app" in banner
    assert f"Instance: {app.instance_path}" in banner


def test_shell_runs_the_pythonstartup_file(tmp_path, monkeypatch, invoke, interact):
    startup = write(tmp_path / "startup.py", "from_startup = 'yes'\napp = 'replaced'\n")
    monkeypatch.setenv("PYTHONSTARTUP", str(startup))
    invoke("shell")
    namespace = interact[0]["local"]
    assert namespace["from_startup"] == "yes"
    assert isinstance(namespace["app"], Kolba)  # the app's own names win


def test_shell_runs_what_it_reads(invoke):
    result = invoke("shell", input="print(app.name)\n")
    assert "cli_test_app\n" in result.stdout


@pytest.fixture
def app_with_name(app):
    app.shell_context_processor(lambda: {"current_app_name": current_app.name})
    return app


def test_shell_context_processors_run_in_the_app_context(app_with_name, invoke):
    result = invoke("shell", input="print(current_app_name)\n")
    assert "cli_test_app" in result.stdout


# -- routes ------------------------------------------------------------------------------------


@pytest.fixture
def routed():
    app = Kolba("routed", static_folder=None)

    @app.route("/zeta", methods=["GET", "POST"])
    def alpha():
        return ""

    @app.route("/alpha", methods=["DELETE"])
    def zeta():
        return ""

    return app


def routes(app, *args):
    result = app.test_cli_runner().invoke(KolbaGroup(), ["routes", *args])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_routes_prints_endpoint_methods_and_rule(routed):
    assert routes(routed) == [
        "Endpoint  Methods    Rule",
        "--------  ---------  ------",
        "alpha     GET, POST  /zeta",
        "zeta      DELETE     /alpha",
    ]


def test_routes_all_methods_shows_head_and_options(routed):
    assert "alpha     GET, HEAD, OPTIONS, POST  /zeta" in routes(routed, "--all-methods")


def test_routes_sort_by_rule(routed):
    assert [line.split()[0] for line in routes(routed, "--sort", "rule")[2:]] == ["zeta", "alpha"]


def test_routes_sort_by_methods(routed):
    lines = routes(routed, "--sort", "methods")[2:]
    assert [line.split()[0] for line in lines] == ["zeta", "alpha"]


def test_routes_sort_by_match_keeps_the_matching_order():
    app = Kolba("x", static_folder=None)
    app.add_url_rule("/b", "b", lambda: "")
    app.add_url_rule("/a", "a", lambda: "")
    assert [line.split()[0] for line in routes(app, "--sort", "match")[2:]] == ["b", "a"]


def test_routes_sort_by_domain_without_domains_keeps_the_matching_order(routed):
    assert [line.split()[0] for line in routes(routed, "-s", "domain")[2:]] == ["alpha", "zeta"]


def test_routes_show_a_subdomain_column_when_one_is_used():
    app = Kolba("x", static_folder=None, subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"
    app.add_url_rule("/", "index", lambda: "")
    app.add_url_rule("/", "api", lambda: "", subdomain="api")
    lines = routes(app)
    assert lines[0].split() == ["Endpoint", "Methods", "Subdomain", "Rule"]
    assert lines[2].split() == ["api", "GET", "api", "/"]


def test_routes_show_a_host_column_with_host_matching():
    app = Kolba("x", static_folder=None, host_matching=True)
    app.add_url_rule("/", "index", lambda: "", host="example.test")
    lines = routes(app)
    assert lines[0].split() == ["Endpoint", "Methods", "Host", "Rule"]
    assert lines[2].split() == ["index", "GET", "example.test", "/"]


def test_routes_without_routes_says_so():
    assert routes(Kolba("x", static_folder=None)) == ["No routes were registered."]


def test_routes_rejects_an_unknown_sort(routed):
    result = routed.test_cli_runner().invoke(KolbaGroup(), ["routes", "--sort", "size"])
    assert result.exit_code == 2


# -- plugins -----------------------------------------------------------------------------------


class Greeter(kolba.Extension):
    """Greets people."""

    name = "greeter"
    config_keys = (kolba.ConfigKey("GREETING", str, "Hello", "What the greeter says."),)

    @kolba.hookimpl
    def kolba_shell_context(self, app):
        return {"greeting": app.config["GREETING"]}


def plugins_json(invoke, *args):
    result = invoke("plugins", "--json", *args)
    assert result.exit_code == 0, result.output
    return {row["name"]: row for row in json.loads(result.stdout)}


def test_plugins_lists_the_core_plugin_as_enabled(invoke):
    core = plugins_json(invoke)["kolba-core"]
    assert core["enabled"] is True
    assert core["hooks"] == ["kolba_config_keys", "kolba_plugin_info"]


def test_plugins_json_rows_have_exactly_the_documented_fields(invoke):
    for row in plugins_json(invoke).values():
        assert set(row) == {"name", "distribution", "version", "enabled", "hooks"}


def test_plugins_lists_an_extension_initialised_directly(app, invoke):
    Greeter(app)
    greeter = plugins_json(invoke)["greeter"]
    assert greeter["enabled"] is True
    assert "kolba_shell_context" in greeter["hooks"]


def test_plugins_lists_a_plugin_registered_without_a_name_by_its_class(app, invoke):
    class Auditing:
        @kolba.hookimpl
        def kolba_app_startup(self, app):
            pass

    app.plugins.register(Auditing())
    assert plugins_json(invoke)["Auditing"]["hooks"] == ["kolba_app_startup"]


def test_plugins_lists_an_installed_extension_the_app_does_not_enable(monkeypatch, invoke):
    monkeypatch.syspath_prepend(FAKE_SITE)
    fake = plugins_json(invoke)["fake"]
    assert fake == {
        "name": "fake",
        "distribution": "kolba-fakeext",
        "version": "1.2.3",
        "enabled": False,
        "hooks": ["kolba_config_keys", "kolba_health_checks", "kolba_plugin_info"],
    }


def test_plugins_shows_the_hooks_of_an_enabled_installed_extension(monkeypatch, app, invoke):
    monkeypatch.syspath_prepend(FAKE_SITE)
    import kolba_fakeext

    kolba_fakeext.FakeExt(app)
    fake = plugins_json(invoke)["fake"]
    assert fake["enabled"] is True
    assert fake["hooks"] == ["kolba_config_keys", "kolba_health_checks", "kolba_plugin_info"]


def test_plugins_lists_an_installed_extension_once_when_enabled(monkeypatch, app, invoke):
    monkeypatch.syspath_prepend(FAKE_SITE)
    import kolba_fakeext

    kolba_fakeext.FakeExt(app)
    names = [row["name"] for row in json.loads(invoke("plugins", "--json").stdout)]
    assert names.count("fake") == 1


def test_plugins_counts_extensions_enabled_by_kolba_extensions(monkeypatch, app, invoke):
    monkeypatch.syspath_prepend(FAKE_SITE)
    app.config["KOLBA_EXTENSIONS"] = ["fake"]
    assert plugins_json(invoke)["fake"]["enabled"] is True


def test_plugins_works_without_an_app(monkeypatch, group):
    monkeypatch.syspath_prepend(FAKE_SITE)
    result = CliRunner().invoke(group, ["plugins", "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [(r["name"], r["enabled"]) for r in rows] == [("fake", False)]
    assert "no app loaded" in result.stderr


def test_plugins_prints_a_table(app, invoke):
    Greeter(app)
    lines = invoke("plugins").output.splitlines()
    assert lines[0].split() == ["Name", "Distribution", "Version", "Enabled", "Hooks"]
    greeter = next(line for line in lines if line.startswith("greeter "))
    assert " yes " in greeter
    assert "kolba_shell_context" in greeter


def test_plugins_without_app_or_installed_extensions_says_so(group):
    result = CliRunner().invoke(group, ["plugins"])
    assert "No plugins are installed." in result.stdout


# -- config ------------------------------------------------------------------------------------


def config_json(invoke):
    result = invoke("config", "--json")
    assert result.exit_code == 0, result.output
    return {row["name"]: row for row in json.loads(result.stdout)}


def test_config_lists_core_keys_with_type_default_value_and_help(app, invoke):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    row = config_json(invoke)["MAX_CONTENT_LENGTH"]
    assert row == {
        "name": "MAX_CONTENT_LENGTH",
        "type": "int",
        "default": None,
        "value": 1024,
        "source": "config",
        "help": "Largest request body accepted (413 above).",
        "secret": False,
    }


def test_config_masks_a_secret_value(app, invoke):
    app.config["SECRET_KEY"] = "do not show me"
    result = invoke("config")
    assert "do not show me" not in result.output
    line = next(line for line in result.output.splitlines() if line.startswith("SECRET_KEY "))
    assert "********" in line


def test_config_masks_a_secret_value_in_json(app, invoke):
    app.config["SECRET_KEY"] = "do not show me"
    assert config_json(invoke)["SECRET_KEY"]["value"] == "********"


def test_config_shows_an_unset_secret_as_not_set(invoke):
    assert config_json(invoke)["SECRET_KEY"]["value"] == "(not set)"


def test_config_lists_keys_declared_by_extensions(app, invoke):
    Greeter(app)
    app.config["GREETING"] = "Hi"
    row = config_json(invoke)["GREETING"]
    assert (row["default"], row["value"], row["help"]) == ("Hello", "Hi", "What the greeter says.")


def test_config_json_shows_values_json_cannot_hold_as_repr(invoke):
    row = config_json(invoke)["PERMANENT_SESSION_LIFETIME"]
    assert row["default"] == repr(datetime.timedelta(days=31))


def test_config_table_shows_values_as_python_literals(app, invoke):
    app.config["SERVER_NAME"] = "example.test"
    lines = invoke("config").output.splitlines()
    assert lines[0].split() == ["Key", "Type", "Default", "Value", "From", "Help"]
    line = next(line for line in lines if line.startswith("SERVER_NAME "))
    assert line.split()[:5] == ["SERVER_NAME", "str", "None", "'example.test'", "config"]


class Styled(kolba.Extension):
    """Styles pages."""

    name = "styled"
    config_keys = (kolba.ConfigKey("STYLED_THEME", str, "light", "Theme.", option="theme"),)


def test_config_shows_the_effective_value_of_an_init_app_option(app, invoke):
    Styled().init_app(app, theme="dark")
    row = config_json(invoke)["STYLED_THEME"]
    assert (row["value"], row["source"]) == ("dark", "option:theme")
    assert app.config["STYLED_THEME"] == "light"


def test_config_shows_the_config_value_when_no_option_was_given(app, invoke):
    Styled(app)
    row = config_json(invoke)["STYLED_THEME"]
    assert (row["value"], row["source"]) == ("light", "config")


def test_config_shows_the_core_default_debug_as_false(invoke, monkeypatch):
    monkeypatch.delenv("KOLBA_DEBUG", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    row = config_json(invoke)["DEBUG"]
    assert (row["default"], row["value"]) == (False, False)


# -- doctor ------------------------------------------------------------------------------------


def checks(app, *health_checks):
    app.plugins.register(plugin(kolba_health_checks=lambda app: list(health_checks)))


def test_doctor_without_checks_says_so_and_succeeds(invoke):
    result = invoke("doctor")
    assert result.exit_code == 0
    assert result.output == "No health checks are registered.\n"


def test_doctor_passing_checks_succeed(app, invoke):
    checks(app, kolba.HealthCheck("none", lambda: None), kolba.HealthCheck("yes", lambda: 1))
    result = invoke("doctor")
    assert result.exit_code == 0
    assert "2 passed, 0 failed." in result.output


def test_doctor_prints_name_status_detail_and_time(app, invoke):
    checks(app, kolba.HealthCheck("database", lambda: "connection refused"))
    lines = invoke("doctor").output.splitlines()
    assert lines[0].split() == ["Check", "Status", "Detail", "Time", "(ms)"]
    assert lines[2].split()[:4] == ["database", "FAIL", "connection", "refused"]
    assert lines[2].split()[-1].isdigit()


def test_doctor_check_returning_a_message_fails(app, invoke):
    checks(app, kolba.HealthCheck("database", lambda: "connection refused"))
    result = invoke("doctor")
    assert result.exit_code == 1
    assert "0 passed, 1 failed." in result.output


def test_doctor_check_raising_fails_with_the_exception(app, invoke):
    def check():
        raise ConnectionError("no route to host")

    checks(app, kolba.HealthCheck("cache", check))
    result = invoke("doctor")
    assert result.exit_code == 1
    assert "ConnectionError: no route to host" in result.output


def test_doctor_check_returning_false_fails(app, invoke):
    checks(app, kolba.HealthCheck("flag", lambda: False))
    result = invoke("doctor")
    assert result.exit_code == 1
    assert "returned False" in result.output


@pytest.fixture
def hang():
    """A check body that blocks until the test ends."""
    release = threading.Event()
    yield lambda: release.wait(30)
    release.set()


def test_doctor_check_exceeding_its_timeout_fails(app, invoke, hang):
    checks(app, kolba.HealthCheck("slow", hang, timeout=0.05))
    result = invoke("doctor")
    assert result.exit_code == 1
    assert "TIMEOUT" in result.output
    assert "no answer within 0.05 s" in result.output


def test_doctor_timeout_option_caps_each_check(app, invoke, hang):
    checks(app, kolba.HealthCheck("slow", hang, timeout=30))
    result = invoke("doctor", "--timeout", "0.05")
    assert result.exit_code == 1
    assert "no answer within 0.05 s" in result.output


def test_doctor_timeout_option_must_be_positive(invoke):
    assert invoke("doctor", "--timeout", "0").exit_code == 2


def test_doctor_runs_checks_at_the_same_time(app, invoke):
    both_running = threading.Barrier(2, timeout=5)

    def check():
        both_running.wait()  # breaks (and raises) unless the other check runs meanwhile

    checks(app, kolba.HealthCheck("one", check), kolba.HealthCheck("two", check))
    assert invoke("doctor").exit_code == 0


def test_doctor_checks_see_the_current_app(app, invoke):
    checks(app, kolba.HealthCheck("app", lambda: None if current_app.name else "no app"))
    assert invoke("doctor").exit_code == 0


def test_doctor_runs_checks_of_extensions(monkeypatch, app, invoke):
    monkeypatch.syspath_prepend(FAKE_SITE)
    import kolba_fakeext

    kolba_fakeext.FakeExt(app)
    result = invoke("doctor")
    assert "fake service  OK" in result.output


# -- docs/cli.md -------------------------------------------------------------------------------

DOCS_PAGE = Path(__file__).resolve().parents[3] / "docs" / "cli.md"
DOCS_EXAMPLES = [
    pytest.param(code, id=f"cli.md-{number}")
    for number, code in enumerate(
        re.findall(r"^```python\n(.*?)^```$", DOCS_PAGE.read_text(encoding="utf-8"), re.M | re.S)
    )
]


@pytest.mark.parametrize("example", DOCS_EXAMPLES)
def test_cli_reference_example_runs(example):
    exec(compile(example, str(DOCS_PAGE), "exec"), {"__name__": "docs_example"})


# -- first-hour errors: a broken app module or a bad setting -------------------------------

BAD_SETTING_APP = """
import kolba
from kolba import Kolba


class Counter(kolba.Extension):
    name = "counter"
    config_keys = (kolba.ConfigKey("COUNTER_START", int, 0, "Where counting starts."),)

    def create_state(self, app, options):
        if not isinstance(app.config["COUNTER_START"], int):
            raise kolba.ConfigError(
                "COUNTER_START", f"got {app.config['COUNTER_START']!r}; set it to an int"
            )
        return kolba.ExtensionState()


app = Kolba(__name__)
{before}
Counter(app)
{after}
"""


@pytest.mark.parametrize(
    ("before", "after"),
    [("app.config['COUNTER_START'] = 'ten'", ""), ("", "app.config['COUNTER_START'] = 'ten'")],
    ids=["set-before-init_app", "set-after-init_app"],
)
def test_a_bad_setting_is_one_line_naming_key_value_and_fix(tmp_path, monkeypatch, before, after):
    write(
        tmp_path / "bad_setting_app.py",
        BAD_SETTING_APP.replace("{before}", before).replace("{after}", after),
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--app", "bad_setting_app.py", "routes"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "COUNTER_START" in lines[0] and "'ten'" in lines[0] and "int" in lines[0]
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("from kolba import Kolba\napp = Kolba(__name__\n", 2, "SyntaxError: '(' was never closed"),
        ("from kolba import Kolba\nimport no_such_dependency_xyz\n", 2, "ModuleNotFoundError"),
    ],
    ids=["syntax-error", "import-error"],
)
def test_a_broken_app_module_shows_file_line_and_message_first(
    tmp_path, monkeypatch, source, line, message
):
    write(tmp_path / "broken_first_app.py", source)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--app", "broken_first_app.py", "routes"])
    assert result.exit_code != 0
    first = result.output.splitlines()[0]
    assert first.startswith(f"Error: {tmp_path / 'broken_first_app.py'}, line {line}: ")
    assert message in first
    assert "Traceback" in result.output
