"""The ``kolba`` command: finding and loading the app, the click groups app and blueprint
commands live in, and the built-in commands (run, shell, routes, plugins, config, doctor)."""

from __future__ import annotations

import ast
import collections.abc as cabc
import contextvars
import importlib.metadata
import inspect
import json
import os
import platform
import re
import sys
import threading
import time
import traceback
import types
import typing as t
from functools import update_wrapper
from operator import itemgetter

import click
from click.core import ParameterSource

from .globals import _cv_app
from .helpers import get_debug_flag, get_load_dotenv
from .plugins import (
    COMMANDS_GROUP,
    ConfigError,
    InstalledExtension,
    PluginManager,
    enabled_plugin,
    installed_extensions,
)

if t.TYPE_CHECKING:
    import ssl

    from .app import Kolba
    from .plugins import ConfigKey, HealthCheck, PluginInfo

F = t.TypeVar("F", bound=t.Callable[..., t.Any])

#: How a secret config value is shown by ``kolba config``.
MASK = "********"


# -- finding the app --------------------------------------------------------------------------


class NoAppException(click.UsageError):
    """The app could not be found or loaded; the message says what was tried and what to do."""


class _BrokenAppModule(NoAppException):
    """The app's module raised while importing: shown with the file, line and message first,
    without the command's usage text, which has nothing to do with the mistake."""

    def show(self, file: t.IO[t.Any] | None = None) -> None:
        click.ClickException.show(self, file)


def _is_app(value: object) -> bool:
    from .app import Kolba

    return isinstance(value, Kolba)


def _call_factory(
    factory: t.Callable[..., t.Any],
    args: list[t.Any],
    kwargs: dict[str, t.Any],
    wrong_call_message: str,
) -> t.Any:
    # Binding first tells "called with the wrong arguments" apart from a TypeError raised
    # inside the factory, which must surface with its own traceback.
    try:
        inspect.signature(factory).bind(*args, **kwargs)
    except TypeError as e:
        raise NoAppException(f"{wrong_call_message} ({e}).") from None
    except ValueError:
        pass  # no introspectable signature; just call it
    return factory(*args, **kwargs)


def find_best_app(module: types.ModuleType) -> Kolba:
    """Find the app in ``module`` when no name was given.

    Looks, in order, for an attribute ``app`` or ``application`` holding a :class:`~kolba.Kolba`,
    for the module's single Kolba instance, and for a ``create_app`` or ``make_app`` factory
    that can be called without arguments.

    :raises NoAppException: nothing matched, the module holds several apps, or a factory needs
        arguments.
    """
    for attr_name in ("app", "application"):
        candidate = getattr(module, attr_name, None)
        if _is_app(candidate):
            return t.cast("Kolba", candidate)

    found = [v for v in vars(module).values() if _is_app(v)]
    if len(found) == 1:
        return t.cast("Kolba", found[0])
    if len(found) > 1:
        raise NoAppException(
            f"Detected multiple Kolba applications in module '{module.__name__}'. Use"
            f" '{module.__name__}:name' to say which one to use."
        )

    for attr_name in ("create_app", "make_app"):
        factory = getattr(module, attr_name, None)
        if inspect.isfunction(factory):
            app = _call_factory(
                factory,
                [],
                {},
                f"Detected factory '{attr_name}' in module '{module.__name__}', but could not"
                f" call it without arguments. Use '{module.__name__}:{attr_name}(args)' to"
                " pass arguments",
            )
            if _is_app(app):
                return t.cast("Kolba", app)

    raise NoAppException(
        f"Failed to find a Kolba application or factory in module '{module.__name__}'. Use"
        f" '{module.__name__}:name' to name one."
    )


def _parse_app_name(app_name: str) -> tuple[str, tuple[list[t.Any], dict[str, t.Any]] | None]:
    """Split ``name`` or ``name(args)`` into the name and the call's literal arguments."""
    try:
        expr = ast.parse(app_name.strip(), mode="eval").body
    except SyntaxError:
        raise NoAppException(
            f"Failed to parse {app_name!r} as an attribute name or function call."
        ) from None
    if isinstance(expr, ast.Name):
        return expr.id, None
    if not isinstance(expr, ast.Call):
        raise NoAppException(f"Failed to parse {app_name!r} as an attribute name or function call.")
    if not isinstance(expr.func, ast.Name):
        raise NoAppException(f"Function reference must be a simple name: {app_name!r}.")
    # Only literals are accepted (numbers, strings, tuples, lists, dicts, ...); nothing in the
    # command line is ever evaluated as code.
    try:
        args = [ast.literal_eval(arg) for arg in expr.args]
        kwargs: dict[str, t.Any] = {}
        for keyword in expr.keywords:
            if keyword.arg is None:
                raise ValueError("** arguments are not literals")
            kwargs[keyword.arg] = ast.literal_eval(keyword.value)
    except ValueError:
        raise NoAppException(
            f"Failed to parse the arguments of {app_name!r} as literal values."
        ) from None
    return expr.func.id, (args, kwargs)


def find_app_by_string(module: types.ModuleType, app_name: str) -> Kolba:
    """Find the app named by ``app_name`` in ``module``.

    ``app_name`` is an attribute name (``app``; a function there is called without arguments)
    or a factory call with literal arguments (``create_app("dev", debug=True)``), parsed with
    :mod:`ast` and never evaluated.

    :raises NoAppException: the name is malformed or missing, or it does not give an app.
    """
    name, call = _parse_app_name(app_name)
    try:
        attr = getattr(module, name)
    except AttributeError:
        raise NoAppException(
            f"Failed to find attribute {name!r} in module '{module.__name__}'."
        ) from None

    if call is not None:
        if _is_app(attr) or not callable(attr):
            raise NoAppException(
                f"{name!r} in module '{module.__name__}' is not a factory function, so it"
                f" cannot be called. Use '{module.__name__}:{name}' without arguments."
            )
        args, kwargs = call
        app = _call_factory(
            attr,
            args,
            kwargs,
            f"The factory {app_name!r} in module '{module.__name__}' could not be called"
            " with the specified arguments",
        )
    elif inspect.isfunction(attr):
        app = _call_factory(
            attr,
            [],
            {},
            f"The factory {name!r} in module '{module.__name__}' could not be called without"
            f" arguments. Use '{module.__name__}:{name}(args)' to pass arguments",
        )
    else:
        app = attr

    if _is_app(app):
        return t.cast("Kolba", app)
    raise NoAppException(
        f"A valid Kolba application was not obtained from '{module.__name__}:{app_name}'."
    )


def prepare_import(path: str) -> str:
    """Turn a file path or module name into an importable module name, putting the folder
    it is importable from first on ``sys.path``.

    ``src/hello/app.py`` inside a package ``hello`` (a folder with ``__init__.py``) gives
    ``hello.app`` with ``src`` on ``sys.path``.
    """
    path = os.path.realpath(path)
    stem, ext = os.path.splitext(path)
    if ext == ".py":
        path = stem
    if os.path.basename(path) == "__init__":
        path = os.path.dirname(path)

    parts: list[str] = []
    # Walk up while the folder is a package, so the module keeps its package-qualified name.
    while True:
        path, name = os.path.split(path)
        parts.append(name)
        if not os.path.exists(os.path.join(path, "__init__.py")):
            break

    if not sys.path or sys.path[0] != path:
        sys.path.insert(0, path)
    return ".".join(reversed(parts))


def _where(error: BaseException) -> str:
    """``"file, line N: "`` of the innermost frame of ``error`` outside the import machinery."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if not frame.filename.startswith("<frozen")
    ]
    return f"{frames[-1].filename}, line {frames[-1].lineno}: " if frames else ""


@t.overload
def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: t.Literal[True] = True
) -> Kolba: ...


@t.overload
def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: bool = ...
) -> Kolba | None: ...


def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: bool = True
) -> Kolba | None:
    """Import ``module_name`` and find the app in it (by ``app_name`` if given).

    An ``ImportError`` raised while the module runs is reported with its traceback; a module
    that does not exist gives ``None`` when ``raise_if_not_found`` is false.
    """
    try:
        __import__(module_name)
    except SyntaxError as e:
        raise _BrokenAppModule(
            f"{e.filename}, line {e.lineno}: {type(e).__name__}: {e.msg}\n\n"
            f"While importing '{module_name}':\n{traceback.format_exc()}"
        ) from None
    except ImportError as e:
        missing = getattr(e, "name", None) if isinstance(e, ModuleNotFoundError) else None
        if missing is not None and (
            module_name == missing or module_name.startswith(f"{missing}.")
        ):
            if not raise_if_not_found:
                return None
            raise NoAppException(f"Could not import '{module_name}'.") from None
        raise _BrokenAppModule(
            f"{_where(e)}{type(e).__name__}: {e}\n\n"
            f"While importing '{module_name}', an ImportError was raised:\n\n"
            f"{traceback.format_exc()}"
        ) from None

    module = sys.modules[module_name]
    if app_name is None:
        return find_best_app(module)
    return find_app_by_string(module, app_name)


def _split_import_path(value: str) -> tuple[str, str | None]:
    # A colon followed by a slash is a Windows drive ("C:\\src\\app.py"), not the separator.
    path, *rest = re.split(r":(?![\\/])", value, maxsplit=1)
    return path, (rest[0] if rest and rest[0] else None)


# -- loading the app and running commands in it ------------------------------------------------


class ScriptInfo:
    """Finds and loads the app for one CLI run; commands reach it through click's context
    object (:func:`pass_script_info`).

    :param app_import_path: what ``--app`` / ``KOLBA_APP`` said (``module:name``, a file ...).
    :param create_app: a callable returning the app; takes precedence over the import path.
    :param set_debug_flag: set ``app.debug`` from ``KOLBA_DEBUG`` after loading.
    :param load_dotenv_defaults: load ``.env``, ``.kolbaenv`` and ``.flaskenv`` files.
    """

    def __init__(
        self,
        app_import_path: str | None = None,
        create_app: t.Callable[..., Kolba] | None = None,
        set_debug_flag: bool = True,
        load_dotenv_defaults: bool = True,
    ) -> None:
        self.app_import_path = app_import_path
        self.create_app = create_app
        #: Free for commands to share data during one run.
        self.data: dict[t.Any, t.Any] = {}
        self.set_debug_flag = set_debug_flag
        self.load_dotenv_defaults = load_dotenv_defaults
        self._loaded_app: Kolba | None = None
        self._plugin_commands: dict[str, click.Command] | None = None
        self._dotenv_done = False

    def load_app(self) -> Kolba:
        """Return the app, importing or creating it on first use only.

        :raises NoAppException: the app cannot be found.
        """
        if self._loaded_app is not None:
            return self._loaded_app
        try:
            app = self._find_app()
        except ConfigError as e:
            # A bad setting met while the app is built (init_app): one line, no traceback.
            raise click.ClickException(f"The app could not start: {e}") from None
        if self.set_debug_flag:
            # Through the property, so that values derived from DEBUG follow.
            app.debug = get_debug_flag()
        self._loaded_app = app
        return app

    def _find_app(self) -> Kolba:
        app: Kolba | None
        if self.create_app is not None:
            app = self.create_app()
        elif self.app_import_path:
            path, name = _split_import_path(self.app_import_path)
            app = locate_app(prepare_import(path), name)
        else:
            app = None
            for filename in ("wsgi.py", "app.py"):
                if os.path.isfile(filename):
                    app = locate_app(prepare_import(filename), None, raise_if_not_found=False)
                    if app is not None:
                        break
            if app is None:
                raise NoAppException(
                    "Could not locate a Kolba application. Use the 'kolba --app' option, the"
                    " 'KOLBA_APP' environment variable, or a 'wsgi.py' or 'app.py' file in"
                    " the current directory."
                )
        return app

    def plugin_commands(self, app: Kolba) -> dict[str, click.Command]:
        """The commands the app's plugins add through ``kolba_cli_commands``, by name.

        Asked once per run; a later-registered plugin's command wins over an earlier one's.
        """
        if self._plugin_commands is None:
            found: dict[str, click.Command] = {}
            for commands in reversed(app.plugins.hook.kolba_cli_commands(app=app)):
                for command in commands or ():
                    if command.name:
                        found[command.name] = command
            self._plugin_commands = found
        return self._plugin_commands


#: Decorator passing the run's :class:`ScriptInfo` as the first argument of a command.
pass_script_info = click.make_pass_decorator(ScriptInfo, ensure=True)


def _start_app(app: Kolba) -> None:
    """Run the app's start-up work (once); a configuration error becomes a clean CLI error."""
    try:
        app._startup()
    except ConfigError as e:
        raise click.ClickException(f"The app could not start: {e}") from e
    except LookupError as e:
        if isinstance(e, KeyError):  # a bug in a start-up hook: keep the traceback
            raise
        raise click.ClickException(f"The app could not start: {e}") from e


def with_appcontext(f: F) -> F:
    """Run the decorated click command inside the app's context (``current_app`` works),
    loading the app and running its start-up hooks first.

    Commands added with ``app.cli.command()`` get this automatically.
    """

    @click.pass_context
    def decorator(ctx: click.Context, /, *args: t.Any, **kwargs: t.Any) -> t.Any:
        app_ctx = _cv_app.get(None)
        if app_ctx is None:
            app = ctx.ensure_object(ScriptInfo).load_app()
            ctx.with_resource(app.app_context())
        else:
            app = app_ctx.app
        _start_app(app)
        return ctx.invoke(f, *args, **kwargs)

    return update_wrapper(decorator, f)  # type: ignore[return-value]


class AppGroup(click.Group):
    """A click group whose commands run in an app context (:func:`with_appcontext`) unless
    given ``with_appcontext=False``; its subgroups are ``AppGroup`` too."""

    @t.overload
    def command(self, f: t.Callable[..., t.Any], /) -> click.Command: ...

    @t.overload
    def command(
        self, *args: t.Any, **kwargs: t.Any
    ) -> t.Callable[[t.Callable[..., t.Any]], click.Command]: ...

    def command(
        self, *args: t.Any, **kwargs: t.Any
    ) -> click.Command | t.Callable[[t.Callable[..., t.Any]], click.Command]:
        """Like :meth:`click.Group.command` (with or without parentheses), wrapping the
        callback in :func:`with_appcontext` unless ``with_appcontext=False`` is given."""
        if len(args) == 1 and not kwargs and callable(args[0]):
            return self.command()(args[0])
        wrap_for_ctx = kwargs.pop("with_appcontext", True)

        def decorator(f: t.Callable[..., t.Any]) -> click.Command:
            if wrap_for_ctx:
                f = with_appcontext(f)
            return t.cast(click.Command, click.Group.command(self, *args, **kwargs)(f))

        return decorator

    @t.overload
    def group(self, f: t.Callable[..., t.Any], /) -> click.Group: ...

    @t.overload
    def group(
        self, *args: t.Any, **kwargs: t.Any
    ) -> t.Callable[[t.Callable[..., t.Any]], click.Group]: ...

    def group(
        self, *args: t.Any, **kwargs: t.Any
    ) -> click.Group | t.Callable[[t.Callable[..., t.Any]], click.Group]:
        """Like :meth:`click.Group.group` (with or without parentheses), defaulting ``cls``
        to :class:`AppGroup`."""
        if len(args) == 1 and not kwargs and callable(args[0]):
            return self.group()(args[0])
        kwargs.setdefault("cls", AppGroup)
        return t.cast(
            t.Callable[[t.Callable[..., t.Any]], click.Group], super().group(*args, **kwargs)
        )


# -- environment --------------------------------------------------------------------------------

_DOTENV_DEFAULTS = (".flaskenv", ".kolbaenv", ".env")  # lowest precedence first


def load_dotenv(path: str | os.PathLike[str] | None = None, load_defaults: bool = True) -> bool:
    """Load environment variables from dotenv files, when python-dotenv is installed.

    The default files ``.flaskenv``, ``.kolbaenv`` and ``.env`` are each found from the current
    folder upwards; ``path`` is loaded too. Precedence, highest first: variables already set
    in the environment, ``path``, ``.env``, ``.kolbaenv``, ``.flaskenv``.

    :param path: an extra file to load.
    :param load_defaults: whether to look for the default files.
    :return: whether any variable was found in a file.
    """
    try:
        import dotenv
    except ImportError:
        if path or any(os.path.isfile(n) for n in _DOTENV_DEFAULTS):
            click.secho(
                " * Tip: There are .env files present. Install python-dotenv to use them.",
                fg="yellow",
                err=True,
            )
        return False

    data: dict[str, str | None] = {}
    if load_defaults:
        for name in _DOTENV_DEFAULTS:
            found = dotenv.find_dotenv(name, usecwd=True)
            if found:
                data.update(dotenv.dotenv_values(found, encoding="utf-8"))
    if path is not None and os.path.isfile(path):
        data.update(dotenv.dotenv_values(path, encoding="utf-8"))

    for key, value in data.items():
        if key not in os.environ and value is not None:
            os.environ[key] = value
    return bool(data)


def _env_file_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    info = ctx.ensure_object(ScriptInfo)
    if info._dotenv_done:
        return
    info._dotenv_done = True
    if value is not None:
        try:
            import dotenv  # noqa: F401
        except ImportError:
            raise click.BadParameter(
                "python-dotenv must be installed to load an env file.", ctx=ctx, param=param
            ) from None
    load_defaults = info.load_dotenv_defaults and get_load_dotenv()
    if value is not None or load_defaults:
        load_dotenv(value, load_defaults=load_defaults)


def _app_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.ensure_object(ScriptInfo).app_import_path = value


def _debug_callback(ctx: click.Context, param: click.Parameter, value: bool | None) -> None:
    # Only an explicit flag changes anything; it goes into the environment (not just the app)
    # so that a factory reading KOLBA_DEBUG while the app is created sees it too.
    source = ctx.get_parameter_source(param.name) if param.name else None
    if value is None or source in (ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP):
        return
    os.environ["KOLBA_DEBUG"] = "1" if value else "0"


def _envvars(name: str) -> list[str]:
    """``KOLBA_<name>``, then the ``FLASK_<name>`` spelling ported projects still set."""
    return [f"KOLBA_{name}", f"FLASK_{name}"]


def get_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """``--version`` callback: print the Python, kolba and werkzeug versions and exit."""
    if not value or ctx.resilient_parsing:
        return
    from . import __version__

    click.echo(
        f"Python {platform.python_version()}\n"
        f"Kolba {__version__}\n"
        f"Werkzeug {importlib.metadata.version('werkzeug')}",
        color=ctx.color,
    )
    ctx.exit()


# -- additions from outside the core ------------------------------------------------------------

#: Entry-point groups whose click commands join the ``kolba`` command. The Flask bridge, once
#: enabled, adds ``flask.commands``, so Flask extensions' commands appear too.
COMMAND_GROUPS: list[str] = [COMMANDS_GROUP]
#: Callables ``source(app) -> rows`` adding rows to ``kolba plugins`` for extensions that are no
#: pluggy plugin (the Flask bridge lists Flask extensions found in ``app.extensions``). A row has
#: the keys of the other rows; ``"bridged": True`` marks it in the table.
PLUGIN_ROW_SOURCES: list[t.Callable[[Kolba], list[dict[str, t.Any]]]] = []
#: Callables ``source(app) -> messages`` whose warnings ``kolba doctor`` prints first.
DOCTOR_WARNING_SOURCES: list[t.Callable[[Kolba], list[str]]] = []


# -- the kolba group -----------------------------------------------------------------------------


class KolbaGroup(AppGroup):
    """The ``kolba`` command group: the built-in commands, commands from ``kolba.commands``
    entry points, the loaded app's ``app.cli`` commands (blueprint groups among them) and
    commands its plugins add through the ``kolba_cli_commands`` hook.

    Build your own command line on it when the app needs a custom factory::

        @click.group(cls=KolbaGroup, create_app=create_app)
        def cli(): ...

    :param add_default_commands: add ``run``, ``shell``, ``routes``, ``plugins``, ``config``
        and ``doctor``.
    :param create_app: a callable returning the app, instead of finding it with ``--app``.
    :param add_version_option: add ``--version``.
    :param load_dotenv: load ``.env``, ``.kolbaenv`` and ``.flaskenv`` files.
    :param set_debug_flag: set the app's debug flag from ``--debug`` / ``KOLBA_DEBUG``.
    """

    def __init__(
        self,
        add_default_commands: bool = True,
        create_app: t.Callable[..., Kolba] | None = None,
        add_version_option: bool = True,
        load_dotenv: bool = True,
        set_debug_flag: bool = True,
        **extra: t.Any,
    ) -> None:
        self._env_file_option = click.Option(
            ["-e", "--env-file"],
            type=click.Path(exists=True, dir_okay=False),
            is_eager=True,
            expose_value=False,
            callback=_env_file_callback,
            help="Load environment variables from this file; they win over those from '.env',"
            " '.kolbaenv' and '.flaskenv', variables already set win over all. Needs"
            " python-dotenv.",
        )
        self._app_option = click.Option(
            ["-A", "--app"],
            metavar="IMPORT",
            envvar=_envvars("APP"),
            is_eager=True,
            expose_value=False,
            callback=_app_callback,
            help="The app or factory to load, as 'module:name'. The module may be a dotted"
            " import or a file path; the name may be left out when it is 'app',"
            " 'application', 'create_app' or 'make_app', and may be 'factory(args)' with"
            " literal arguments.",
        )
        debug_option = click.Option(
            ["--debug/--no-debug"],
            default=None,
            is_eager=True,
            expose_value=False,
            allow_from_autoenv=False,
            callback=_debug_callback,
            help="Turn debug mode on or off (default: KOLBA_DEBUG).",
        )
        # --env-file comes first: with neither option on the command line, a KOLBA_APP set
        # in a dotenv file must be loaded before --app reads the environment.
        params: list[click.Parameter] = list(extra.pop("params", None) or ())
        params += [self._env_file_option, self._app_option, debug_option]
        if add_version_option:
            params.append(
                click.Option(
                    ["--version"],
                    is_flag=True,
                    is_eager=True,
                    expose_value=False,
                    callback=get_version,
                    help="Show the kolba version.",
                )
            )
        extra.setdefault("context_settings", {}).setdefault("auto_envvar_prefix", "KOLBA")
        super().__init__(params=params, **extra)
        self.create_app = create_app
        self.load_dotenv = load_dotenv
        self.set_debug_flag = set_debug_flag
        self._entry_point_commands_loaded = False
        if add_default_commands:
            for command in (
                run_command,
                shell_command,
                routes_command,
                plugins_command,
                config_command,
                doctor_command,
            ):
                self.add_command(command)

    def _load_entry_point_commands(self) -> None:
        if self._entry_point_commands_loaded:
            return
        self._entry_point_commands_loaded = True
        entry_points = [
            ep for group in COMMAND_GROUPS for ep in importlib.metadata.entry_points(group=group)
        ]
        for ep in entry_points:
            try:
                command = ep.load()
            except Exception as e:
                # One broken package must not take the whole command line down with it.
                click.secho(
                    f"Warning: could not load the command {ep.name!r} ({ep.value}): {e}",
                    err=True,
                    fg="yellow",
                )
                continue
            if isinstance(command, click.Command):
                self.add_command(command, ep.name)
            else:
                click.secho(
                    f"Warning: the '{ep.group}' entry point {ep.name!r} ({ep.value})"
                    " is not a click command.",
                    err=True,
                    fg="yellow",
                )

    def _app_commands(self, ctx: click.Context) -> dict[str, click.Command]:
        """Load the app and return its commands by name: ``app.cli`` wins over plugins."""
        info = ctx.ensure_object(ScriptInfo)
        app = info.load_app()
        commands = dict(info.plugin_commands(app))
        commands.update(app.cli.commands)
        return commands

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """A built-in or entry-point command, else one from the app (loading it)."""
        self._load_entry_point_commands()
        rv = super().get_command(ctx, cmd_name)
        if rv is not None:
            return rv
        try:
            return self._app_commands(ctx).get(cmd_name)
        except NoAppException as e:
            click.secho(f"Error: {e.format_message()}\n", err=True, fg="red")
            return None

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name; when the app cannot be loaded, the built-in ones and a note
        on standard error saying why."""
        self._load_entry_point_commands()
        names = set(super().list_commands(ctx))
        try:
            names.update(self._app_commands(ctx))
        except NoAppException as e:
            click.secho(f"Error: {e.format_message()}\n", err=True, fg="red")
        except Exception:
            # Help must still work while the app itself is broken: show why, list the rest.
            click.secho(f"{traceback.format_exc()}\n", err=True, fg="red")
        return sorted(names)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """Find the command to run. One that came from the app runs in the app's context,
        with the app started, like commands wrapped in :func:`with_appcontext`."""
        name, command, rest = super().resolve_command(ctx, args)
        if (
            command is not None
            and not ctx.resilient_parsing
            and all(c is not command for c in self.commands.values())
        ):
            # Pushed here rather than in get_command, which help output calls too: a context
            # pushed there would outlive the run when --help exits early.
            app = ctx.ensure_object(ScriptInfo).load_app()
            app_ctx = _cv_app.get(None)
            if app_ctx is None or app_ctx.app is not app:
                ctx.with_resource(app.app_context())
            _start_app(app)
        return name, command, rest

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: t.Any,
    ) -> click.Context:
        """Create the context with a :class:`ScriptInfo` as its object, and tell ``app.run()``
        that the ``kolba`` command is running (so a stray call in the module does not block)."""
        os.environ["KOLBA_RUN_FROM_CLI"] = "true"
        if "obj" not in extra and "obj" not in self.context_settings:
            extra["obj"] = ScriptInfo(
                create_app=self.create_app,
                set_debug_flag=self.set_debug_flag,
                load_dotenv_defaults=self.load_dotenv,
            )
        return super().make_context(info_name, args, parent=parent, **extra)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse the group's options; for bare ``kolba`` or ``kolba --help``, read the dotenv
        files and ``KOLBA_APP`` first, so the help lists the app's commands too."""
        help_names = set(self.get_help_option_names(ctx))
        if (not args and self.no_args_is_help) or (args and set(args) <= help_names):
            for option in (self._env_file_option, self._app_option):
                option.handle_parse_result(ctx, {}, [])
        return super().parse_args(ctx, args)


# -- tables -------------------------------------------------------------------------------------


def _echo_table(headers: cabc.Sequence[str], rows: cabc.Iterable[cabc.Sequence[str]]) -> None:
    """Print ``rows`` under ``headers`` in left-aligned columns, with a dashed rule."""
    body = [list(headers), *(list(row) for row in rows)]
    widths = [max(len(row[i]) for row in body) for i in range(len(headers))]
    body.insert(1, ["-" * w for w in widths])
    for row in body:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def _current_app() -> Kolba:
    return _cv_app.get().app


# -- run ----------------------------------------------------------------------------------------


class CertParamType(click.ParamType):  # type: ignore[type-arg]
    """``--cert``: a certificate file, ``adhoc`` (needs ``cryptography``), or the import name
    of an ``ssl.SSLContext``."""

    name = "path"

    def __init__(self) -> None:
        self.path_type = click.Path(exists=True, dir_okay=False, resolve_path=True)

    def convert(
        self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> t.Any:
        try:
            import ssl
        except ImportError:
            raise click.BadParameter(
                'Using "--cert" requires Python to be compiled with SSL support.', ctx, param
            ) from None
        try:
            return self.path_type(value, param, ctx)
        except click.BadParameter:
            value = click.STRING(value, param, ctx).lower()
            if value == "adhoc":
                try:
                    import cryptography  # noqa: F401
                except ImportError:
                    raise click.BadParameter(
                        "Using ad-hoc certificates requires the cryptography library.",
                        ctx,
                        param,
                    ) from None
                return value
            from werkzeug.utils import import_string

            obj = import_string(value, silent=True)
            if isinstance(obj, ssl.SSLContext):
                return obj
            raise


def _validate_key(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--key`` goes with a ``--cert`` file: combine them into ``(cert, key)``."""
    cert = ctx.params.get("cert")
    is_adhoc = cert == "adhoc"
    try:
        import ssl
    except ImportError:
        is_context = False
    else:
        is_context = isinstance(cert, ssl.SSLContext)

    if value is not None:
        if is_adhoc:
            raise click.BadParameter('When "--cert" is "adhoc", "--key" is not used.', ctx, param)
        if is_context:
            raise click.BadParameter(
                'When "--cert" is an SSLContext object, "--key" is not used.', ctx, param
            )
        if not cert:
            raise click.BadParameter('"--cert" must also be specified.', ctx, param)
        ctx.params["cert"] = (cert, value)
    elif cert and not (is_adhoc or is_context):
        raise click.BadParameter('Required when using "--cert".', ctx, param)
    return value


class SeparatedPathType(click.Path):
    """A list of paths separated by :data:`os.pathsep` (``:``, or ``;`` on Windows)."""

    def convert(  # type: ignore[override]
        self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> list[t.Any]:
        items = list(value) if isinstance(value, list | tuple) else self.split_envvar_value(value)
        paths = []
        for item in items:
            paths.append(super().convert(item, param, ctx))
        return paths


def _failing_app(error: Exception) -> t.Callable[..., t.Any]:
    """A WSGI app re-raising ``error``: under the reloader a broken app is served this way,
    so fixing the file reloads it instead of killing the server."""

    def app(environ: dict[str, t.Any], start_response: t.Callable[..., t.Any]) -> t.Any:
        raise error from None

    return app


@click.command("run", short_help="Run a development server.")
@click.option(
    "--debug/--no-debug",
    default=None,
    allow_from_autoenv=False,
    help="Turn debug mode on or off (and with it, by default, the reloader and debugger).",
)
@click.option(
    "--host",
    "-h",
    default="127.0.0.1",
    show_default=True,
    envvar=_envvars("RUN_HOST"),
    help="The interface to bind to.",
)
@click.option(
    "--port",
    "-p",
    default=5000,
    type=int,
    show_default=True,
    envvar=_envvars("RUN_PORT"),
    help="The port to bind to.",
)
@click.option(
    "--cert",
    type=CertParamType(),
    is_eager=True,
    envvar=_envvars("RUN_CERT"),
    help="A certificate file to serve HTTPS, 'adhoc' for a throw-away one, or the import name"
    " of an ssl.SSLContext.",
)
@click.option(
    "--key",
    type=click.Path(exists=True, dir_okay=False, resolve_path=True),
    callback=_validate_key,
    expose_value=False,
    envvar=_envvars("RUN_KEY"),
    help="The key file of the '--cert' certificate file.",
)
@click.option(
    "--reload/--no-reload",
    default=None,
    help="Restart the server when code changes. On by default in debug mode.",
)
@click.option(
    "--debugger/--no-debugger",
    default=None,
    help="Show werkzeug's interactive debugger on errors. On by default in debug mode.",
)
@click.option(
    "--with-threads/--without-threads",
    default=True,
    help="Handle each request in its own thread.",
)
@click.option(
    "--extra-files",
    default=None,
    type=SeparatedPathType(),
    envvar=_envvars("RUN_EXTRA_FILES"),
    help=f"More files whose change restarts the server, separated by {os.pathsep!r}.",
)
@click.option(
    "--exclude-patterns",
    default=None,
    type=SeparatedPathType(),
    envvar=_envvars("RUN_EXCLUDE_PATTERNS"),
    help="fnmatch patterns of files whose change does not restart the server, separated by"
    f" {os.pathsep!r}.",
)
@pass_script_info
def run_command(
    info: ScriptInfo,
    debug: bool | None,
    host: str,
    port: int,
    cert: ssl.SSLContext | tuple[str, str] | str | None,
    reload: bool | None,
    debugger: bool | None,
    with_threads: bool,
    extra_files: list[str] | None,
    exclude_patterns: list[str] | None,
) -> None:
    """Serve the app with werkzeug's development server.

    For development only: it is neither hardened nor fast enough for production; use a WSGI
    server (gunicorn, waitress ...) there. Debug mode turns on the reloader and debugger.
    """
    from werkzeug.serving import is_running_from_reloader, run_simple

    os.environ["KOLBA_RUN_FROM_CLI"] = "true"
    if debug is not None:
        os.environ["KOLBA_DEBUG"] = "1" if debug else "0"
    debug = get_debug_flag()
    if reload is None:
        reload = debug
    if debugger is None:
        debugger = debug

    app: t.Callable[..., t.Any]
    try:
        loaded = info.load_app()
        # With the reloader, the first process only watches files; the child serves.
        if not reload or is_running_from_reloader():
            _start_app(loaded)
        app, name = loaded, info.app_import_path or loaded.name
    except Exception as e:
        if not is_running_from_reloader():
            raise
        traceback.print_exc()
        app, name = _failing_app(e), info.app_import_path or ""

    show_server_banner(debug, name or None)
    run_simple(
        host,
        port,
        app,
        use_reloader=reload,
        use_debugger=debugger,
        threaded=with_threads,
        ssl_context=cert,  # type: ignore[arg-type]
        extra_files=extra_files,
        exclude_patterns=exclude_patterns,
    )


def show_server_banner(debug: bool | None, app_import_path: str | None) -> None:
    """Print the development server's start-up lines (not in the reloader's child).

    :param debug: the debug mode, or ``None`` to leave that line out.
    :param app_import_path: how the app was named, or ``None`` to leave that line out.
    """
    from werkzeug.serving import is_running_from_reloader

    if is_running_from_reloader():
        return
    if app_import_path is not None:
        click.echo(f" * Serving Kolba app '{app_import_path}'")
    if debug is not None:
        click.echo(f" * Debug mode: {'on' if debug else 'off'}")


# -- shell --------------------------------------------------------------------------------------


def _enable_completion(namespace: dict[str, t.Any]) -> None:
    """Tab completion over the shell's names and readline history, as Python's own prompt
    sets them up (its ``sys.__interactivehook__``)."""
    interactive_hook = getattr(sys, "__interactivehook__", None)
    if interactive_hook is None:
        return
    try:
        import readline
        from rlcompleter import Completer
    except ImportError:
        pass
    else:
        readline.set_completer(Completer(namespace).complete)
    interactive_hook()


@click.command("shell", short_help="Run a Python shell in the app context.")
@with_appcontext
def shell_command() -> None:
    """Run an interactive Python shell in the app's context.

    The namespace holds ``app``, ``g``, the names shell context processors and plugins
    (``kolba_shell_context``) add, and whatever the ``PYTHONSTARTUP`` file defines.
    """
    import code

    app = _current_app()
    banner = (
        f"Python {sys.version} on {sys.platform}\nApp: {app.name}\nInstance: {app.instance_path}"
    )
    namespace: dict[str, t.Any] = {}
    startup = os.environ.get("PYTHONSTARTUP")
    if startup and os.path.isfile(startup):
        with open(startup, encoding="utf-8") as f:
            exec(compile(f.read(), startup, "exec"), namespace)
    namespace.update(app.make_shell_context())
    # History and completion only make sense at a terminal (and would write to
    # ~/.python_history from scripted runs).
    if sys.stdin.isatty():
        _enable_completion(namespace)
    code.interact(banner=banner, local=namespace)


# -- routes -------------------------------------------------------------------------------------


@click.command("routes", short_help="Show the routes for the app.")
@click.option(
    "--sort",
    "-s",
    type=click.Choice(("endpoint", "methods", "domain", "rule", "match")),
    default="endpoint",
    show_default=True,
    help="Sort by this column; 'match' is the order URLs are matched in.",
)
@click.option("--all-methods", is_flag=True, help="Show HEAD and OPTIONS methods too.")
@with_appcontext
def routes_command(sort: str, all_methods: bool) -> None:
    """Show every route: endpoint, methods, host or subdomain (when used) and rule."""
    app = _current_app()
    rules = list(app.url_map.iter_rules())
    if not rules:
        click.echo("No routes were registered.")
        return

    hidden = set() if all_methods else {"HEAD", "OPTIONS"}
    host_matching = app.url_map.host_matching
    has_domain = any(rule.host if host_matching else rule.subdomain for rule in rules)

    headers = ["Endpoint", "Methods"]
    columns = ["endpoint", "methods"]
    if has_domain:
        headers.append("Host" if host_matching else "Subdomain")
        columns.append("domain")
    headers.append("Rule")
    columns.append("rule")

    rows = []
    for rule in rules:
        row = [rule.endpoint, ", ".join(sorted((rule.methods or set()) - hidden))]
        if has_domain:
            row.append((rule.host if host_matching else rule.subdomain) or "")
        row.append(rule.rule)
        rows.append(row)
    if sort in columns:
        rows.sort(key=itemgetter(columns.index(sort)))
    _echo_table(headers, rows)


# -- plugins ------------------------------------------------------------------------------------


def _distribution_of(plugin: object) -> str:
    module = plugin.__name__ if isinstance(plugin, types.ModuleType) else type(plugin).__module__
    names = importlib.metadata.packages_distributions().get(module.partition(".")[0], [])
    return names[0] if names else ""


def _declared_hooks(ext: InstalledExtension) -> list[str]:
    # Importing an installed extension's module lists its hooks without enabling it.
    try:
        target = ext.entry_point.load()
    except Exception:
        return []
    return PluginManager.declared_hooks(target)


def _plugin_rows(app: Kolba | None) -> list[dict[str, t.Any]]:
    """One row a plugin: every installed extension, then every plugin registered in ``app``
    that no entry point provided."""
    installed = installed_extensions()
    rows: list[dict[str, t.Any]] = []
    provided: set[int] = set()
    for ext in installed:
        plugin = enabled_plugin(app, ext) if app is not None else None
        if plugin is not None:
            provided.add(id(plugin))
        rows.append(
            {
                "name": ext.name,
                "distribution": ext.distribution,
                "version": ext.version,
                "enabled": plugin is not None,
                "hooks": app.plugins.plugin_hooks(plugin)
                if app is not None and plugin is not None
                else _declared_hooks(ext),
            }
        )
    if app is None:
        return rows

    infos: dict[int, PluginInfo] = {
        id(impl.plugin): t.cast("PluginInfo", impl.function())
        for impl in app.plugins.hook.kolba_plugin_info.get_hookimpls()
    }
    for registered_name, plugin in app.plugins.list_name_plugin():
        if plugin is None or id(plugin) in provided:
            continue
        info = infos.get(id(plugin))
        if registered_name.startswith("kolba-ext:"):
            name = registered_name.partition(":")[2]
        elif registered_name == str(id(plugin)):  # registered without a name
            name = info.name if info and info.name else type(plugin).__name__
        else:
            name = registered_name
        rows.append(
            {
                "name": name,
                "distribution": _distribution_of(plugin),
                "version": info.version if info else "",
                "enabled": True,
                "hooks": app.plugins.plugin_hooks(plugin),
            }
        )
    for source in PLUGIN_ROW_SOURCES:
        rows.extend(source(app))
    return rows


@click.command("plugins", short_help="List installed and enabled plugins.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@pass_script_info
def plugins_command(info: ScriptInfo, as_json: bool) -> None:
    """List every installed extension (entry points in 'kolba.extensions') and whether the app
    enables it, with the hooks it implements, and the plugins the app registered itself.

    Without a loadable app, installed extensions are listed as not enabled.
    """
    app: Kolba | None
    try:
        app = info.load_app()
    except NoAppException as e:
        click.secho(
            f"Note: no app loaded, so nothing is shown as enabled. {e.format_message()}",
            err=True,
            fg="yellow",
        )
        app = None
    else:
        click.get_current_context().with_resource(app.app_context())
        _start_app(app)

    rows = sorted(_plugin_rows(app), key=itemgetter("name"))
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("No plugins are installed.")
        return
    _echo_table(
        ["Name", "Distribution", "Version", "Enabled", "Hooks"],
        (
            [
                r["name"],
                r["distribution"] or "-",
                r["version"] or "-",
                "yes" if r["enabled"] else "no",
                "(bridged Flask extension)" if r.get("bridged") else ", ".join(r["hooks"]) or "-",
            ]
            for r in rows
        ),
    )


# -- config -------------------------------------------------------------------------------------


def _declared_config_keys(app: Kolba) -> list[ConfigKey]:
    """Every key declared through ``kolba_config_keys``, sorted by name (first declaration
    of a name wins)."""
    keys: dict[str, ConfigKey] = {}
    for declared in reversed(app.plugins.hook.kolba_config_keys()):
        for key in declared or ():
            keys.setdefault(key.name, key)
    return sorted(keys.values(), key=lambda k: k.name)


def _jsonable(value: t.Any) -> t.Any:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
    return value


def _shown(key: ConfigKey, value: t.Any, as_json: bool) -> t.Any:
    if key.secret:
        return "(not set)" if value is None else MASK
    return _jsonable(value) if as_json else repr(value)


def _effective_config(app: Kolba) -> dict[str, tuple[t.Any, str]]:
    """Each key's effective value and where it comes from: an option an extension got in its
    constructor or ``init_app`` (``"option:<name>"``), else the app's config (``"config"``)."""
    from .plugins import Extension

    rv = {name: (value, "config") for name, value in app.config.items()}
    for plugin in app.plugins.get_plugins():
        if not isinstance(plugin, Extension) or plugin.name not in app.extensions:
            continue
        options = plugin.state(app).options
        for key in plugin.config_keys:
            if key.option and key.option in options:
                rv[key.name] = (options[key.option], f"option:{key.option}")
    return rv


@click.command("config", short_help="Show the declared config keys and their values.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@with_appcontext
def config_command(as_json: bool) -> None:
    """Show every config key the core and the enabled plugins declare: type, default,
    effective value (an extension's ``init_app`` option wins over the config), where the
    value comes from, and help. Values of secret keys are masked."""
    app = _current_app()
    effective = _effective_config(app)
    rows = []
    for key in _declared_config_keys(app):
        value, source = effective.get(key.name, (None, "unset"))
        rows.append(
            {
                "name": key.name,
                "type": key.type_name(),
                "default": _shown(key, key.default, as_json),
                "value": _shown(key, value, as_json),
                "source": source,
                "help": key.help,
                "secret": key.secret,
            }
        )
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    _echo_table(
        ["Key", "Type", "Default", "Value", "From", "Help"],
        ([r["name"], r["type"], r["default"], r["value"], r["source"], r["help"]] for r in rows),
    )


# -- doctor -------------------------------------------------------------------------------------


class _CheckRun:
    """One health check running in its own daemon thread (a hung check must not keep the
    process alive, which rules out ``concurrent.futures`` workers)."""

    def __init__(self, check: HealthCheck, limit: float | None) -> None:
        self.check = check
        self.timeout = check.timeout if limit is None else min(check.timeout, limit)
        self.value: t.Any = None
        self.error: BaseException | None = None
        self.elapsed = 0.0
        self.done = threading.Event()
        # Each thread gets its own copy of the context, so current_app works in checks.
        self._context = contextvars.copy_context()
        self._thread = threading.Thread(
            target=self._work, name=f"kolba-doctor: {check.name}", daemon=True
        )

    def start(self) -> None:
        self._started = time.perf_counter()
        self._thread.start()

    def _work(self) -> None:
        try:
            self.value = self._context.run(self.check.check)
        except BaseException as e:
            self.error = e
        finally:
            self.elapsed = time.perf_counter() - self._started
            self.done.set()

    def outcome(self) -> tuple[str, str, float]:
        """Wait for the check (up to its timeout); return its status, detail and time in ms."""
        remaining = self._started + self.timeout - time.perf_counter()
        if not self.done.wait(max(remaining, 0)):
            return "TIMEOUT", f"no answer within {self.timeout:g} s", self.timeout * 1000
        ms = self.elapsed * 1000
        if self.error is not None:
            message = str(self.error)
            detail = type(self.error).__name__ + (f": {message}" if message else "")
            return "FAIL", detail, ms
        if isinstance(self.value, str):
            return "FAIL", self.value or "failed", ms
        if self.value is not None and not self.value:
            return "FAIL", f"returned {self.value!r}", ms
        return "OK", "", ms


@click.command("doctor", short_help="Run the health checks of the app's plugins.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="SECONDS",
    help="Give no check more than this many seconds (each check also has its own limit).",
)
@with_appcontext
def doctor_command(timeout: float | None) -> None:
    """Run every health check plugins declare (``kolba_health_checks``), each in its own
    thread with a time limit, and print the results. Exits with status 1 when a check fails
    or times out."""
    app = _current_app()
    for source in DOCTOR_WARNING_SOURCES:
        for message in source(app):
            click.secho(f"Warning: {message}", fg="yellow")
    checks = [
        check
        for declared in reversed(app.plugins.hook.kolba_health_checks(app=app))
        for check in declared or ()
    ]
    if not checks:
        click.echo("No health checks are registered.")
        return

    runs = [_CheckRun(check, timeout) for check in checks]
    for run in runs:
        run.start()
    rows = []
    failed = 0
    for run in runs:
        status, detail, ms = run.outcome()
        failed += status != "OK"
        rows.append([run.check.name, status, detail, f"{ms:.0f}"])
    _echo_table(["Check", "Status", "Detail", "Time (ms)"], rows)
    click.echo(f"\n{len(runs) - failed} passed, {failed} failed.")
    if failed:
        raise click.exceptions.Exit(1)


# -- entry point --------------------------------------------------------------------------------

#: The ``kolba`` command.
cli = KolbaGroup(
    name="kolba",
    help="""\
A command line for kolba applications.

Name the app to load with the '--app' option or the 'KOLBA_APP' environment variable, or
keep it in a 'wsgi.py' or 'app.py' file in the current directory.
""",
)


def main() -> None:
    """Run the ``kolba`` command (the console script's entry point)."""
    cli.main()
