"""What the bridge adds to ``kolba plugins`` (the Flask extensions an app uses) and to
``kolba doctor`` (extensions imported before the bridge was enabled)."""

from __future__ import annotations

import importlib.metadata
import re
import types
import typing as t

from . import early_imports

if t.TYPE_CHECKING:
    from kolba import Kolba


def _module_of(value: object) -> str:
    if isinstance(value, type | types.FunctionType | types.MethodType):
        return str(getattr(value, "__module__", "") or "")
    return type(value).__module__


def _candidates(state: object) -> list[object]:
    # Extensions store themselves, a config object, or a dict/set keyed by their objects.
    found: list[object] = [state]
    if isinstance(state, dict):
        found += [*state.keys(), *state.values()]
    elif isinstance(state, set | frozenset | list | tuple):
        found += list(state)
    return found


def _requires_flask(distribution: str) -> bool:
    for requirement in importlib.metadata.requires(distribution) or []:
        match = re.match(r"[A-Za-z0-9._-]+", requirement)
        if match and match.group().lower() == "flask" and "extra ==" not in requirement:
            return True
    return False


def flask_distribution(state: object) -> importlib.metadata.Distribution | None:
    """The installed Flask extension that made ``state`` (a value of ``app.extensions``):
    a distribution that requires Flask and provides the value's module, or ``None``."""
    by_module = importlib.metadata.packages_distributions()
    for candidate in _candidates(state):
        top = _module_of(candidate).partition(".")[0]
        for name in by_module.get(top, []):
            try:
                if _requires_flask(name):
                    return importlib.metadata.distribution(name)
            except importlib.metadata.PackageNotFoundError:
                continue
    return None


def plugin_rows(app: Kolba) -> list[dict[str, t.Any]]:
    """One ``kolba plugins`` row per Flask extension in ``app.extensions``, marked bridged."""
    rows = []
    for name, state in app.extensions.items():
        dist = flask_distribution(state)
        if dist is None:
            continue
        rows.append(
            {
                "name": name,
                "distribution": dist.metadata["Name"],
                "version": dist.version,
                "enabled": True,
                "hooks": [],
                "bridged": True,
            }
        )
    return rows


def doctor_warnings(app: Kolba) -> list[str]:
    """The warning ``kolba doctor`` prints when Flask modules came before the bridge."""
    found = early_imports()
    if not found:
        return []
    return [
        f"{', '.join(found)} was imported before kolba-flask-bridge was enabled and still uses"
        " the real Flask, which does not work with a kolba app. Set KOLBA_FLASK_BRIDGE=1 in the"
        " environment, or import kolba_flask_bridge before any Flask extension."
    ]
