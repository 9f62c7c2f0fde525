"""Which kolba module stands for each ``flask`` module, and the Flask spellings of kolba names.

The table is data, so the README's list of bridged modules and the tests read the same thing.
"""

from __future__ import annotations

#: The Flask API level kolba implements: what ``importlib.metadata.version("flask")`` and
#: ``flask.__version__`` answer while the bridge is enabled.
FLASK_API_VERSION = "3.1.3"

#: ``flask`` module -> the kolba modules its names are looked up in, first match wins. An empty
#: tuple is a module Flask documents that kolba has no counterpart for (a package only, or
#: ``flask.debughelpers``, whose names are Flask's internal debug helpers).
MODULES: dict[str, tuple[str, ...]] = {
    "flask": ("kolba",),
    "flask.app": ("kolba.app",),
    "flask.blueprints": ("kolba.blueprints",),
    "flask.cli": ("kolba.cli",),
    "flask.config": ("kolba.config",),
    "flask.ctx": ("kolba.ctx",),
    "flask.debughelpers": (),
    "flask.globals": ("kolba.globals",),
    "flask.helpers": ("kolba.helpers",),
    "flask.json": ("kolba.json",),
    "flask.json.provider": ("kolba.json.provider",),
    "flask.json.tag": ("kolba.json.tag",),
    "flask.logging": ("kolba.logging",),
    "flask.sansio": (),
    "flask.sansio.app": ("kolba.app",),
    "flask.sansio.blueprints": ("kolba.blueprints",),
    "flask.sansio.scaffold": ("kolba.scaffold",),
    "flask.sessions": ("kolba.sessions",),
    "flask.signals": ("kolba.signals",),
    "flask.templating": ("kolba.templating",),
    "flask.testing": ("kolba.testing",),
    "flask.typing": ("kolba.typing",),
    "flask.views": ("kolba.views",),
    "flask.wrappers": ("kolba.wrappers",),
}

#: ``flask`` modules that are packages (they have submodules).
PACKAGES = frozenset({"flask", "flask.json", "flask.sansio"})

#: Names whose Flask spelling is not kolba's with "Flask" turned into "Kolba", per module:
#: Flask 3's WSGI-free base classes are kolba's one class each.
RENAMED: dict[str, dict[str, str]] = {"flask.sansio.app": {"App": "Kolba"}}


def kolba_spelling(name: str) -> str:
    """kolba's name for the Flask name ``name`` (``FlaskClient`` -> ``KolbaClient``)."""
    return name.replace("Flask", "Kolba")
