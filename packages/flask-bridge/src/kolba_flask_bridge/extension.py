"""``FlaskBridge``: the bridge as a kolba extension, for apps that want ``kolba doctor`` to
check that every Flask extension they use runs on kolba."""

from __future__ import annotations

import typing as t

import kolba

from . import early_imports

if t.TYPE_CHECKING:
    from kolba import Kolba


def _check_early_imports() -> str | None:
    found = early_imports()
    if not found:
        return None
    return (
        f"imported before the bridge was enabled, so still on the real Flask: {', '.join(found)}."
        " Set KOLBA_FLASK_BRIDGE=1 or import kolba_flask_bridge before them."
    )


class FlaskBridge(kolba.Extension[kolba.ExtensionState]):
    """Enable it on an app (``FlaskBridge(app)`` or ``KOLBA_EXTENSIONS = ["flask-bridge"]``) to
    have ``kolba doctor`` fail when a Flask extension was imported before the bridge."""

    name = "flask-bridge"
    distribution = "kolba-flask-bridge"

    @kolba.hookimpl
    def kolba_health_checks(self, app: Kolba) -> list[kolba.HealthCheck]:
        return [kolba.HealthCheck("flask-bridge: imports", _check_early_imports)]

    @kolba.hookimpl
    def kolba_plugin_info(self) -> kolba.PluginInfo:
        from . import __version__

        return kolba.PluginInfo(
            "flask-bridge", __version__, "Runs Flask extensions on kolba: `import flask` is kolba."
        )
