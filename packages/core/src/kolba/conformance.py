"""The conformance suite for kolba extensions: subclass :class:`ExtensionConformance` in a test
class named ``Test...`` and pytest checks that the extension follows kolba's extension rules.
"""

from __future__ import annotations

import ast
import collections.abc as cabc
import importlib.metadata
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest

from .app import Kolba
from .config import Config
from .plugins import hookspecs
from .plugins.extension import ConfigError, ConfigKey, Extension, ExtensionState
from .plugins.manager import PluginManager
from .pytest_plugin import make_app as make_test_app
from .templating import render_template_string

#: How long ``kolba plugins --json`` may take before the check fails.
CLI_TIMEOUT = 60.0


class ExtensionConformance:
    """Checks every kolba extension should pass. Subclass it in your tests, in a class whose
    name starts with ``Test`` (pytest collects only those), and set :attr:`extension_class`::

        from kolba.conformance import ExtensionConformance
        from kolba_greeting import Greeting

        class TestGreetingConformance(ExtensionConformance):
            extension_class = Greeting
            distribution = "kolba-greeting"

    Each check is a ``test_*`` method that builds its own apps with :meth:`make_app` and its
    own extension objects with :meth:`make_extension`; override those two when the extension
    needs more (a running service, constructor arguments).
    """

    #: The :class:`kolba.Extension` subclass under test.
    extension_class: t.ClassVar[type[Extension[t.Any]]]
    #: Config every app needs before ``init_app`` (required keys, service URLs).
    config: t.ClassVar[t.Mapping[str, t.Any]] = {}
    #: A second valid config, applied on top of :attr:`config` to the second app of the
    #: isolation checks, so they can see that each app keeps its own values.
    other_config: t.ClassVar[t.Mapping[str, t.Any]] = {}
    #: The extension's README (or config reference page); set it to check that its config
    #: table has a row for every declared key.
    readme: t.ClassVar[str | os.PathLike[str] | None] = None
    #: The distribution name; set it to check that ``kolba plugins --json`` lists the
    #: extension (which needs the package installed, with a ``kolba.extensions`` entry point).
    distribution: t.ClassVar[str | None] = None

    def make_app(self, import_name: str = "conformance_app", **config: t.Any) -> Kolba:
        """Return a new app with :attr:`config` and then ``config`` set, without the extension."""
        return make_test_app(import_name, **{**self.config, **config})

    def make_extension(self) -> Extension[t.Any]:
        """Return a new extension object, not yet initialised on any app."""
        return self.extension_class()

    @pytest.fixture
    def kolba_command(self) -> list[str]:
        """The ``kolba`` command the plugin listing check runs; override this fixture to run
        another environment's."""
        return find_kolba_command()

    # -- init_app and the app factory ------------------------------------------------------

    def test_init_app_in_app_factory(self) -> None:
        ext = self.make_extension()

        def create_app() -> Kolba:
            app = self.make_app()
            ext.init_app(app)
            return app

        app = create_app()
        assert self.extension_class.name in app.extensions, (
            f"init_app did not store the per-app state in app.extensions"
            f"[{self.extension_class.name!r}]."
        )

    def test_constructor_with_app_initialises_it(self) -> None:
        app = self.make_app()
        self.extension_class(app)
        assert self.extension_class.name in app.extensions, (
            f"{self.extension_class.__name__}(app) did not call init_app(app)."
        )

    def test_app_serves_requests_after_init_app(self) -> None:
        app = self.make_app()
        self.make_extension().init_app(app)
        _exercise(app)

    def test_init_app_twice_follows_allow_reinit(self) -> None:
        ext = self.make_extension()
        app = self.make_app()
        ext.init_app(app)
        if not self.extension_class.allow_reinit:
            self._assert_refused(lambda: ext.init_app(app), "A second init_app")
            return
        first = app.extensions[self.extension_class.name]
        ext.init_app(app)
        second = app.extensions[self.extension_class.name]
        assert second is not first, (
            "allow_reinit is set, but a second init_app kept the old state: it must read the"
            " config again into a new state."
        )
        assert app.plugins.is_registered(ext), "A second init_app unregistered the extension."

    def test_second_object_on_same_app_follows_allow_reinit(self) -> None:
        app = self.make_app()
        first = self.make_extension()
        first.init_app(app)
        second = self.make_extension()
        if not self.extension_class.allow_reinit:
            self._assert_refused(
                lambda: second.init_app(app), "init_app of a second extension object"
            )
            return
        second.init_app(app)
        assert app.plugins.is_registered(second) and not app.plugins.is_registered(first), (
            "allow_reinit is set, but after init_app of a second object the first one's hooks"
            " still run: exactly the object init_app was last called on must be registered."
        )

    def _assert_refused(self, init: t.Callable[[], None], what: str) -> None:
        try:
            init()
        except RuntimeError as e:
            assert self.extension_class.name in str(e), (
                f"The error of {what} does not name the extension: {e}"
            )
        else:
            pytest.fail(
                f"{what} on the same app did not raise RuntimeError, and"
                f" {self.extension_class.__name__}.allow_reinit is not set. Set allow_reinit"
                " = True on the class to let init_app run again, instead of overriding it."
            )

    # -- per-app state ---------------------------------------------------------------------

    def test_each_app_gets_its_own_state(self) -> None:
        ext = self.make_extension()
        first, second = self.make_app("conformance_app_a"), self.make_app("conformance_app_b")
        ext.init_app(first)
        ext.init_app(second)
        name = self.extension_class.name
        state_a, state_b = first.extensions[name], second.extensions[name]
        assert state_a is not state_b, (
            f"Two apps share one state object in app.extensions[{name!r}]; create_state"
            " must return a new object for each app."
        )

    def test_state_is_typed_and_reached_through_one_accessor(self) -> None:
        ext = self.make_extension()
        app = self.make_app()
        ext.init_app(app)
        state = app.extensions[self.extension_class.name]
        assert isinstance(state, ExtensionState), (
            f"app.extensions[{self.extension_class.name!r}] is a {type(state).__name__};"
            " create_state must return an instance of a kolba.ExtensionState subclass."
        )
        assert ext.state(app) is state, "ext.state(app) does not return app.extensions[name]."
        with app.app_context():
            assert ext.state() is state, "ext.state() does not find the current app's state."

    def test_init_app_options_are_kept_in_the_state(self) -> None:
        keys = self.extension_class.option_keys()
        if not keys:
            pytest.skip("No config key declares an option, so init_app takes no options.")
        ext = self.make_extension()
        app = self.make_app()
        given = {}
        for option, key in keys.items():
            value = self.config.get(key.name, key.default)
            if value is not None:
                given[option] = value
        ext.init_app(app, **given)
        state = ext.state(app)
        assert dict(state.options) == given, (
            f"init_app got the options {given!r}, but the state keeps {dict(state.options)!r}."
        )
        settings = ext.settings(app)
        for option, value in given.items():
            assert settings[keys[option].name] == value, (
                f"ext.settings(app) shows {keys[option].name} = {settings[keys[option].name]!r},"
                f" not the option {option}={value!r}."
            )
        assert app.plugins.is_registered(ext), (
            "init_app with options registered another object than the user's: keep the"
            " options in the state, not in a copy of the extension."
        )

    def test_unknown_option_raises_type_error(self) -> None:
        app = self.make_app()
        with pytest.raises(TypeError, match="kolba_conformance_no_such_option"):
            self.make_extension().init_app(app, kolba_conformance_no_such_option=1)
        assert self.extension_class.name not in app.extensions

    def test_extension_object_holds_no_app_state(self) -> None:
        ext = self.make_extension()
        before = _Snapshot(_attributes(ext))
        ext.init_app(self.make_app("conformance_app_a"))
        ext.init_app(self.make_app("conformance_app_b"))
        changed = before.changed(_attributes(ext))
        assert not changed, (
            f"init_app changed the extension object's attributes {', '.join(changed)}. Keep"
            f" per-app state in app.extensions[{self.extension_class.name!r}] (return it from"
            " create_state), so one object serves many apps."
        )

    def test_config_does_not_leak_between_apps(self) -> None:
        ext = self.make_extension()
        first = self.make_app("conformance_app_a")
        ext.init_app(first)
        first_config = _Snapshot(first.config)
        second = self.make_app("conformance_app_b", **self.other_config)
        given = set(self.config) | set(self.other_config)
        leaked = sorted((_key_names(self.extension_class) - given) & second.config.keys())
        assert not leaked, (
            f"Keys {', '.join(leaked)} appeared in a new app's config before init_app: the"
            " defaults must be set on each app's config, not shared."
        )
        ext.init_app(second)
        changed = first_config.changed(first.config)
        assert not changed, (
            f"init_app on a second app changed the first app's config: {', '.join(changed)}."
        )
        for key, value in self.other_config.items():
            assert second.config[key] == value, (
                f"init_app replaced the second app's {key} = {value!r} with {second.config[key]!r}."
            )

    def test_one_object_serves_two_apps(self) -> None:
        ext = self.make_extension()
        first, second = self.make_app("conformance_app_a"), self.make_app("conformance_app_b")
        ext.init_app(first)
        ext.init_app(second)
        for app in (first, second):
            assert app.plugins.is_registered(ext), (
                f"The extension object is not registered with {app.name!r}'s plugins."
            )

    # -- config keys -----------------------------------------------------------------------

    def test_config_keys_are_declared_with_help(self) -> None:
        problems = []
        seen: set[str] = set()
        for key in self.extension_class.config_keys:
            if not isinstance(key, ConfigKey):
                problems.append(f"{key!r} is not a kolba.ConfigKey")
                continue
            if not key.name or key.name != key.name.upper():
                problems.append(f"{key.name!r} is not an UPPERCASE name")
            if not key.help.strip():
                problems.append(f"{key.name} has no help text")
            if key.name in seen:
                problems.append(f"{key.name} is declared twice")
            seen.add(key.name)
        assert not problems, "Config keys: " + "; ".join(problems) + "."

    def test_config_keys_are_in_the_readme_table(self) -> None:
        if self.readme is None:
            pytest.skip(
                "`readme` is not set: set it to the README whose config table must list every"
                " declared key."
            )
        text = Path(self.readme).read_text(encoding="utf-8")
        rows = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", text, re.M))
        missing = [key.name for key in self.extension_class.config_keys if key.name not in rows]
        assert not missing, (
            f"{self.readme} has no config table row for {', '.join(missing)}; add"
            " `| `KEY` | default | what it does |` for each, from its ConfigKey."
        )

    def test_config_defaults_are_applied(self) -> None:
        app = self.make_app()
        self.make_extension().init_app(app)
        for key in self.extension_class.config_keys:
            if key.name in self.config:
                continue
            assert key.name in app.config, f"init_app did not set the default of {key.name}."
            assert app.config[key.name] == key.default, (
                f"{key.name} is {app.config[key.name]!r} after init_app; its declared"
                f" default is {key.default!r}."
            )

    def test_config_values_set_before_init_app_are_kept(self) -> None:
        app = self.make_app()
        self.make_extension().init_app(app)
        for name, value in self.config.items():
            assert app.config[name] == value, (
                f"init_app replaced {name} = {value!r} with {app.config[name]!r}."
            )

    def test_wrong_type_raises_config_error(self) -> None:
        problems = []
        for key in self.extension_class.config_keys:
            types = key.type if isinstance(key.type, tuple) else (key.type,)
            if object in types:
                continue
            app = self.make_app()
            app.config[key.name] = _WrongType()
            try:
                self.make_extension().init_app(app)
            except ConfigError as e:
                if e.key != key.name or key.name not in str(e):
                    problems.append(f"{key.name}: the ConfigError names {e.key!r}: {e}")
            except Exception as e:
                problems.append(f"{key.name}: raised {type(e).__name__} instead: {e}")
            else:
                problems.append(f"{key.name}: a {_WrongType.__name__} value was accepted")
        assert not problems, (
            "A wrong-typed config value must raise kolba.ConfigError naming the key: "
            + "; ".join(problems)
        )

    def test_reads_only_declared_config_keys(self) -> None:
        baseline = self.make_app()
        baseline.config = recording = _RecordingConfig(baseline.config)
        _exercise(baseline)
        read_without_extension = set(recording.looked_up)

        app = self.make_app()
        app.config = recording = _RecordingConfig(app.config)
        self.make_extension().init_app(app)
        _exercise(app)
        undeclared = sorted(recording.looked_up - read_without_extension - _declared_keys(app))
        assert not undeclared, (
            f"The extension reads config keys it does not declare: {', '.join(undeclared)}."
            " Add a kolba.ConfigKey (type, default, help) for each to config_keys."
        )

    # -- hooks -----------------------------------------------------------------------------

    def test_app_hook_lists_keep_their_order(self) -> None:
        app = self.make_app()
        before, after, teardown = (lambda: None), (lambda r: r), (lambda e: None)
        app.before_request(before)
        app.after_request(after)
        app.teardown_request(teardown)
        self.make_extension().init_app(app)
        moved = [
            name
            for name, funcs, own in (
                ("before_request_funcs", app.before_request_funcs, before),
                ("after_request_funcs", app.after_request_funcs, after),
                ("teardown_request_funcs", app.teardown_request_funcs, teardown),
            )
            if funcs.get(None, [None])[0] is not own
        ]
        assert not moved, (
            f"init_app put functions before the app's own in app.{', app.'.join(moved)}. Work"
            " that must run before the app's hooks belongs in the kolba_before_request hook;"
            " add functions after the app's, never in front of them."
        )

    def test_hooks_are_documented_kolba_hooks(self) -> None:
        problems = []
        for name in _hookimpl_names(self.make_extension()):
            spec = getattr(hookspecs, name, None)
            if spec is None or not hasattr(spec, "kolba_spec"):
                problems.append(f"{name} is not a kolba hook (see kolba.plugins.hookspecs)")
            elif not inspect.getdoc(spec):
                problems.append(f"{name} has no docstring in kolba.plugins.hookspecs")
        assert not problems, "Hook implementations: " + "; ".join(problems) + "."

    def test_hooks_are_registered_only_on_initialised_apps(self) -> None:
        ext = self.make_extension()
        app, other = self.make_app("conformance_app_a"), self.make_app("conformance_app_b")
        ext.init_app(app)
        missing = sorted(set(_hookimpl_names(ext)) - set(app.plugins.plugin_hooks(ext)))
        assert not missing, f"Hooks not registered on the app after init_app: {missing}."
        assert not other.plugins.is_registered(ext), (
            "The extension's hooks are registered on an app that did not call init_app."
        )

    # -- installation ----------------------------------------------------------------------

    def test_third_party_imports_are_declared(self) -> None:
        if self.distribution is None:
            pytest.skip(
                "`distribution` is not set: set it to the extension's distribution name to"
                " check that everything its code imports is a declared dependency."
            )
        try:
            requires = importlib.metadata.requires(self.distribution) or []
        except importlib.metadata.PackageNotFoundError:
            pytest.skip(f"{self.distribution} is not installed here, so its metadata is unknown")
        # Requirements behind an extra count: an optional import belongs to its extra.
        declared = {_requirement_name(r) for r in requires}
        package = self.extension_class.__module__.partition(".")[0]
        imported = _runtime_imports(Path(inspect.getfile(sys.modules[package])).parent)
        third_party = imported - set(sys.stdlib_module_names) - {"__future__", package}
        by_module = importlib.metadata.packages_distributions()
        needed = {
            _canonical(dist) for module in third_party for dist in by_module.get(module, [module])
        }
        undeclared = sorted(needed - declared - {_canonical(self.distribution)})
        assert not undeclared, (
            f"{self.distribution} imports {undeclared} without declaring them in"
            " [project] dependencies (or an extra): an environment holding only the package"
            " and what it declares would fail."
        )

    def test_listed_by_kolba_plugins(self, kolba_command: list[str], tmp_path: Path) -> None:
        if self.distribution is None:
            pytest.skip(
                "`distribution` is not set: set it to the extension's distribution name to"
                " check that `kolba plugins --json` lists the pip-installed package."
            )
        listed = run_kolba_plugins(kolba_command, cwd=tmp_path)
        dist = _canonical(self.distribution)
        names = {self.extension_class.name, dist}
        entry = next(
            (
                item
                for item in listed
                if _canonical(str(item.get("distribution", ""))) == dist
                or item.get("name") in names
            ),
            None,
        )
        assert entry is not None, (
            f"`kolba plugins --json` does not list {self.distribution}: install it and declare"
            f' [project.entry-points."kolba.extensions"] {self.extension_class.name} ='
            f' "module:{self.extension_class.__name__}". Listed: {listed}'
        )
        missing = sorted({"name", "version", "enabled"} - entry.keys())
        assert not missing, f"The listing of {self.distribution} lacks {missing}: {entry}"
        try:
            version = importlib.metadata.version(self.distribution)
        except importlib.metadata.PackageNotFoundError:
            return  # installed in the command's environment only
        assert entry["version"] == version, (
            f"`kolba plugins` shows version {entry['version']!r}; installed is {version!r}."
        )


def find_kolba_command() -> list[str]:
    """The ``kolba`` command of the running interpreter's environment: its script beside
    ``sys.executable``, else ``python -c`` calling :func:`kolba.cli.main`."""
    # Only the script of this environment: a ``kolba`` elsewhere on PATH would list the
    # packages of another environment.
    script = shutil.which("kolba", path=os.path.dirname(sys.executable))
    if script is not None:
        return [script]
    return [sys.executable, "-c", "from kolba.cli import main; main()"]


def run_kolba_plugins(command: t.Sequence[str], cwd: str | Path) -> list[dict[str, t.Any]]:
    """Run ``command plugins --json`` in ``cwd`` and return the listed extensions; fail the
    test with the command's output if it exits non-zero or prints anything but a JSON list
    of objects."""
    argv = [*command, "plugins", "--json"]
    # The listing is about installed packages: keep the caller's app out of it.
    env = {k: v for k, v in os.environ.items() if k not in ("KOLBA_APP", "FLASK_APP")}
    proc = subprocess.run(
        argv, capture_output=True, text=True, cwd=cwd, env=env, timeout=CLI_TIMEOUT, check=False
    )
    shown = " ".join(argv)
    if proc.returncode != 0:
        pytest.fail(f"`{shown}` exited with {proc.returncode}:\n{proc.stderr}{proc.stdout}")
    try:
        data = json.loads(proc.stdout)
    except ValueError:
        pytest.fail(f"`{shown}` did not print JSON:\n{proc.stdout}")
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        pytest.fail(f"`{shown}` did not print a list of objects:\n{proc.stdout}")
    return data


class _WrongType:
    """A value no typed config key accepts."""

    def __repr__(self) -> str:
        return "<a value of the wrong type>"


class _Snapshot:
    """The items of a mapping (an object's ``__dict__``, a config), with a copy of the contents
    of each mutable container, to tell later which items changed."""

    def __init__(self, items: t.Mapping[str, t.Any]) -> None:
        self.items = dict(items)
        self.contents = {k: _contents(v) for k, v in self.items.items()}

    def changed(self, items: t.Mapping[str, t.Any]) -> list[str]:
        """The keys added, removed, replaced, or whose contents changed since the snapshot."""
        names = list(self.items.keys() ^ items.keys())
        for name in self.items.keys() & items.keys():
            value = items[name]
            if value is not self.items[name] or _contents(value) != self.contents[name]:
                names.append(name)
        return sorted(names)


def _attributes(obj: object) -> dict[str, t.Any]:
    return dict(getattr(obj, "__dict__", {}))


def _contents(value: object) -> object:
    if isinstance(value, cabc.Mapping):
        return dict(value)
    if isinstance(value, (cabc.MutableSequence, cabc.MutableSet)):
        return list(value)
    return None


class _RecordingConfig(Config):
    """A copy of an app's config that remembers which keys were looked up."""

    def __init__(self, source: Config) -> None:
        super().__init__(source.root_path, dict(source))
        self.looked_up: set[str] = set()

    def __getitem__(self, key: t.Any) -> t.Any:
        self.looked_up.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.looked_up.add(key)
        return super().__contains__(key)

    def get(self, key: t.Any, default: t.Any = None) -> t.Any:
        self.looked_up.add(key)
        return super().get(key, default)

    def setdefault(self, key: t.Any, default: t.Any = None) -> t.Any:
        self.looked_up.add(key)
        return super().setdefault(key, default)


def _exercise(app: Kolba) -> None:
    """Use ``app`` the way an application does: start it, serve a request, render a template,
    build the shell namespace and collect the health checks and CLI commands."""
    response = app.test_client().get("/__kolba_conformance__")
    assert response.status_code < 500, (
        f"A request to an app with the extension answered {response.status}:"
        f" {response.get_data(as_text=True)[:500]}"
    )
    with app.test_request_context():
        render_template_string("")
    app.make_shell_context()
    app.plugins.hook.kolba_health_checks(app=app)
    app.plugins.hook.kolba_cli_commands(app=app)


def _declared_keys(app: Kolba) -> set[str]:
    """The names of the config keys every plugin registered on ``app`` declares."""
    return {key.name for keys in app.plugins.hook.kolba_config_keys() for key in keys}


def _key_names(extension_class: type[Extension[t.Any]]) -> set[str]:
    return {key.name for key in extension_class.config_keys}


def _hookimpl_names(ext: Extension[t.Any]) -> list[str]:
    """The names of the methods of ``ext`` marked with ``@kolba.hookimpl``."""
    return PluginManager.declared_hooks(ext)


def _requirement_name(requirement: str) -> str:
    return _canonical(re.split(r"[\s<>=!~;\[(]", requirement.strip(), maxsplit=1)[0])


def _runtime_imports(folder: Path) -> set[str]:
    """Top-level module names the package in ``folder`` imports, outside ``TYPE_CHECKING``."""
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for branch in node.orelse:
                visit(branch)
            return
        if isinstance(node, ast.Import):
            names.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.partition(".")[0])
        for child in ast.iter_child_nodes(node):
            visit(child)

    for source in folder.rglob("*.py"):
        visit(ast.parse(source.read_text(encoding="utf-8")))
    return names


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
