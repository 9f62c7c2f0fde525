"""The extension contract: kolba's conformance suite, config validation with errors that name
the key, the package's version and type marker, and discovery through its entry point."""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

import pytest
import redis
import redis.asyncio
from redis_session_app import create_app

import kolba_session_redis
from kolba import ConfigError, Kolba
from kolba.cli import cli
from kolba.conformance import ExtensionConformance, find_kolba_command, run_kolba_plugins
from kolba.pytest_plugin import make_app, running_in_ci
from kolba_session_redis import RedisSessionInterface, Session, extension

PACKAGE = Path(__file__).parents[1]
DISTRIBUTION = "kolba-session-redis"


def installed() -> bool:
    """Whether the distribution is installed (nox installs it; PYTHONPATH runs do not)."""
    try:
        importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        if running_in_ci():
            pytest.fail(f"{DISTRIBUTION} is not installed (CI is set, so this fails)")
        return False
    return True


class TestSessionConformance(ExtensionConformance):
    extension_class = Session
    other_config = {"SESSION_KEY_PREFIX": "other:", "SESSION_PERMANENT": False}
    distribution = DISTRIBUTION if installed() else None
    readme = PACKAGE / "README.md"


def test_version_matches_pyproject():
    with (PACKAGE / "pyproject.toml").open("rb") as f:
        project = tomllib.load(f)["project"]
    assert kolba_session_redis.__version__ == project["version"] == "0.1.0"
    assert project["name"] == DISTRIBUTION


def test_package_is_typed():
    assert (Path(kolba_session_redis.__file__).parent / "py.typed").is_file()


def test_entry_point_is_declared():
    with (PACKAGE / "pyproject.toml").open("rb") as f:
        entry_points = tomllib.load(f)["project"]["entry-points"]["kolba.extensions"]
    assert entry_points == {"session-redis": "kolba_session_redis:Session"}


@pytest.mark.skipif(not installed(), reason=f"{DISTRIBUTION} is not installed")
def test_kolba_plugins_lists_the_package(tmp_path):
    listed = run_kolba_plugins(find_kolba_command(), cwd=tmp_path)
    entry = next(item for item in listed if item["name"] == "session-redis")
    assert entry["distribution"] == DISTRIBUTION
    assert entry["version"] == kolba_session_redis.__version__


@pytest.mark.skipif(not installed(), reason=f"{DISTRIBUTION} is not installed")
def test_kolba_plugins_shows_the_package_enabled_once(tmp_path):
    (tmp_path / "sessions_app.py").write_text(
        "from kolba import Kolba\nfrom kolba_session_redis import Session\n"
        "app = Kolba(__name__)\nSession(app)\n"
    )
    listed = run_kolba_plugins([*find_kolba_command(), "--app", "sessions_app"], cwd=tmp_path)
    ours = [item for item in listed if item["distribution"] == DISTRIBUTION]
    assert [(item["name"], item["enabled"]) for item in ours] == [("session-redis", True)]


@pytest.mark.skipif(not installed(), reason=f"{DISTRIBUTION} is not installed")
def test_kolba_extensions_config_enables_it_by_entry_point_name(redis_server):
    app = make_app(KOLBA_EXTENSIONS=["session-redis"], SESSION_REDIS_URL=redis_server.url)
    app.test_client().get("/")
    assert isinstance(app.session_interface, RedisSessionInterface)


def test_init_app_in_an_app_factory(redis_server):
    sessions = Session()

    def create() -> Kolba:
        app = make_app(SESSION_REDIS_URL=redis_server.url)
        sessions.init_app(app)
        return app

    first, second = create(), create()
    assert first.extensions["session"] is not second.extensions["session"]


@pytest.mark.parametrize(
    ("config", "key", "message"),
    [
        ({"SESSION_TYPE": "filesystem"}, "SESSION_TYPE", "set SESSION_TYPE = 'redis'"),
        ({"SESSION_REDIS": object()}, "SESSION_REDIS", "is not a Redis client"),
        ({"SESSION_REDIS": "redis://127.0.0.1"}, "SESSION_REDIS", "set SESSION_REDIS_URL"),
        ({"SESSION_REDIS_URL": 6379}, "SESSION_REDIS_URL", "expected str"),
        ({"SESSION_REDIS_TIMEOUT": 0}, "SESSION_REDIS_TIMEOUT", "above 0"),
        ({"SESSION_REDIS_TIMEOUT": True}, "SESSION_REDIS_TIMEOUT", "expected float or int"),
        ({"SESSION_KEY_PREFIX": ""}, "SESSION_KEY_PREFIX", "must not be empty"),
        ({"SESSION_PERMANENT": "yes"}, "SESSION_PERMANENT", "expected bool"),
        ({"SESSION_USE_SIGNER": 1}, "SESSION_USE_SIGNER", "expected bool"),
        ({"SESSION_ID_LENGTH": 8}, "SESSION_ID_LENGTH", "use 16 to 256"),
        ({"SESSION_SERIALIZATION_FORMAT": "pickle"}, "SESSION_SERIALIZATION_FORMAT", "'json'"),
    ],
)
def test_bad_config_is_rejected_naming_the_key(config, key, message):
    app = make_app(**config)
    with pytest.raises(ConfigError) as info:
        Session(app)
    assert info.value.key == key
    assert message in str(info.value)


def test_asyncio_client_is_rejected():
    app = make_app(SESSION_REDIS=redis.asyncio.Redis())
    with pytest.raises(ConfigError, match="asyncio client"):
        Session(app)


def test_client_and_url_together_are_rejected(redis_server):
    app = make_app(SESSION_REDIS=redis_server.admin, SESSION_REDIS_URL=redis_server.url)
    with pytest.raises(ConfigError, match="set only one of them"):
        Session(app)


def test_msgpack_format_without_msgpack_is_rejected(monkeypatch):
    monkeypatch.setattr(extension, "msgpack_available", lambda: False)
    app = make_app(SESSION_SERIALIZATION_FORMAT="msgpack")
    with pytest.raises(ConfigError, match=r"kolba-session-redis\[msgpack\]"):
        Session(app)


def test_signer_without_secret_key_fails_at_start_up(redis_server):
    app = create_app(SESSION_REDIS_URL=redis_server.url, SESSION_USE_SIGNER=True, SECRET_KEY=None)
    with pytest.raises(ConfigError) as info:
        app.test_client().get("/plain")
    assert info.value.key == "SECRET_KEY"
    assert "SESSION_USE_SIGNER" in str(info.value)


def test_default_client_is_local_redis_with_the_timeout():
    app = make_app(SESSION_REDIS_TIMEOUT=0.25)
    Session(app)
    kwargs = app.extensions["session"].interface.client.connection_pool.connection_kwargs
    assert (kwargs["host"], kwargs["port"], kwargs["db"]) == ("127.0.0.1", 6379, 0)
    assert kwargs["socket_timeout"] == kwargs["socket_connect_timeout"] == 0.25
    assert kwargs["retry"].get_retries() == 0


def test_kolba_config_masks_the_redis_url(redis_server):
    url = f"redis://:hunter2@127.0.0.1:{redis_server.port}/0"
    app = make_app(SESSION_REDIS_URL=url)
    Session(app)
    result = app.test_cli_runner().invoke(cli, ["config"])
    assert result.exit_code == 0, result.output
    assert "SESSION_REDIS_URL" in result.output
    assert "hunter2" not in result.output


def test_readme_example_runs(redis_server):
    readme = (PACKAGE / "README.md").read_text()
    code = readme.split("```python\n", 1)[1].split("```", 1)[0]
    namespace = {"__name__": "readme_example"}
    exec(code.replace("redis://127.0.0.1:6379/0", redis_server.url), namespace)
    client = namespace["app"].test_client()
    assert client.post("/login", data={"user": "ann"}).json == {"user": "ann"}
    assert len(redis_server.keys()) == 1
