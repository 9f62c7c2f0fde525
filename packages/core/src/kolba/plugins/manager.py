"""Each app's own plugin manager; there is no global one, so apps and tests stay isolated.

It also knows which hooks have implementations, so the per-request path can skip hooks
nobody implements without asking pluggy each time.
"""

from __future__ import annotations

import typing as t
import weakref

import pluggy

from . import hookspecs

hookimpl = pluggy.HookimplMarker("kolba")


class PluginManager(pluggy.PluginManager):
    """A pluggy manager for project ``kolba`` with kolba's hook specifications loaded.

    Registering a plugin that implements a hook kolba does not define raises
    ``pluggy.PluginValidationError`` at once.
    """

    def __init__(self) -> None:
        super().__init__("kolba")
        self.add_hookspecs(hookspecs)
        self._implemented: dict[str, bool] = {}
        #: Counts changes to the set of registered plugins.
        self.generation = 0
        #: Functions called after each change to the set of registered plugins.
        #: Weak references to methods called when plugins come or go; weak, so that the app
        #: owning this manager can be freed like any object.
        self.on_change: list[weakref.WeakMethod[t.Callable[[], None]]] = []

    def register(self, plugin: t.Any, name: str | None = None) -> str | None:
        rv = super().register(plugin, name)
        try:
            self.check_pending()
        except pluggy.PluginValidationError:
            self.unregister(plugin)
            raise
        self._changed()
        return rv

    def unregister(self, plugin: t.Any = None, name: str | None = None) -> t.Any:
        rv = super().unregister(plugin, name)
        self._changed()
        return rv

    def _changed(self) -> None:
        self._implemented.clear()
        self.generation += 1
        for ref in self.on_change:
            listener = ref()
            if listener is not None:
                listener()

    def implemented(self, hook_name: str) -> bool:
        """Whether any registered plugin implements ``hook_name`` (cached until the set of
        plugins changes)."""
        rv = self._implemented.get(hook_name)
        if rv is None:
            caller = getattr(self.hook, hook_name)
            rv = self._implemented[hook_name] = bool(caller.get_hookimpls())
        return rv

    @staticmethod
    def declared_hooks(obj: t.Any) -> list[str]:
        """The names of the ``@kolba.hookimpl`` methods of ``obj`` (an extension class or
        object), without registering it anywhere."""
        return sorted(
            name
            for name in dir(obj)
            if name.startswith("kolba_") and hasattr(getattr(obj, name, None), "kolba_impl")
        )

    def plugin_hooks(self, plugin: t.Any) -> list[str]:
        """The names of the hooks ``plugin`` implements, sorted."""
        return sorted(caller.name for caller in self.get_hookcallers(plugin) or ())
