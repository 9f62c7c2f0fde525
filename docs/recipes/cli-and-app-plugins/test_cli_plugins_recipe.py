"""Tests for the CLI and app-plugins recipe: a custom command, the shell's names, named
backends and `kolba doctor`'s health check."""

import pytest
from cli_plugins_recipe import FileNotes, MemoryNotes, create_app

from kolba.cli import KolbaGroup


@pytest.fixture
def app(tmp_path):
    return create_app(str(tmp_path / "notes"))


def test_add_note_command_saves_what_the_view_serves(app):
    result = app.test_cli_runner().invoke(args=["add-note", "todo", "buy milk"])
    assert result.exit_code == 0, result.output
    assert "Saved todo." in result.output
    assert app.test_client().get("/notes/todo").text == "buy milk"


def test_unknown_note_is_a_404_with_a_message(app):
    response = app.test_client().get("/notes/nothing")
    assert response.status_code == 404
    assert "No note named 'nothing'" in response.text


def test_backends_are_chosen_by_name(tmp_path):
    assert isinstance(create_app(str(tmp_path)).extensions["notes"], FileNotes)
    assert isinstance(create_app(str(tmp_path), "memory").extensions["notes"], MemoryNotes)


def test_an_unknown_backend_names_the_registered_ones(tmp_path):
    with pytest.raises(LookupError, match="files, memory"):
        create_app(str(tmp_path), "s3")


def test_shell_offers_the_notes_backend(app):
    assert app.make_shell_context()["notes"] is app.extensions["notes"]


def doctor(app):
    return app.test_cli_runner().invoke(KolbaGroup(name="kolba"), ["doctor"])


def test_doctor_passes_when_the_folder_is_writable(app, tmp_path):
    (tmp_path / "notes").mkdir()
    result = doctor(app)
    assert result.exit_code == 0, result.output
    assert "notes folder" in result.output


def test_doctor_fails_and_says_why_when_the_folder_is_missing(app):
    result = doctor(app)
    assert result.exit_code != 0
    assert "is not writable" in result.output
