"""The import machinery of the bridge: one ``sys.meta_path`` finder that answers ``flask`` and
``flask.*`` imports with modules standing for kolba's, answers ``importlib.metadata`` queries
for Flask with a distribution describing them, and tells ``kolba.cli`` about the bridge."""

from __future__ import annotations

import importlib
import importlib.machinery
import types

from .names import FLASK_API_VERSION, MODULES, PACKAGES, RENAMED, kolba_spelling

# Not typing.TYPE_CHECKING: typing itself is too costly to import in every interpreter start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import importlib.abc
    import importlib.metadata
    import typing as t


def _extras(module_name: str) -> dict[str, t.Any]:
    """Names a bridged module has that its kolba module lacks."""
    if module_name == "flask":
        return {"__version__": FLASK_API_VERSION}
    if module_name == "flask.cli":
        # Flask's own console script is ``flask.cli:main``: when pip reinstalls Flask over the
        # bridge's ``flask`` script, that script still starts kolba's command line.
        from .cli import main

        return {"main": main}
    return {}


class BridgedModule(types.ModuleType):
    """A ``flask`` module whose names are kolba's objects, looked up on first access (so
    ``flask.Flask is kolba.Kolba`` and ``flask.globals.request is kolba.globals.request``)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.__dict__["_kolba_sources"] = MODULES[name]

    def _sources(self) -> list[types.ModuleType]:
        return [importlib.import_module(name) for name in self.__dict__["_kolba_sources"]]

    def __getattr__(self, name: str) -> t.Any:
        if name == "__all__":
            return self.__dir__()
        if (name.startswith("__") and name not in _extras(self.__name__)) or (
            name == "_kolba_sources"
        ):
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        value = self._lookup(name)
        # Cached like a normal module attribute: later accesses cost a dict lookup.
        self.__dict__[name] = value
        return value

    def _lookup(self, name: str) -> t.Any:
        submodule = f"{self.__name__}.{name}"
        if submodule in MODULES:
            return importlib.import_module(submodule)
        extras = _extras(self.__name__)
        if name in extras:
            return extras[name]
        target = RENAMED.get(self.__name__, {}).get(name, name)
        for source in self._sources():
            for candidate in dict.fromkeys((target, kolba_spelling(target))):
                if hasattr(source, candidate):
                    return getattr(source, candidate)
        raise AttributeError(
            f"module {self.__name__!r} has no attribute {name!r}: kolba-flask-bridge looks"
            f" names up in {', '.join(self.__dict__['_kolba_sources']) or 'no kolba module'},"
            " and none of them has it."
        )

    def __dir__(self) -> list[str]:
        names: set[str] = set(_extras(self.__name__))
        for source in self._sources():
            public = getattr(source, "__all__", None) or [
                n
                for n in vars(source)
                if not n.startswith("_") and not isinstance(getattr(source, n), types.ModuleType)
            ]
            names.update(public)
            names.update(n.replace("Kolba", "Flask") for n in public if "Kolba" in n)
        return sorted(names)


class _ThenAttach:
    """Wraps ``kolba.cli``'s loader to hand the bridge's additions to the module once it ran."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        self._loader.exec_module(module)
        attach_cli(module)

    def __getattr__(self, name: str) -> t.Any:
        # get_source, get_code, is_package ...: what inspect and tracebacks ask a loader.
        return getattr(self._loader, name)


def attach_cli(cli_module: types.ModuleType) -> None:
    """Add the ``flask.commands`` entry points to kolba's command line, the bridged Flask
    extensions to ``kolba plugins`` and the early-import warnings to ``kolba doctor``."""
    from . import report

    if "flask.commands" not in cli_module.COMMAND_GROUPS:
        cli_module.COMMAND_GROUPS.append("flask.commands")
    if report.plugin_rows not in cli_module.PLUGIN_ROW_SOURCES:
        cli_module.PLUGIN_ROW_SOURCES.append(report.plugin_rows)
    if report.doctor_warnings not in cli_module.DOCTOR_WARNING_SOURCES:
        cli_module.DOCTOR_WARNING_SOURCES.append(report.doctor_warnings)


_MAIN = 'if __name__ == "__main__":\n    from kolba_flask_bridge.cli import main\n\n    main()\n'


def detach_cli(cli_module: types.ModuleType) -> None:
    """Take back what :func:`attach_cli` added."""
    from . import report

    for name, value in (
        ("COMMAND_GROUPS", "flask.commands"),
        ("PLUGIN_ROW_SOURCES", report.plugin_rows),
        ("DOCTOR_WARNING_SOURCES", report.doctor_warnings),
    ):
        items = getattr(cli_module, name)
        if value in items:
            items.remove(value)


def _main_code() -> types.CodeType:
    return compile(_MAIN, "<kolba-flask-bridge: flask.__main__>", "exec")


class BridgeFinder:
    """First on ``sys.meta_path`` while the bridge is enabled. It is its own loader. Nothing
    from ``importlib.abc`` or ``importlib.metadata`` is imported until needed: the start-up hook
    creates it in every interpreter of an environment that sets ``KOLBA_FLASK_BRIDGE``."""

    def find_spec(
        self,
        fullname: str,
        path: t.Sequence[str] | None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        # The loaders are duck-typed, not importlib.abc.Loader subclasses: importlib.abc pulls in
        # typing and importlib.resources, too much for every start-up. Hence the ignores.
        if fullname in MODULES:
            return importlib.machinery.ModuleSpec(
                fullname,
                self,  # type: ignore[arg-type]
                origin="kolba-flask-bridge",
                is_package=fullname in PACKAGES,
            )
        if fullname == "flask.__main__":
            return importlib.machinery.ModuleSpec(
                fullname,
                self,  # type: ignore[arg-type]
                origin="kolba-flask-bridge",
            )
        if fullname == "kolba.cli":
            spec = importlib.machinery.PathFinder.find_spec(fullname, path)
            if spec is not None and spec.loader is not None:
                spec.loader = _ThenAttach(spec.loader)  # type: ignore[assignment]
            return spec
        # Any other flask.* name finds nothing: the parents' empty __path__ keeps the real
        # Flask's files out of reach, so it is never half-loaded beside kolba.
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        if spec.name == "flask.__main__":
            return None
        module = BridgedModule(spec.name)
        if spec.name in PACKAGES:
            module.__path__ = []
        return module

    def get_code(self, fullname: str) -> types.CodeType | None:
        """``python -m flask`` runs this code (through runpy) as ``__main__``."""
        if fullname != "flask.__main__":
            return None
        return _main_code()

    def exec_module(self, module: types.ModuleType) -> None:
        if module.__name__ == "flask.__main__":
            exec(_main_code(), module.__dict__)
            return
        sources = MODULES[module.__name__]
        if sources:
            # Imported now, so a broken kolba fails at `import flask` with kolba's own error.
            module.__file__ = importlib.import_module(sources[0]).__file__

    def find_distributions(
        self, context: importlib.metadata.DistributionFinder.Context | None = None
    ) -> t.Iterator[importlib.metadata.Distribution]:
        from .distribution import find_flask

        return find_flask(context)
