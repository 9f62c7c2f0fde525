"""``import flask`` and its submodules resolve to kolba's objects; Flask spellings are kolba's
classes; the real Flask installed beside kolba is never loaded."""

import importlib
import importlib.metadata
import sys

import flask
import flask.cli
import flask.testing
import pytest

import kolba
import kolba.cli
import kolba.scaffold
import kolba.sessions
import kolba.signals
import kolba.testing
import kolba.views
from kolba_flask_bridge import FLASK_API_VERSION, is_enabled
from kolba_flask_bridge.names import MODULES


def test_bridge_is_enabled_by_importing_it():
    assert is_enabled()


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_bridged_module_imports(name):
    module = importlib.import_module(name)
    assert sys.modules[name] is module
    assert "site-packages/flask/" not in (getattr(module, "__file__", "") or "")


def test_no_module_of_the_real_flask_is_loaded():
    for extension in (
        "flask_babel",
        "flask_caching",
        "flask_limiter",
        "flask_login",
        "flask_migrate",
        "flask_smorest",
        "flask_sqlalchemy",
    ):
        importlib.import_module(extension)

    real = [
        name
        for name, module in sys.modules.items()
        if name.partition(".")[0] == "flask"
        and "/flask/" in (getattr(module, "__file__", "") or "").replace("\\", "/")
    ]
    assert real == []


@pytest.mark.parametrize(
    ("flask_name", "kolba_object"),
    [
        ("flask.Flask", kolba.Kolba),
        ("flask.app.Flask", kolba.Kolba),
        ("flask.sansio.app.App", kolba.Kolba),
        ("flask.testing.FlaskClient", kolba.testing.KolbaClient),
        ("flask.testing.FlaskCliRunner", kolba.testing.KolbaCliRunner),
        ("flask.cli.FlaskGroup", kolba.cli.KolbaGroup),
        ("flask.cli.ScriptInfo", kolba.cli.ScriptInfo),
        ("flask.cli.with_appcontext", kolba.cli.with_appcontext),
        ("flask.globals.request", kolba.request),
        ("flask.globals.current_app", kolba.current_app),
        ("flask.request", kolba.request),
        ("flask.Blueprint", kolba.Blueprint),
        ("flask.sansio.blueprints.Blueprint", kolba.Blueprint),
        (
            "flask.sessions.SecureCookieSessionInterface",
            kolba.sessions.SecureCookieSessionInterface,
        ),
        ("flask.json.provider.DefaultJSONProvider", kolba.json.provider.DefaultJSONProvider),
        ("flask.signals.request_started", kolba.signals.request_started),
        ("flask.views.MethodView", kolba.views.MethodView),
        ("flask.sansio.scaffold.setupmethod", kolba.scaffold.setupmethod),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_flask_names_are_kolba_objects(flask_name, kolba_object):
    module_name, _, attr = flask_name.rpartition(".")
    assert getattr(importlib.import_module(module_name), attr) is kolba_object


def test_isinstance_holds_both_ways():
    app = flask.Flask(__name__)
    assert isinstance(app, kolba.Kolba)
    assert isinstance(kolba.Kolba(__name__), flask.Flask)
    assert isinstance(app.test_client(), flask.testing.FlaskClient)

    class MyFlask(flask.Flask):
        pass

    assert isinstance(MyFlask(__name__), kolba.Kolba)


def test_star_import_gives_flask_spellings():
    namespace: dict[str, object] = {}
    exec("from flask import *", namespace)
    assert namespace["Flask"] is kolba.Kolba
    assert namespace["jsonify"] is kolba.jsonify


def test_flask_version_is_the_api_level_kolba_implements():
    assert importlib.metadata.version("flask") == FLASK_API_VERSION
    assert importlib.metadata.version("Flask") == FLASK_API_VERSION
    assert flask.__version__ == FLASK_API_VERSION
    assert FLASK_API_VERSION.startswith("3.1.")


def test_flask_console_script_entry_point_is_the_bridge():
    # The real Flask's own "flask = flask.cli:main" is shadowed with the rest of its metadata.
    targets = {
        ep.value
        for ep in importlib.metadata.entry_points(group="console_scripts")
        if ep.name == "flask"
    }
    assert targets == {"kolba_flask_bridge.cli:main"}
    assert flask.cli.main is importlib.import_module("kolba_flask_bridge.cli").main


def test_a_flask_module_kolba_lacks_is_not_found_instead_of_the_real_one():
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("flask.no_such_module")


def test_a_missing_name_says_where_it_was_looked_up():
    with pytest.raises(AttributeError, match="kolba.helpers"):
        flask.helpers.no_such_helper  # noqa: B018


def test_a_view_written_for_flask_runs_on_kolba():
    app = flask.Flask(__name__)

    @app.route("/hello/<name>")
    def hello(name):
        return flask.jsonify(greeting=f"hello {name}", app=flask.current_app.name)

    response = app.test_client().get("/hello/ada")
    assert response.json == {"greeting": "hello ada", "app": app.name}
