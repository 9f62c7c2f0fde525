"""Tests written as an app author writes them: the plugin's fixtures on the conftest's app."""

from __future__ import annotations

from typing import Any


def test_client_posts_and_reads_back(client: Any, sqlalchemy_rollback: Any) -> None:
    assert client.post("/notes", json={"text": "buy milk"}).status_code == 201
    assert client.get("/notes").get_json() == {"notes": ["buy milk"]}


def test_the_previous_tests_rows_were_rolled_back(client: Any, sqlalchemy_rollback: Any) -> None:
    assert client.get("/notes").get_json() == {"notes": []}


def test_bad_input_is_a_400(client: Any, sqlalchemy_rollback: Any) -> None:
    response = client.post("/notes", data="not json")
    assert response.status_code == 400
    assert "text" in response.get_json()["error"]


def test_runner_invokes_the_apps_commands(runner: Any, sqlalchemy_rollback: Any) -> None:
    result = runner.invoke(args=["count-notes"])
    assert result.exit_code == 0 and result.output == "0\n"
