"""Audit of issue 5 against the code: every CORS_* config key behaves like its option, the README
table documents every declared key, the real ``kolba`` command lists and configures the extension,
hostile request headers never reach a 500, and @cross_origin keeps per-app policies."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cors_helpers import ORIGIN, OTHER, make_app, preflight

from kolba import Blueprint, Kolba, abort, request
from kolba.conformance import find_kolba_command
from kolba_cors import CORS, cross_origin

README = Path(__file__).parents[1] / "README.md"


def readme_keys():
    """The keys in the README's configuration table, in order."""
    return re.findall(r"^\| `(CORS_[A-Z_]+)` \|", README.read_text(encoding="utf-8"), re.M)


def test_readme_config_table_lists_exactly_the_declared_keys():
    listed = readme_keys()
    assert len(listed) == len(set(listed)), "a key is listed twice"
    assert set(listed) == {key.name for key in CORS.config_keys}


# -- every config key does what its option does --------------------------------------------------


def cors_view(response):
    """What a response says about CORS: its Access-Control-* headers, Vary and status."""
    headers = {k: v for k, v in response.headers.items() if k.lower().startswith("access-control")}
    return response.status_code, headers, sorted(response.vary)


def exchange(app):
    """The CORS-relevant outcome of a simple request, a request without Origin, a full preflight
    (through a hook that refuses OPTIONS when asked to) and an error response."""

    @app.before_request
    def refuse_when_asked():
        if request.headers.get("X-Deny"):
            abort(403)

    client = app.test_client()
    return [
        cors_view(client.get("/api/items", headers={"Origin": ORIGIN})),
        cors_view(client.get("/api/items")),
        cors_view(
            preflight(
                client,
                "/api/items/1",
                headers="X-Token, Content-Type",
                **{"Access-Control-Request-Private-Network": "true", "X-Deny": "1"},
            )
        ),
        cors_view(client.get("/api/nothing-here", headers={"Origin": ORIGIN})),
    ]


CREDENTIALED = {"CORS_ORIGINS": [ORIGIN]}


@pytest.mark.parametrize(
    ("option", "value", "base"),
    [
        ("origins", [ORIGIN, OTHER], {}),
        ("methods", ["GET", "PUT"], {}),
        ("allow_headers", ["X-Token"], {}),
        ("expose_headers", ["X-Total-Count"], {}),
        ("supports_credentials", True, CREDENTIALED),
        ("max_age", 90, {}),
        ("send_wildcard", True, {}),
        ("vary_header", False, {}),
        ("automatic_options", False, {}),
        ("always_send", False, {}),
        ("allow_private_network", True, {}),
        ("intercept_exceptions", False, {}),
        ("resources", ["/public"], {}),
    ],
)
def test_config_key_has_the_same_effect_as_its_option(option, value, base):
    by_option = make_app(**base)
    CORS(by_option, **{option: value})
    by_config = make_app(**base, **{f"CORS_{option.upper()}": value})
    CORS(by_config)
    default = make_app(**base)
    CORS(default)
    outcome = exchange(by_config)
    assert outcome == exchange(by_option)
    assert outcome != exchange(default), f"{option}={value!r} changed nothing"


# -- hostile input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "environ",
    [
        {"HTTP_ORIGIN": "https://\xe9t\xe9.example"},
        {"HTTP_ORIGIN": ORIGIN, "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "\x00"},
        {"HTTP_ORIGIN": ORIGIN, "HTTP_ACCESS_CONTROL_REQUEST_METHOD": ""},
        {"HTTP_ORIGIN": ORIGIN, "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT" * 3000},
        {
            "HTTP_ORIGIN": ORIGIN,
            "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT",
            "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": ",,, ,\x7f, X Bad, \xff" + ",x" * 5000,
        },
    ],
)
def test_hostile_cors_request_headers_never_cause_a_server_error(environ):
    app = make_app()
    CORS(app, origins=[ORIGIN], allow_headers=["X-Token"])
    response = app.test_client().options("/api/items/1", environ_overrides=environ)
    assert response.status_code < 500
    for name, value in response.headers.items():
        if name.lower().startswith("access-control-"):
            assert value.isascii() and value.isprintable(), (name, value)


# -- @cross_origin ------------------------------------------------------------------------------


def test_cross_origin_in_a_blueprint_uses_each_apps_own_config():
    bp = Blueprint("api", __name__)

    @bp.get("/thing")
    @cross_origin()
    def thing():
        return "thing"

    first, second = Kolba("first"), Kolba("second")
    first.config["CORS_ORIGINS"] = [ORIGIN]
    second.config["CORS_ORIGINS"] = [OTHER]
    for app in (first, second):
        app.register_blueprint(bp)
    for app, allowed, refused in ((first, ORIGIN, OTHER), (second, OTHER, ORIGIN)):
        client = app.test_client()
        ok = client.get("/thing", headers={"Origin": allowed})
        assert ok.headers["Access-Control-Allow-Origin"] == allowed
        no = client.get("/thing", headers={"Origin": refused})
        assert "Access-Control-Allow-Origin" not in no.headers


def test_preflight_to_a_cross_origin_view_is_answered_before_the_apps_hooks():
    app = Kolba(__name__)

    @app.before_request
    def require_token():
        if request.headers.get("Authorization") != "Bearer secret":
            abort(401)

    CORS(app, origins=[OTHER])

    @app.route("/special", methods=["GET", "PUT"])
    @cross_origin(origins=[ORIGIN])
    def special():
        return "special"

    response = preflight(app.test_client(), "/special", headers="Authorization")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert response.headers["Access-Control-Allow-Headers"] == "Authorization"


# -- the real kolba command ---------------------------------------------------------------------

APP_MODULE = """\
from kolba import Kolba
from kolba_cors import CORS

app = Kolba(__name__)
app.config["CORS_ORIGINS"] = ["https://app.example.com"]
CORS(app, max_age=60)
"""


def kolba(tmp_path, *args):
    (tmp_path / "corsapp.py").write_text(APP_MODULE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("KOLBA_APP", "FLASK_APP")}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), *sys.path])
    return subprocess.run(
        [*find_kolba_command(), "--app", "corsapp", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )


def test_kolba_command_lists_cors_as_enabled_with_its_version(tmp_path):
    result = kolba(tmp_path, "plugins", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["cors"]["enabled"] is True
    assert (rows["cors"]["distribution"], rows["cors"]["version"]) == ("kolba-cors", "0.1.0")


def test_kolba_config_lists_every_cors_key_with_its_value_and_help(tmp_path):
    result = kolba(tmp_path, "config", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    for key in CORS.config_keys:
        assert rows[key.name]["help"] == key.help
    assert rows["CORS_ORIGINS"]["value"] == ["https://app.example.com"]
    assert rows["CORS_ORIGINS"]["default"] == "*"
