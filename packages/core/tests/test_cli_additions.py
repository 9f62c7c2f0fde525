"""What a package outside the core may add to the command line through ``kolba.cli``'s three
lists (the Flask bridge uses them): entry-point groups of commands, ``kolba plugins`` rows and
``kolba doctor`` warnings."""

import json

import pytest
from click.testing import CliRunner

import kolba.cli
from kolba import Kolba
from kolba.cli import KolbaGroup


@pytest.fixture
def app():
    return Kolba("cli_additions_app")


@pytest.fixture
def invoke(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(KolbaGroup(name="kolba"), list(args))


def test_commands_of_an_added_entry_point_group_join_the_command_line(
    monkeypatch, tmp_path, invoke
):
    dist = tmp_path / "site" / "other_cmds-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: other-cmds\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[other.commands]\nother-hello = other_cmds:hello\n")
    (tmp_path / "site" / "other_cmds.py").write_text(
        "import click\n\n@click.command()\ndef hello():\n    click.echo('hello from other')\n"
    )
    monkeypatch.syspath_prepend(tmp_path / "site")
    assert "other-hello" not in CliRunner().invoke(KolbaGroup(name="kolba"), ["--help"]).output
    monkeypatch.setattr(kolba.cli, "COMMAND_GROUPS", [*kolba.cli.COMMAND_GROUPS, "other.commands"])
    assert invoke("other-hello").output == "hello from other\n"


def test_plugin_row_sources_add_rows_marked_in_the_table(monkeypatch, invoke):
    def rows(app):
        return [
            {
                "name": "outsider",
                "distribution": "Outsider",
                "version": "2.0",
                "enabled": True,
                "hooks": [],
                "bridged": True,
            }
        ]

    monkeypatch.setattr(kolba.cli, "PLUGIN_ROW_SOURCES", [rows])
    listed = {row["name"]: row for row in json.loads(invoke("plugins", "--json").stdout)}
    assert listed["outsider"]["bridged"] is True
    (line,) = [ln for ln in invoke("plugins").stdout.splitlines() if ln.startswith("outsider")]
    assert line.split()[1:4] == ["Outsider", "2.0", "yes"]
    assert line.endswith("(bridged Flask extension)")


def test_doctor_prints_warnings_of_the_sources_first(monkeypatch, invoke):
    monkeypatch.setattr(kolba.cli, "DOCTOR_WARNING_SOURCES", [lambda app: [f"{app.name} is odd"]])
    result = invoke("doctor")
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "Warning: cli_additions_app is odd"
