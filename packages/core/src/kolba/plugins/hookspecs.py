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
    from ..typing import ResponseReturnValue
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


@hookspec(firstresult=True)
def kolba_before_request(app: Kolba, request: Request) -> ResponseReturnValue | None:
    """*First result.* Act on a request before the app's own request hooks.

    Called for every request, after the URL value preprocessors (which only prepare the view
    arguments) and before every ``before_request`` function of the app and its blueprints,
    in pluggy's call order (``tryfirst`` first).
    Return a response value to answer the request at once: the view and the app's
    ``before_request`` functions are skipped, its ``after_request`` functions still run.
    ``request`` is the :data:`kolba.request` proxy: the request object is built only when an
    implementation reads it, so one that can decide from the WSGI environ
    (``kolba.globals.request_ctx.environ``) keeps requests it ignores cheap. Resolved once per
    set of plugins: a request costs nothing when no plugin implements it. kolba-cors answers
    preflight requests here.
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
