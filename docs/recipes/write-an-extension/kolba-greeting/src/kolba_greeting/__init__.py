"""kolba-greeting: a sample kolba extension that greets people by name in views, templates and
``kolba shell``, written to show every part an extension has."""

from __future__ import annotations

import dataclasses
import typing as t

import kolba
from kolba import ConfigKey, HealthCheck, hookimpl

if t.TYPE_CHECKING:
    from jinja2 import Environment

__all__ = ["Greeting", "GreetingState", "greet"]


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValueError("must not be blank. Set it to a word such as 'Hello'.")


@dataclasses.dataclass(frozen=True)
class GreetingState(kolba.ExtensionState):
    """What the extension keeps for one app, in ``app.extensions["greeting"]``."""

    text: str


class Greeting(kolba.Extension[GreetingState]):
    """Greets people by name in views, templates and kolba shell."""

    name = "greeting"
    config_keys = (
        ConfigKey(
            "GREETING_TEXT",
            str,
            "Hello",
            "The word greet() puts before a name.",
            check=_not_blank,
            option="text",
        ),
        ConfigKey(
            "GREETING_TEMPLATE_GLOBAL",
            bool,
            True,
            "Make greeting(name) available in every template.",
        ),
    )

    def create_state(self, app: kolba.Kolba, options: t.Mapping[str, t.Any]) -> GreetingState:
        return GreetingState(text=self.settings(app, options)["GREETING_TEXT"])

    @hookimpl
    def kolba_jinja_environment(self, app: kolba.Kolba, env: Environment) -> None:
        if app.config["GREETING_TEMPLATE_GLOBAL"]:
            env.globals["greeting"] = greet

    @hookimpl
    def kolba_shell_context(self, app: kolba.Kolba) -> dict[str, t.Any]:
        return {"greet": greet}

    @hookimpl
    def kolba_health_checks(self, app: kolba.Kolba) -> list[HealthCheck]:
        state = self.state(app)

        def check() -> str | None:
            # An extension with a backing service would connect to it here.
            return None if state.text.strip() else "GREETING_TEXT is blank."

        return [HealthCheck("greeting", check, timeout=1.0)]


def greet(name: str) -> str:
    """Return the current app's greeting for ``name``, such as ``"Hello, Ada!"``.

    Needs an app context of an app on which :class:`Greeting` is initialised.
    """
    return f"{_accessor.state().text}, {name}!"


#: Reads the current app's state for module functions; any Greeting object reads the same
#: ``app.extensions["greeting"]``.
_accessor = Greeting()
