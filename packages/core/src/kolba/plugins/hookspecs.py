"""Every hook kolba calls, in one place: the extension-facing layer of the framework.

Implement a hook with ``@kolba.hookimpl`` on a method or module function of the same name and
register the object with ``app.plugins.register(obj)`` (``kolba.Extension`` does this for
you). Hooks marked *first result* stop at the first implementation that returns a value other
than ``None``.
"""

from __future__ import annotations

import typing as t

import pluggy

if t.TYPE_CHECKING:
    import click
    from jinja2 import Environment

    from ..app import Kolba
    from ..sessions import SessionInterface
    from ..wrappers import Request
    from .extension import ConfigKey, HealthCheck, PluginInfo

hookspec = pluggy.HookspecMarker("kolba")


@hookspec
def kolba_config_keys() -> list[ConfigKey]:
    """Declare the config keys a plugin reads.

    Return a list of :class:`kolba.ConfigKey` (name, type, default, help, secret flag).
    ``kolba config`` lists them, secrets masked; ``Extension.init_app`` applies the defaults
    and validates the values.
    """
    raise NotImplementedError


@hookspec
def kolba_app_startup(app: Kolba) -> None:
    """Called once per app, when its configuration is final: before the first request is
    handled and before a CLI command runs. Validate settings and open long-lived resources
    here. Raising stops the start-up with that error.
    """
    raise NotImplementedError


@hookspec
def kolba_cli_commands(app: Kolba) -> list[click.Command]:
    """Return click commands to add to the ``kolba`` command for this app.

    Called when the CLI loads the app. A command named like an existing one replaces it only
    if the existing one also came from this hook.
    """
    raise NotImplementedError


@hookspec
def kolba_jinja_environment(app: Kolba, env: Environment) -> None:
    """Prepare the app's Jinja environment (filters, globals, extensions, policies).

    Called once, when ``app.jinja_env`` is first created.
    """
    raise NotImplementedError


@hookspec
def kolba_template_context(app: Kolba) -> dict[str, t.Any]:
    """Return names to add to every template's context, like a context processor.

    Called on every render; values passed to ``render_template`` win over these.
    """
    raise NotImplementedError


@hookspec
def kolba_wsgi_middleware(
    app: Kolba,
) -> t.Callable[[t.Callable[..., t.Any]], t.Callable[..., t.Any]] | None:
    """Return a middleware factory ``factory(wsgi_app) -> wsgi_app`` (or ``None``).

    Applied once at start-up around ``app.wsgi_app``. Order follows pluggy's call order
    (``tryfirst`` implementations first): the first result becomes the outermost layer.
    """
    raise NotImplementedError


@hookspec(firstresult=True)
def kolba_session_interface(app: Kolba) -> SessionInterface | None:
    """*First result.* Provide the app's session interface (server-side sessions).

    Called once at start-up; the result replaces ``app.session_interface``.
    """
    raise NotImplementedError


@hookspec(firstresult=True)
def kolba_identify(app: Kolba, request: Request) -> t.Any | None:
    """*First result.* Identify the caller of ``request`` (a user id, a claims dict ...).

    Called on demand by :func:`kolba.get_identity`, at most once per request; ``None``
    means "not me, ask the next plugin". JWT and session extensions implement it.
    """
    raise NotImplementedError


@hookspec(firstresult=True)
def kolba_handle_exception(app: Kolba, error: Exception) -> t.Any | None:
    """*First result.* Turn an exception no error handler took into a response value.

    Called when neither the app nor a blueprint registered a handler for ``error``. Return
    anything a view may return, or ``None`` to leave the error to the default handling.
    """
    raise NotImplementedError


@hookspec
def kolba_health_checks(app: Kolba) -> list[HealthCheck]:
    """Return :class:`kolba.HealthCheck` objects for ``kolba doctor``.

    Each has a name, a callable that raises (or returns a failure message) when the backing
    service is not usable, and a timeout in seconds.
    """
    raise NotImplementedError


@hookspec
def kolba_plugin_info() -> PluginInfo:
    """Describe the plugin for ``kolba plugins``: a :class:`kolba.PluginInfo` with its name,
    distribution version and a one-line summary. The hooks it implements are found
    automatically.
    """
    raise NotImplementedError


@hookspec
def kolba_register_backends(
    app: Kolba, register: t.Callable[[str, str, t.Callable[..., t.Any]], None]
) -> None:
    """Register named backends with ``register(kind, name, factory)``.

    ``kind`` is e.g. ``"storage"`` or ``"session"``; look one up with
    ``app.get_backend(kind, name)``. Called once at start-up; a duplicate name raises.
    """
    raise NotImplementedError


@hookspec
def kolba_shell_context(app: Kolba) -> dict[str, t.Any]:
    """Return names to add to ``kolba shell``'s namespace (``db``, models ...)."""
    raise NotImplementedError
