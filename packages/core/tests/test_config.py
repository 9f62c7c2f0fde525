"""Configuration: Flask 3.1 default keys, the Config loaders, namespaces and app properties.
Loaders read objects, Python files, env vars, JSON/TOML files, mappings and prefixed env vars."""

import json
import os
import sys
import textwrap
import tomllib
import types
from datetime import timedelta

import pytest

from kolba import Config, Kolba
from kolba.plugins.builtin import CORE_CONFIG_KEYS

DEFAULTS = {
    "DEBUG": False,
    "TESTING": False,
    "PROPAGATE_EXCEPTIONS": None,
    "SECRET_KEY": None,
    "SECRET_KEY_FALLBACKS": None,
    "PERMANENT_SESSION_LIFETIME": timedelta(days=31),
    "USE_X_SENDFILE": False,
    "TRUSTED_HOSTS": None,
    "SERVER_NAME": None,
    "APPLICATION_ROOT": "/",
    "SESSION_COOKIE_NAME": "session",
    "SESSION_COOKIE_DOMAIN": None,
    "SESSION_COOKIE_PATH": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SECURE": False,
    "SESSION_COOKIE_PARTITIONED": False,
    "SESSION_COOKIE_SAMESITE": None,
    "SESSION_REFRESH_EACH_REQUEST": True,
    "SESSION_ACCEPT_FLASK_COOKIES": True,
    "MAX_CONTENT_LENGTH": None,
    "MAX_FORM_MEMORY_SIZE": 500_000,
    "MAX_FORM_PARTS": 1_000,
    "SEND_FILE_MAX_AGE_DEFAULT": None,
    "TRAP_BAD_REQUEST_ERRORS": None,
    "TRAP_HTTP_EXCEPTIONS": False,
    "EXPLAIN_TEMPLATE_LOADING": False,
    "PREFERRED_URL_SCHEME": "http",
    "TEMPLATES_AUTO_RELOAD": None,
    "MAX_COOKIE_SIZE": 4093,
    "PROVIDE_AUTOMATIC_OPTIONS": True,
    # kolba's additions, declared with the others so every listing agrees.
    "KOLBA_EXTENSIONS": None,
}


@pytest.fixture
def clean_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith(("FLASK_", "KOLBA_", "MYAPP_")):
            monkeypatch.delenv(name)


@pytest.fixture
def app(clean_env, tmp_path):
    return Kolba(__name__, root_path=str(tmp_path))


def write(path, text):
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# -- defaults ----------------------------------------------------------------------------------


def test_default_config_has_exactly_the_flask_3_1_keys_and_kolba_extensions(app):
    assert set(app.config) == set(DEFAULTS)


def test_default_config_is_the_declared_defaults_of_the_core_keys():
    assert dict(Kolba.default_config) == {key.name: key.default for key in CORE_CONFIG_KEYS}


def test_debug_defaults_to_false_in_the_config_and_its_declaration(app):
    (debug,) = [key for key in CORE_CONFIG_KEYS if key.name == "DEBUG"]
    assert app.config["DEBUG"] is False
    assert Kolba.default_config["DEBUG"] is debug.default is False


@pytest.mark.parametrize(("key", "value"), DEFAULTS.items())
def test_default_config_value(app, key, value):
    assert app.config[key] == value


def test_config_is_a_dict_of_class_config(app):
    assert isinstance(app.config, Config)
    assert isinstance(app.config, dict)


def test_config_can_be_used_standalone_with_defaults(tmp_path):
    config = Config(str(tmp_path), {"A": 1})
    config["B"] = 2
    assert config == {"A": 1, "B": 2}


def test_config_root_path_is_the_app_root_path(app, tmp_path):
    assert app.config.root_path == str(tmp_path)


# -- from_object -------------------------------------------------------------------------------


class BaseSettings:
    DEBUG = False
    DATABASE_URI = "sqlite://:memory:"
    lowercase_is_ignored = True
    _private = "ignored"


class DevSettings(BaseSettings):
    DEBUG = True


def test_from_object_loads_uppercase_class_attributes(app):
    app.config.from_object(BaseSettings)
    assert app.config["DATABASE_URI"] == "sqlite://:memory:"
    assert "lowercase_is_ignored" not in app.config
    assert "_private" not in app.config


def test_from_object_includes_inherited_attributes(app):
    app.config.from_object(DevSettings)
    assert app.config["DEBUG"] is True
    assert app.config["DATABASE_URI"] == "sqlite://:memory:"


def test_from_object_accepts_an_instance(app):
    settings = DevSettings()
    settings.EXTRA = "instance attribute"
    app.config.from_object(settings)
    assert app.config["EXTRA"] == "instance attribute"


def test_from_object_accepts_a_module(app):
    module = types.ModuleType("settings_module")
    module.API_KEY = "abc"
    module.helper = "not loaded"
    app.config.from_object(module)
    assert app.config["API_KEY"] == "abc"
    assert "helper" not in app.config


def test_from_object_accepts_an_import_string(app, tmp_path, monkeypatch):
    write(tmp_path / "cfgmod_objects.py", "class Production:\n    DATABASE_URI = 'postgres://'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "cfgmod_objects", raising=False)
    app.config.from_object("cfgmod_objects.Production")
    assert app.config["DATABASE_URI"] == "postgres://"


def test_from_object_with_bad_import_string_raises_import_error(app):
    with pytest.raises(ImportError):
        app.config.from_object("no_such_module_for_kolba.Settings")


# -- from_pyfile -------------------------------------------------------------------------------


def test_from_pyfile_loads_path_relative_to_root_path(app, tmp_path):
    write(tmp_path / "settings.py", "DEBUG = True\nSECRET_KEY = 'from file'\n")
    assert app.config.from_pyfile("settings.py") is True
    assert app.config["DEBUG"] is True
    assert app.config["SECRET_KEY"] == "from file"


def test_from_pyfile_ignores_lowercase_names(app, tmp_path):
    write(tmp_path / "settings.py", "import os\nhelper = 1\nTIMEOUT = 5\n")
    app.config.from_pyfile("settings.py")
    assert app.config["TIMEOUT"] == 5
    assert "helper" not in app.config
    assert "os" not in app.config


def test_from_pyfile_accepts_absolute_path(app, tmp_path):
    path = write(tmp_path / "elsewhere.py", "COLOR = 'blue'\n")
    app.config.from_pyfile(str(path))
    assert app.config["COLOR"] == "blue"


def test_from_pyfile_missing_file_raises_os_error_naming_file(app):
    with pytest.raises(OSError) as excinfo:
        app.config.from_pyfile("missing_settings.py")
    assert "missing_settings.py" in str(excinfo.value)


def test_from_pyfile_missing_file_silent_returns_false(app):
    assert app.config.from_pyfile("missing_settings.py", silent=True) is False
    assert set(app.config) == set(DEFAULTS)


def test_from_pyfile_uses_instance_path_with_instance_relative_config(clean_env, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    write(instance / "settings.py", "WHERE = 'instance'\n")
    app = Kolba(__name__, instance_path=str(instance), instance_relative_config=True)
    app.config.from_pyfile("settings.py")
    assert app.config["WHERE"] == "instance"


# -- from_envvar -------------------------------------------------------------------------------


def test_from_envvar_loads_file_named_by_variable(app, tmp_path, monkeypatch):
    path = write(tmp_path / "prod.py", "DEBUG = False\nMODE = 'prod'\n")
    monkeypatch.setenv("MYAPP_SETTINGS", str(path))
    assert app.config.from_envvar("MYAPP_SETTINGS") is True
    assert app.config["MODE"] == "prod"


def test_from_envvar_unset_variable_raises_runtime_error_naming_it(app):
    with pytest.raises(RuntimeError, match="MYAPP_SETTINGS"):
        app.config.from_envvar("MYAPP_SETTINGS")


def test_from_envvar_unset_variable_silent_returns_false(app):
    assert app.config.from_envvar("MYAPP_SETTINGS", silent=True) is False


# -- from_file ---------------------------------------------------------------------------------


def test_from_file_with_json_load(app, tmp_path):
    write(tmp_path / "config.json", '{"PAGE_SIZE": 20, "lower": 1}')
    assert app.config.from_file("config.json", load=json.load) is True
    assert app.config["PAGE_SIZE"] == 20
    assert "lower" not in app.config


def test_from_file_with_tomllib_in_binary_mode(app, tmp_path):
    write(tmp_path / "config.toml", 'SERVER_NAME = "example.com"\n[DB]\nHOST = "db"\n')
    app.config.from_file("config.toml", load=tomllib.load, text=False)
    assert app.config["SERVER_NAME"] == "example.com"
    assert app.config["DB"] == {"HOST": "db"}


def test_from_file_missing_file_raises_os_error(app):
    with pytest.raises(OSError):
        app.config.from_file("missing.json", load=json.load)


def test_from_file_missing_file_silent_returns_false(app):
    assert app.config.from_file("missing.json", load=json.load, silent=True) is False


# -- from_mapping / update ---------------------------------------------------------------------


def test_from_mapping_loads_mapping_and_keywords(app):
    assert app.config.from_mapping({"A": 1}, B=2) is True
    assert (app.config["A"], app.config["B"]) == (1, 2)


def test_from_mapping_ignores_lowercase_keys(app):
    app.config.from_mapping({"lower": 1, "UPPER": 2})
    assert "lower" not in app.config
    assert app.config["UPPER"] == 2


def test_update_sets_keys_like_a_dict(app):
    app.config.update({"DEBUG": True}, EXTRA="x")
    assert app.debug is True
    assert app.config["EXTRA"] == "x"


# -- from_prefixed_env -------------------------------------------------------------------------


def test_from_prefixed_env_loads_strings(app, monkeypatch):
    monkeypatch.setenv("MYAPP_SECRET_KEY", "s3cret")
    app.config.from_prefixed_env("MYAPP")
    assert app.config["SECRET_KEY"] == "s3cret"


def test_from_prefixed_env_parses_values_as_json(app, monkeypatch):
    monkeypatch.setenv("MYAPP_PORT", "8080")
    monkeypatch.setenv("MYAPP_TESTING", "true")
    monkeypatch.setenv("MYAPP_HOSTS", '["a", "b"]')
    app.config.from_prefixed_env("MYAPP")
    assert app.config["PORT"] == 8080
    assert app.config["TESTING"] is True
    assert app.config["HOSTS"] == ["a", "b"]


def test_from_prefixed_env_double_underscore_sets_nested_key(app, monkeypatch):
    app.config["DB"] = {"PORT": 5432}
    monkeypatch.setenv("MYAPP_DB__HOST", "db.local")
    app.config.from_prefixed_env("MYAPP")
    assert app.config["DB"] == {"PORT": 5432, "HOST": "db.local"}


def test_from_prefixed_env_ignores_other_prefixes(app, monkeypatch):
    monkeypatch.setenv("OTHERAPP_COLOR", "red")
    app.config.from_prefixed_env("MYAPP")
    assert "COLOR" not in app.config


def test_from_prefixed_env_returns_true(app):
    assert app.config.from_prefixed_env("MYAPP") is True


def test_from_prefixed_env_default_prefix_is_kolba(app, monkeypatch):
    # kolba-specific: Flask's default prefix is FLASK; kolba's is KOLBA (DESIGN.md).
    monkeypatch.setenv("KOLBA_COLOR", "green")
    app.config.from_prefixed_env()
    assert app.config["COLOR"] == "green"


# -- get_namespace -----------------------------------------------------------------------------


@pytest.fixture
def image_config(app):
    app.config.from_mapping(
        IMAGE_STORE_TYPE="fs", IMAGE_STORE_PATH="/var/images", IMAGE_STORE_BASE_URL="http://img"
    )
    return app.config


def test_get_namespace_lowercases_and_trims(image_config):
    assert image_config.get_namespace("IMAGE_STORE_") == {
        "type": "fs",
        "path": "/var/images",
        "base_url": "http://img",
    }


def test_get_namespace_without_lowercase(image_config):
    assert image_config.get_namespace("IMAGE_STORE_", lowercase=False)["TYPE"] == "fs"


def test_get_namespace_without_trim(image_config):
    namespace = image_config.get_namespace("IMAGE_STORE_", trim_namespace=False)
    assert namespace["image_store_type"] == "fs"


def test_get_namespace_excludes_other_keys(image_config):
    assert "debug" not in image_config.get_namespace("IMAGE_STORE_")


# -- app properties ----------------------------------------------------------------------------


def test_debug_property_reads_and_writes_config(app):
    app.config["DEBUG"] = True
    assert app.debug is True
    app.debug = False
    assert app.config["DEBUG"] is False


def test_testing_property_reads_and_writes_config(app):
    app.testing = True
    assert app.config["TESTING"] is True
    app.config["TESTING"] = False
    assert app.testing is False


def test_secret_key_property_reads_and_writes_config(app):
    app.secret_key = "abc"
    assert app.config["SECRET_KEY"] == "abc"
    app.config["SECRET_KEY"] = "def"
    assert app.secret_key == "def"


# -- instance folder ---------------------------------------------------------------------------


def test_default_instance_path_is_instance_folder_next_to_module(clean_env):
    app = Kolba(__name__)
    here = os.path.dirname(os.path.abspath(__file__))
    assert app.instance_path == os.path.join(here, "instance")


def test_instance_path_can_be_given_explicitly(clean_env, tmp_path):
    app = Kolba(__name__, instance_path=str(tmp_path))
    assert app.instance_path == str(tmp_path)


def test_relative_instance_path_is_rejected(clean_env):
    with pytest.raises(ValueError):
        Kolba(__name__, instance_path="relative/instance")


def test_config_root_is_instance_path_with_instance_relative_config(clean_env, tmp_path):
    app = Kolba(__name__, instance_path=str(tmp_path), instance_relative_config=True)
    assert app.config.root_path == str(tmp_path)
