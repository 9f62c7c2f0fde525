"""Finding installed extensions and CLI commands through entry points.

Installing a package never activates it: an app enables an extension by calling its
``init_app`` or by naming it in the ``KOLBA_EXTENSIONS`` config key.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import typing as t

if t.TYPE_CHECKING:
    from ..app import Kolba

#: Entry points naming extension classes (``name = "package.module:ExtClass"``).
EXTENSIONS_GROUP = "kolba.extensions"
#: Entry points naming click commands added to the ``kolba`` command.
COMMANDS_GROUP = "kolba.commands"


@dataclasses.dataclass(frozen=True)
class InstalledExtension:
    """An extension found through the ``kolba.extensions`` entry point group."""

    name: str
    distribution: str
    version: str
    target: str
    entry_point: importlib.metadata.EntryPoint = dataclasses.field(repr=False, compare=False)


def installed_extensions() -> list[InstalledExtension]:
    """Every installed extension, sorted by name."""
    found = []
    for ep in importlib.metadata.entry_points(group=EXTENSIONS_GROUP):
        dist = ep.dist
        found.append(
            InstalledExtension(
                name=ep.name,
                distribution=dist.metadata["Name"] if dist is not None else "",
                version=dist.version if dist is not None else "",
                target=ep.value,
                entry_point=ep,
            )
        )
    return sorted(found, key=lambda e: e.name)


def enabled_plugin(app: Kolba, ext: InstalledExtension) -> t.Any | None:
    """The plugin registered on ``app`` that the installed extension ``ext`` provides (an
    instance of its entry point's class, or that object itself), or ``None``.

    Matching by what was loaded, not by name, lets an entry point be named differently from
    the extension (``session-redis`` providing ``app.extensions["session"]``).
    """
    try:
        target = ext.entry_point.load()
    except Exception:
        return None
    for plugin in app.plugins.get_plugins():
        if plugin is target or (isinstance(target, type) and isinstance(plugin, target)):
            return plugin
    return None


def load_extension(app: Kolba, name: str) -> t.Any:
    """Enable the installed extension ``name`` on ``app`` and return the extension object.

    The entry point may name a class (instantiated without arguments) or an object with
    ``init_app``.
    """
    for ext in installed_extensions():
        if ext.name == name:
            already = enabled_plugin(app, ext)
            if already is not None:
                return already
            target = ext.entry_point.load()
            obj = target() if isinstance(target, type) else target
            obj.init_app(app)
            return obj
    known = ", ".join(e.name for e in installed_extensions()) or "none"
    raise LookupError(
        f"KOLBA_EXTENSIONS names {name!r}, but no installed package provides a"
        f" 'kolba.extensions' entry point of that name (installed extensions: {known})."
    )
