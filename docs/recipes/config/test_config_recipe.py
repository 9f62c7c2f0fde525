"""Tests for the configuration recipe: environment classes, the instance folder's config.py,
KOLBA_* environment variables and the order in which they override each other."""

import os

import pytest
from config_recipe import create_app


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("KOLBA_"):
            monkeypatch.delenv(name)


def write_instance_config(instance_path, text):
    (instance_path / "config.py").write_text(text, encoding="utf-8")


def test_development_config_turns_debug_on(tmp_path):
    app = create_app("development", instance_path=str(tmp_path))
    assert app.debug is True
    assert app.test_client().get("/settings").get_json() == {"debug": True, "items_per_page": 20}


def test_testing_config_uses_in_memory_database(tmp_path):
    app = create_app("testing", instance_path=str(tmp_path))
    assert app.testing is True
    assert app.config["DATABASE_URL"] == "sqlite://"


def test_production_without_secret_key_refuses_to_start(tmp_path):
    with pytest.raises(RuntimeError, match="KOLBA_SECRET_KEY"):
        create_app("production", instance_path=str(tmp_path))


def test_instance_config_file_provides_production_secret(tmp_path):
    write_instance_config(tmp_path, "SECRET_KEY = 'from instance'\n")
    app = create_app("production", instance_path=str(tmp_path))
    assert app.secret_key == "from instance"
    assert app.debug is False


def test_instance_config_overrides_class_defaults(tmp_path):
    write_instance_config(tmp_path, "ITEMS_PER_PAGE = 10\n")
    app = create_app("development", instance_path=str(tmp_path))
    assert app.config["ITEMS_PER_PAGE"] == 10


def test_environment_variable_provides_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("KOLBA_SECRET_KEY", "from env")
    assert create_app("production", instance_path=str(tmp_path)).secret_key == "from env"


def test_environment_values_are_parsed_as_json(tmp_path, monkeypatch):
    monkeypatch.setenv("KOLBA_ITEMS_PER_PAGE", "50")
    app = create_app("development", instance_path=str(tmp_path))
    assert app.test_client().get("/settings").get_json()["items_per_page"] == 50


def test_environment_overrides_instance_config(tmp_path, monkeypatch):
    write_instance_config(tmp_path, "ITEMS_PER_PAGE = 10\n")
    monkeypatch.setenv("KOLBA_ITEMS_PER_PAGE", "30")
    app = create_app("development", instance_path=str(tmp_path))
    assert app.config["ITEMS_PER_PAGE"] == 30


def test_default_instance_folder_is_next_to_the_module(monkeypatch):
    monkeypatch.setenv("KOLBA_SECRET_KEY", "x")
    app = create_app()
    here = os.path.dirname(os.path.abspath(__file__))
    assert app.instance_path == os.path.join(here, "instance")
