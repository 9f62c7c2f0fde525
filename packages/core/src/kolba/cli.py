"""Click integration: command groups whose commands run inside an app context."""

from __future__ import annotations

import typing as t
from functools import update_wrapper

import click

F = t.TypeVar("F", bound=t.Callable[..., t.Any])


def with_appcontext(f: F) -> F:
    """Run the decorated click command inside the app's context (``current_app`` works)."""

    @click.pass_context
    def decorator(ctx: click.Context, /, *args: t.Any, **kwargs: t.Any) -> t.Any:
        from .globals import _cv_app

        if _cv_app.get(None) is None:
            app = ctx.ensure_object(ScriptInfo).load_app()
            ctx.with_resource(app.app_context())
        return ctx.invoke(f, *args, **kwargs)

    return update_wrapper(decorator, f)  # type: ignore[return-value]


class AppGroup(click.Group):
    """A click group whose commands run in an app context unless ``with_appcontext=False``."""

    def command(self, *args: t.Any, **kwargs: t.Any) -> t.Callable[[t.Callable[..., t.Any]], click.Command]:  # type: ignore[override]
        wrap_for_ctx = kwargs.pop("with_appcontext", True)

        def decorator(f: t.Callable[..., t.Any]) -> click.Command:
            if wrap_for_ctx:
                f = with_appcontext(f)
            return click.Group.command(self, *args, **kwargs)(f)  # type: ignore[no-any-return]

        return decorator

    def group(self, *args: t.Any, **kwargs: t.Any) -> t.Callable[[t.Callable[..., t.Any]], click.Group]:  # type: ignore[override]
        kwargs.setdefault("cls", AppGroup)
        return super().group(*args, **kwargs)  # type: ignore[no-any-return]


class ScriptInfo:
    """Finds and loads the app for a CLI run; commands get it via ``click``'s context object."""

    def __init__(
        self,
        app_import_path: str | None = None,
        create_app: t.Callable[..., t.Any] | None = None,
        set_debug_flag: bool = True,
        load_dotenv_defaults: bool = True,
    ) -> None:
        self.app_import_path = app_import_path
        self.create_app = create_app
        self.data: dict[t.Any, t.Any] = {}
        self.set_debug_flag = set_debug_flag
        self.load_dotenv_defaults = load_dotenv_defaults
        self._loaded_app: t.Any = None

    def load_app(self) -> t.Any:
        """Return the app, creating or importing it on first use."""
        if self._loaded_app is not None:
            return self._loaded_app
        if self.create_app is not None:
            app = self.create_app()
        else:
            raise click.UsageError("Could not locate a kolba application.")
        self._loaded_app = app
        return app


def main() -> None:
    """Entry point of the ``kolba`` command."""
    raise SystemExit("the kolba command is not available yet")


def load_dotenv(path: str | None = None) -> bool:
    """Load ``.kolbaenv`` (or ``.flaskenv``) and ``.env`` from the nearest folders upward,
    when python-dotenv is installed; variables already set are kept.

    With ``path``, load only that file. Returns whether a file was loaded.
    """
    import os

    try:
        import dotenv
    except ImportError:
        if path or any(os.path.isfile(n) for n in (".env", ".kolbaenv", ".flaskenv")):
            click.secho(
                " * Tip: There are .env files present. Install python-dotenv to use them.",
                fg="yellow",
                err=True,
            )
        return False
    if path is not None:
        if os.path.isfile(path):
            return bool(dotenv.load_dotenv(path, encoding="utf-8"))
        return False
    loaded = False
    for name in (".env", ".kolbaenv", ".flaskenv"):
        found = dotenv.find_dotenv(name, usecwd=True)
        if not found:
            continue
        dotenv.load_dotenv(found, encoding="utf-8")
        loaded = True
    return loaded


def show_server_banner(debug: bool, app_import_path: str | None) -> None:
    """Print the development server's start-up lines (not in the reloader's child)."""
    import os

    if os.environ.get("WERKZEUG_RUN_MAIN") == "true":
        return
    if app_import_path is not None:
        click.echo(f" * Serving Kolba app '{app_import_path}'")
    if debug is not None:
        click.echo(f" * Debug mode: {'on' if debug else 'off'}")
