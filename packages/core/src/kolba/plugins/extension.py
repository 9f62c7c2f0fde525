"""The one shape every extension shares: ``Ext(app=None, **options)`` plus
``init_app(app, **options)``, config keys declared once (defaults, validation, listing), a typed
per-app state in ``app.extensions[name]`` reached through ``ext.state(app)``, and registration
with the app's plugin manager.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib.metadata
import types
import typing as t

from .manager import hookimpl

if t.TYPE_CHECKING:
    from ..app import Kolba


class ConfigError(ValueError):
    """A config value is missing or wrong; the message names the key and the fix."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key


@dataclasses.dataclass(frozen=True)
class ConfigKey:
    """A config key a plugin reads: its type, default and help, for validation and for
    ``kolba config``.

    ``type`` may be a class or a tuple of classes; ``None`` is accepted when the default is
    ``None``. ``secret`` masks the value in listings. ``required`` makes a missing (``None``)
    value an error. ``choices`` limits the values. ``check`` may raise ``ValueError`` with a
    message for values the type alone does not rule out. ``option`` names the keyword
    argument of the extension's constructor and ``init_app`` that overrides the key for one
    app (``CORS(app, origins=...)`` for ``CORS_ORIGINS``).

    .. versionchanged:: 0.1.0
        Added ``option``.
    """

    name: str
    type: type | tuple[type, ...] = object
    default: t.Any = None
    help: str = ""
    secret: bool = False
    required: bool = False
    choices: tuple[t.Any, ...] | None = None
    check: t.Callable[[t.Any], None] | None = None
    option: str | None = None

    def type_name(self) -> str:
        """The accepted type(s), as people write them."""
        types = self.type if isinstance(self.type, tuple) else (self.type,)
        return " or ".join(tp.__name__ for tp in types)

    def _type_accepts(self, value: t.Any) -> bool:
        types = self.type if isinstance(self.type, tuple) else (self.type,)
        if isinstance(value, bool):
            # bool is an int subclass, but True is no sensible port or size.
            return bool in types or object in types
        if isinstance(value, int) and float in types:
            return True
        return isinstance(value, types)

    def validate(self, value: t.Any) -> None:
        """Raise :class:`ConfigError` if ``value`` is not acceptable for this key."""
        if value is None:
            if self.required:
                raise ConfigError(
                    self.name,
                    f"is required. Set app.config[{self.name!r}] to a value of type"
                    f" {self.type_name()} before init_app. {self.help}".rstrip(),
                )
            return
        if not self._type_accepts(value):
            raise ConfigError(
                self.name,
                f"expected {self.type_name()}, got {type(value).__name__} {value!r}. Set"
                f" app.config[{self.name!r}] to a value of type {self.type_name()}.",
            )
        if self.choices is not None and value not in self.choices:
            allowed = ", ".join(repr(c) for c in self.choices)
            raise ConfigError(self.name, f"got {value!r}; use one of {allowed}.")
        if self.check is not None:
            try:
                self.check(value)
            except ValueError as e:
                raise ConfigError(self.name, str(e)) from None


@dataclasses.dataclass(frozen=True)
class HealthCheck:
    """A check ``kolba doctor`` runs. ``check()`` returning ``None`` or ``True`` means healthy;
    raising, returning ``False`` or returning a string (the failure message) means the service
    is not usable. ``timeout`` is in seconds."""

    name: str
    check: t.Callable[[], t.Any]
    timeout: float = 5.0


@dataclasses.dataclass(frozen=True)
class PluginInfo:
    """What ``kolba plugins`` shows about a plugin."""

    name: str
    version: str = ""
    summary: str = ""


def apply_config(app: Kolba, keys: t.Iterable[ConfigKey]) -> None:
    """Validate every key's value (its default where the config lacks it), then set the
    missing defaults. Nothing is changed when a value is rejected. Mutable defaults are
    copied, so apps never share them."""
    keys = list(keys)
    for key in keys:
        key.validate(app.config.get(key.name, key.default))
    for key in keys:
        if key.name not in app.config:
            app.config[key.name] = copy.deepcopy(key.default)


def config_defaults(keys: t.Iterable[ConfigKey]) -> dict[str, t.Any]:
    """The declared default of every key, by name (copies, so callers may change them)."""
    return {key.name: copy.deepcopy(key.default) for key in keys}


class ExtensionState:
    """Base class of the per-app state an extension keeps in ``app.extensions[name]``.

    Subclass it (a dataclass works) with the typed attributes the extension needs.
    :meth:`Extension.init_app` sets :attr:`options` and calls :meth:`close` on the state a
    re-initialisation replaces.

    .. versionadded:: 0.1.0
    """

    #: The options given to the constructor and to ``init_app`` for this app, merged (those
    #: of ``init_app`` win). Read-only.
    options: t.Mapping[str, t.Any] = types.MappingProxyType({})

    def close(self) -> None:
        """Release what the state holds (threads, connections) when a second ``init_app``
        replaces it. The default does nothing."""


StateT = t.TypeVar("StateT", bound=ExtensionState)


class Extension(t.Generic[StateT]):
    """Base class of kolba extensions.

    Subclasses set :attr:`name` (the key in ``app.extensions``), :attr:`config_keys`, and
    implement :meth:`create_state` to build the per-app state, an :class:`ExtensionState`;
    hook implementations are methods marked with ``@kolba.hookimpl``. One object serves any
    number of apps::

        @dataclasses.dataclass
        class GreeterState(kolba.ExtensionState):
            greeting: str

        class Greeter(kolba.Extension[GreeterState]):
            name = "greeter"
            config_keys = (
                kolba.ConfigKey("GREETING", str, "Hello", "What to say.", option="greeting"),
            )

            def create_state(self, app, options):
                return GreeterState(self.settings(app, options)["GREETING"])

        greeter = Greeter()
        greeter.init_app(app, greeting="Hi")  # options override the config for this app
        greeter.state(app).greeting

    .. versionchanged:: 0.1.0
        ``init_app`` takes options, ``allow_reinit`` lets it run again on one app, and the
        state is an :class:`ExtensionState`.
    """

    #: The key in ``app.extensions`` and the plugin's registered name.
    name: t.ClassVar[str] = ""
    #: The config keys this extension reads. A key with an ``option`` may also be given as
    #: that keyword argument to the constructor or to ``init_app``.
    config_keys: t.ClassVar[tuple[ConfigKey, ...]] = ()
    #: The distribution to read the version from (defaults to the top-level module name).
    distribution: t.ClassVar[str | None] = None
    #: Whether ``init_app`` may run again on an app that has the extension: it then reads
    #: the config again, replaces the state (closing the old one) and registers the hooks
    #: of the object it was called on. Without it a second ``init_app`` raises.
    allow_reinit: t.ClassVar[bool] = False

    def __init__(self, app: Kolba | None = None, **options: t.Any) -> None:
        self.check_options(options)
        #: The constructor's options: defaults for every app this object initialises.
        self.options: t.Mapping[str, t.Any] = types.MappingProxyType(options)
        if app is not None:
            self.init_app(app)

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.__dict__.get("name") and not cls.name:
            raise TypeError(f"{cls.__qualname__} must set the class attribute 'name'.")

    @classmethod
    def option_keys(cls) -> dict[str, ConfigKey]:
        """The config keys that may be given as options, by option name."""
        return {key.option: key for key in cls.config_keys if key.option}

    def check_options(self, options: t.Mapping[str, t.Any]) -> None:
        """Raise ``TypeError`` for an option no config key declares, and
        :class:`ConfigError` (naming the option) for a value its key rejects. Override it
        to accept options that have no config key."""
        keys = self.option_keys()
        for option, value in options.items():
            key = keys.get(option)
            if key is None:
                known = ", ".join(sorted(keys)) or "none"
                raise TypeError(
                    f"{type(self).__name__}() got an unexpected option {option!r}"
                    f" (options: {known})."
                )
            try:
                key.validate(value)
            except ConfigError as e:
                raise ConfigError(
                    key.name, f"the option {option}= {str(e).partition(': ')[2]}"
                ) from None

    def init_app(self, app: Kolba, **options: t.Any) -> StateT:
        """Set up the extension on ``app``: apply the config defaults, validate the values,
        store the state :meth:`create_state` builds in ``app.extensions[self.name]``,
        register this object's hooks with the app, and return the state.

        ``options`` override, for this app, the constructor's options and the config keys
        they name; they are kept in the state's :attr:`~ExtensionState.options`. A second
        call on the same app raises ``RuntimeError`` unless :attr:`allow_reinit` is set.
        """
        self.check_options(options)
        previous_state = app.extensions.get(self.name)
        if previous_state is not None and not self.allow_reinit:
            raise RuntimeError(
                f"The extension {self.name!r} is already initialised on app {app.name!r}."
                " Call init_app once per app."
            )
        merged = {**self.options, **options}
        added = [key.name for key in self.config_keys if key.name not in app.config]
        apply_config(app, self.config_keys)
        plugin_name = f"kolba-ext:{self.name}"
        previous = app.plugins.get_plugin(plugin_name)
        try:
            state = self.create_state(app, types.MappingProxyType(merged))
            if not isinstance(state, ExtensionState):
                raise TypeError(
                    f"{type(self).__name__}.create_state returned {type(state).__name__};"
                    " return an instance of a kolba.ExtensionState subclass."
                )
            # Set through object so that frozen dataclass states work too.
            object.__setattr__(state, "options", types.MappingProxyType(merged))
            if previous is not self:
                if previous is not None:
                    app.plugins.unregister(previous)
                app.plugins.register(self, name=plugin_name)
        except BaseException:
            # Leave the app as it was, so fixing the cause and calling init_app again works.
            for name in added:
                app.config.pop(name, None)
            if previous not in (None, self) and not app.plugins.is_registered(previous):
                app.plugins.register(previous, name=plugin_name)
            raise
        app.extensions[self.name] = state
        if isinstance(previous_state, ExtensionState) and previous_state is not state:
            previous_state.close()
        if app._started:
            # The app is already serving: give this extension the start-up work the others
            # had, instead of leaving it half set up; if that fails, it is not set up at all.
            try:
                app._start_late_plugin(self)
            except BaseException:
                del app.extensions[self.name]
                if app.plugins.is_registered(self):
                    app.plugins.unregister(self)
                raise
        return state

    def create_state(self, app: Kolba, options: t.Mapping[str, t.Any]) -> StateT:
        """Return the per-app state stored in ``app.extensions[self.name]``; ``options`` are
        the constructor's and ``init_app``'s, merged. The default is an empty
        :class:`ExtensionState`."""
        return t.cast(StateT, ExtensionState())

    def state(self, app: Kolba | None = None) -> StateT:
        """Return the per-app state of ``app`` (the current app by default), with a clear
        error if ``init_app`` was not called on it."""
        if app is None:
            from ..globals import _cv_app

            ctx = _cv_app.get(None)
            if ctx is None:
                raise RuntimeError(
                    f"No app to find the {self.name!r} extension's state on: pass the app,"
                    " or work inside an app context (a view, or `with app.app_context():`)."
                )
            app = ctx.app
        try:
            return t.cast(StateT, app.extensions[self.name])
        except KeyError:
            raise RuntimeError(
                f"The extension {self.name!r} is not initialised on app {app.name!r}. Call"
                f" {type(self).__name__}().init_app(app) first."
            ) from None

    def settings(
        self, app: Kolba, options: t.Mapping[str, t.Any] | None = None
    ) -> dict[str, t.Any]:
        """The effective value of every declared config key on ``app``: the option that names
        the key when one was given, else the config value. ``options`` default to those kept
        in the app's state; ``create_state`` passes the ones it got."""
        if options is None:
            options = self.state(app).options
        values = {}
        for key in self.config_keys:
            if key.option and key.option in options:
                values[key.name] = options[key.option]
            else:
                values[key.name] = app.config.get(key.name, key.default)
        return values

    def version(self) -> str:
        """The installed version of this extension's distribution, or ``""``."""
        dist = self.distribution or type(self).__module__.partition(".")[0].replace("_", "-")
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return ""

    @hookimpl
    def kolba_config_keys(self) -> list[ConfigKey]:
        return list(self.config_keys)

    @hookimpl
    def kolba_plugin_info(self) -> PluginInfo:
        doc = (type(self).__doc__ or "").strip().splitlines()
        return PluginInfo(self.name, self.version(), doc[0] if doc else "")
