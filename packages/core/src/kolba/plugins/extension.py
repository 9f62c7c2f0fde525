"""The shape every extension shares: ``Ext(app=None)`` plus ``init_app(app)``, declared config
keys that are defaulted and validated, per-app state in ``app.extensions``, and registration
with the app's plugin manager.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib.metadata
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
    message for values the type alone does not rule out.
    """

    name: str
    type: type | tuple[type, ...] = object
    default: t.Any = None
    help: str = ""
    secret: bool = False
    required: bool = False
    choices: tuple[t.Any, ...] | None = None
    check: t.Callable[[t.Any], None] | None = None

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


class Extension:
    """Base class of kolba extensions.

    Subclasses set :attr:`name` (the key in ``app.extensions``), :attr:`config_keys`, and
    implement :meth:`create_state` to build the per-app state; hook implementations are
    methods marked with ``@kolba.hookimpl``. One object serves any number of apps::

        class Greeter(kolba.Extension):
            name = "greeter"
            config_keys = (kolba.ConfigKey("GREETING", str, "Hello", "What to say."),)

            def create_state(self, app):
                return {"greeting": app.config["GREETING"]}

        greeter = Greeter()
        greeter.init_app(app)
    """

    #: The key in ``app.extensions`` and the plugin's registered name.
    name: t.ClassVar[str] = ""
    #: The config keys this extension reads.
    config_keys: t.ClassVar[tuple[ConfigKey, ...]] = ()
    #: The distribution to read the version from (defaults to the top-level module name).
    distribution: t.ClassVar[str | None] = None

    def __init__(self, app: Kolba | None = None) -> None:
        if app is not None:
            self.init_app(app)

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.__dict__.get("name") and not cls.name:
            raise TypeError(f"{cls.__qualname__} must set the class attribute 'name'.")

    def init_app(self, app: Kolba) -> None:
        """Apply the config defaults, validate the values, create the per-app state in
        ``app.extensions[self.name]`` and register this object's hooks with the app."""
        if self.name in app.extensions:
            raise RuntimeError(
                f"The extension {self.name!r} is already initialised on app {app.name!r}."
                " Call init_app once per app."
            )
        added = [key.name for key in self.config_keys if key.name not in app.config]
        apply_config(app, self.config_keys)
        plugin_name = f"kolba-ext:{self.name}"
        previous = app.plugins.get_plugin(plugin_name)
        try:
            state = self.create_state(app)
            if previous is not self:
                if previous is not None:
                    app.plugins.unregister(previous)
                app.plugins.register(self, name=plugin_name)
        except BaseException:
            # Leave the app as it was, so fixing the cause and calling init_app again works.
            for name in added:
                app.config.pop(name, None)
            raise
        app.extensions[self.name] = state

    def create_state(self, app: Kolba) -> t.Any:
        """Return the per-app state stored in ``app.extensions[self.name]``."""
        return {}

    def state(self, app: Kolba) -> t.Any:
        """Return the per-app state, with a clear error if ``init_app`` was not called."""
        try:
            return app.extensions[self.name]
        except KeyError:
            raise RuntimeError(
                f"The extension {self.name!r} is not initialised on app {app.name!r}. Call"
                f" {type(self).__name__}().init_app(app) first."
            ) from None

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
