"""The package itself: its version, typing marker, entry point (``kolba plugins`` and
``KOLBA_EXTENSIONS``), the tutorial's ``CORS(app)``, the Flask-free import, and log lines that
never carry raw request data."""

import importlib.metadata
import importlib.resources
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from cors_helpers import ACAO, ORIGIN, make_app

import kolba_cors
from kolba import Kolba
from kolba.pytest_plugin import service_unavailable
from kolba_cors import CORS


def test_version_is_0_1_0():
    assert kolba_cors.__version__ == "0.1.0"


def test_package_is_typed():
    assert importlib.resources.files("kolba_cors").joinpath("py.typed").is_file()


def test_import_loads_neither_flask_nor_flask_cors():
    code = "import sys, kolba_cors; print(sorted(m for m in sys.modules if 'flask' in m))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    assert out.stdout.strip() == "[]"


def test_seed_tutorial_cors_app_runs():
    # seed 002, "解决跨源调用问题", with flask_cors renamed to kolba_cors.
    from kolba_cors import CORS

    app = Kolba(__name__)
    CORS(app)

    @app.route("/")
    def hello_world():
        return "Hello World"

    response = app.test_client().get("/", headers={"Origin": "http://localhost:8080"})
    assert response.text == "Hello World"
    assert response.headers[ACAO] == "http://localhost:8080"


def test_plugin_info_names_the_extension(app):
    CORS(app)
    infos = [i for i in app.plugins.hook.kolba_plugin_info() if i.name == "cors"]
    assert len(infos) == 1
    assert (
        infos[0].summary
        == "Cross-origin resource sharing for kolba apps, following the Fetch standard."
    )


def test_nothing_from_the_request_is_logged_raw(app, caplog):
    CORS(app, origins=[ORIGIN], methods=["GET"])
    client = app.test_client()
    hostile = "https://x.example\r\nFAKE LOG LINE \x1b[31m"
    with caplog.at_level(logging.DEBUG, logger="kolba_cors"):
        client.get("/api/items%0aFAKE", environ_overrides={"HTTP_ORIGIN": hostile})
        client.options(
            "/api/items",
            environ_overrides={
                "HTTP_ORIGIN": ORIGIN,
                "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "DELETE\nFAKE",
            },
        )
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2
    for message in messages:
        assert "\n" not in message and "\r" not in message and "\x1b" not in message
    assert "\\r\\nFAKE LOG LINE \\x1b[31m" in messages[0]
    assert "\\nFAKE" in messages[0] and "\\nFAKE" in messages[1]


def _installed():
    try:
        return importlib.metadata.distribution("kolba-cors")
    except importlib.metadata.PackageNotFoundError:
        service_unavailable(
            "kolba-cors is not installed, so its entry point is not registered: install it"
            " (pip install -e packages/ext-cors) or run nox -s 'tests(ext-cors)'"
        )


def test_installed_version_matches_the_module():
    assert _installed().version == kolba_cors.__version__


def test_entry_point_lists_the_extension_as_installed():
    _installed()
    from kolba.plugins import installed_extensions

    found = {ext.name: ext for ext in installed_extensions()}
    assert found["cors"].distribution == "kolba-cors"
    assert found["cors"].target == "kolba_cors:CORS"


def test_kolba_plugins_shows_the_extension_enabled(tmp_path):
    _installed()
    (tmp_path / "corsapp.py").write_text(
        "from kolba import Kolba\nfrom kolba_cors import CORS\napp = Kolba(__name__)\nCORS(app)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from kolba.cli import main; main()",
            "--app",
            "corsapp",
            "plugins",
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["cors"]["enabled"] is True
    assert rows["cors"]["distribution"] == "kolba-cors"
    assert rows["cors"]["version"] == "0.1.0"
    assert "kolba_app_startup" in rows["cors"]["hooks"]


def test_kolba_extensions_config_enables_it_by_name():
    _installed()
    app = make_app(KOLBA_EXTENSIONS=["cors"], CORS_ORIGINS=[ORIGIN])
    response = app.test_client().get("/public", headers={"Origin": ORIGIN})
    assert "cors" in app.extensions
    assert response.headers[ACAO] == ORIGIN


def test_readme_example_runs():
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    code = readme.split("```python\n", 1)[1].split("```", 1)[0]
    namespace = {"__name__": "readme_example"}
    exec(compile(code, "README.md", "exec"), namespace)
    client = namespace["app"].test_client()
    origin = "https://pr-7.preview.example.com"
    response = client.get("/api/me", headers={"Origin": origin})
    assert response.get_json() == {"user": "ada"}
    assert response.headers[ACAO] == origin
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
