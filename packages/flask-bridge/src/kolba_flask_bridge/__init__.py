"""kolba-flask-bridge: once enabled, ``import flask`` resolves to kolba, so Flask extensions run
unmodified on kolba apps. ``import kolba_flask_bridge`` enables it.

This module is imported by the start-up hook (``kolba-flask-bridge.pth``) when
``KOLBA_FLASK_BRIDGE`` is set, so it imports nothing heavy: kolba itself is imported only when
something imports ``flask``.
"""

from __future__ import annotations

import sys
import warnings

from .names import FLASK_API_VERSION as FLASK_API_VERSION

# Not typing.TYPE_CHECKING: typing itself is too costly to import in every interpreter start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import typing as t

    from .extension import FlaskBridge as FlaskBridge

__version__ = "0.1.0"

__all__ = [
    "FLASK_API_VERSION",
    "BridgeWarning",
    "FlaskBridge",
    "disable",
    "early_imports",
    "enable",
    "is_enabled",
]


class BridgeWarning(UserWarning):
    """Flask or a Flask extension was imported before the bridge was enabled."""


_early: list[str] = []


def _is_flask_module(name: str) -> bool:
    top = name.partition(".")[0]
    return top == "flask" or top.startswith("flask_")


def is_enabled() -> bool:
    """Whether ``import flask`` resolves to kolba in this process."""
    from .machinery import BridgeFinder

    return any(isinstance(finder, BridgeFinder) for finder in sys.meta_path)


def early_imports() -> list[str]:
    """The top-level ``flask`` / ``flask_*`` modules that were already imported when the bridge
    was enabled. They hold the real Flask's objects, which do not work with a kolba app."""
    return list(_early)


def enable() -> None:
    """Make ``import flask`` (and every ``flask.*`` module) resolve to kolba from now on, and
    ``importlib.metadata`` describe Flask as the API level kolba implements. Calling it again
    does nothing.

    Call it before anything imports Flask or a Flask extension. If the real Flask was
    imported already, its modules are dropped from ``sys.modules`` (later imports get kolba),
    the modules that imported it keep it, and a :class:`BridgeWarning` names them;
    ``kolba doctor`` repeats the warning.
    """
    from .machinery import BridgedModule, BridgeFinder, attach_cli

    if is_enabled():
        return
    # Without the real Flask loaded no extension can hold it (they import flask at their top),
    # so a module of one's own that is merely named flask_* is no early import.
    real_flask = sys.modules.get("flask")
    found = []
    if real_flask is not None and not isinstance(real_flask, BridgedModule):
        found = sorted({name.partition(".")[0] for name in sys.modules if _is_flask_module(name)})
    _early[:] = found
    for name in list(sys.modules):
        if name == "flask" or name.startswith("flask."):
            del sys.modules[name]
    sys.meta_path.insert(0, BridgeFinder())
    cli_module = sys.modules.get("kolba.cli")
    if cli_module is not None:
        attach_cli(cli_module)
    if found:
        warnings.warn(
            f"kolba-flask-bridge was enabled after {', '.join(found)} had been imported; those"
            " modules keep the real Flask, whose objects do not work with a kolba app. Set"
            " KOLBA_FLASK_BRIDGE=1 in the environment, or import kolba_flask_bridge before any"
            " Flask extension.",
            BridgeWarning,
            stacklevel=2,
        )


def disable() -> None:
    """Undo :func:`enable`: ``import flask`` finds whatever is installed again. The modules
    imported through the bridge (``flask`` and the ``flask_*`` extensions) leave
    ``sys.modules``, so a later import loads them afresh; objects already taken from them keep
    working on kolba. Meant for test suites that enable the bridge for some tests only."""
    from .machinery import BridgeFinder, detach_cli

    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, BridgeFinder)]
    for name in list(sys.modules):
        top = name.partition(".")[0]
        if top == "flask" or (_is_flask_module(name) and top not in _early):
            del sys.modules[name]
    _early.clear()
    cli_module = sys.modules.get("kolba.cli")
    if cli_module is not None:
        detach_cli(cli_module)


def __getattr__(name: str) -> t.Any:
    # The extension class needs kolba; importing it lazily keeps the start-up hook cheap.
    if name == "FlaskBridge":
        from .extension import FlaskBridge

        return FlaskBridge
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


enable()
