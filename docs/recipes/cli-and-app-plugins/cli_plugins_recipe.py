"""Custom CLI commands, the shell's namespace, named backends and a health check for `kolba
doctor`, in one small app.

The app registers a plugin of its own for the hooks; extensions use the very same hooks.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from kolba import HealthCheck, Kolba, current_app, hookimpl


class MemoryNotes:
    """Notes kept in a dict: the backend for tests and demos."""

    def __init__(self) -> None:
        self.notes: dict[str, str] = {}

    def save(self, name: str, text: str) -> None:
        self.notes[name] = text

    def load(self, name: str) -> str | None:
        return self.notes.get(name)


class FileNotes:
    """Notes kept as files in a folder: the backend for real use."""

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)

    def save(self, name: str, text: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"{name}.txt").write_text(text, encoding="utf-8")

    def load(self, name: str) -> str | None:
        path = self.folder / f"{name}.txt"
        return path.read_text(encoding="utf-8") if path.is_file() else None


class NotesPlugin:
    """Offers both backends under names, and checks that the notes folder is writable."""

    @hookimpl
    def kolba_register_backends(self, app: Kolba, register: Any) -> None:
        register("notes", "memory", MemoryNotes)
        register("notes", "files", lambda: FileNotes(app.config["NOTES_FOLDER"]))

    @hookimpl
    def kolba_health_checks(self, app: Kolba) -> list[HealthCheck]:
        def folder_writable() -> str | None:
            folder = app.config["NOTES_FOLDER"]
            if not os.access(folder, os.W_OK):
                return f"{folder} is not writable"
            return None

        return [HealthCheck("notes folder", folder_writable, timeout=2.0)]


def create_app(notes_folder: str, backend: str = "files") -> Kolba:
    app = Kolba(__name__)
    app.config.update(NOTES_FOLDER=notes_folder, NOTES_BACKEND=backend)
    app.plugins.register(NotesPlugin(), name="notes")
    app.extensions["notes"] = app.get_backend("notes", backend)()

    @app.get("/notes/<name>")
    def read(name: str) -> Any:
        text = app.extensions["notes"].load(name)
        return (text, 200) if text is not None else (f"No note named {name!r}.", 404)

    @app.cli.command("add-note")
    @click.argument("name")
    @click.argument("text")
    def add_note(name: str, text: str) -> None:
        """Save a note (runs inside the app context)."""
        current_app.extensions["notes"].save(name, text)
        click.echo(f"Saved {name}.")

    @app.shell_context_processor
    def shell_names() -> dict[str, Any]:
        return {"notes": app.extensions["notes"]}

    return app
