"""The tutorials' examples about errors, hooks, contexts, config, middleware and offline scripts.
Each test runs a seed example with `flask` renamed to `kolba`, as close to the original as runs."""

import io
import sqlite3
import sys
from contextlib import closing

import pytest
import werkzeug.serving
from blinker import Namespace
from werkzeug.exceptions import HTTPException, NotFound

from kolba import (
    Kolba,
    abort,
    after_this_request,
    current_app,
    flash,
    g,
    get_flashed_messages,
    redirect,
    request,
    url_for,
)


@pytest.fixture
def run_calls(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name in ("FLASK_DEBUG", "KOLBA_DEBUG", "FLASK_RUN_FROM_CLI", "KOLBA_RUN_FROM_CLI"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    recorded = []

    def fake_run_simple(hostname, port, application, **options):
        recorded.append((hostname, port, application, options))

    monkeypatch.setattr(werkzeug.serving, "run_simple", fake_run_simple)
    return recorded


# -- seed 000: 异常处理 ------------------------------------------------------------------------


@pytest.fixture
def seed000_app():
    app = Kolba(__name__)

    @app.errorhandler(404)
    def error_404(error):
        print(error)
        return "<h1>你访问的页面不存在</h1>"

    @app.errorhandler(Exception)
    def error_overall(error):
        print(error)
        return f"捕获到了异常：{error}"

    @app.route("/")
    def index():
        func(123)  # noqa: F821 - the seed calls an undefined function on purpose
        return "Hello World!"

    return app


def test_seed000_404_handler_serves_custom_page(seed000_app):
    response = seed000_app.test_client().get("/no-such-page")
    assert response.status_code == 200
    assert response.text == "<h1>你访问的页面不存在</h1>"


def test_seed000_404_handler_receives_error_describing_not_found(seed000_app, capsys):
    seed000_app.test_client().get("/no-such-page")
    assert "404 Not Found" in capsys.readouterr().out


def test_seed000_exception_handler_catches_name_error(seed000_app):
    response = seed000_app.test_client().get("/")
    assert response.text == "捕获到了异常：name 'func' is not defined"


# -- seed 001: 加载项目配置的二种方式, 上传配置 -----------------------------------------------


def test_seed001_config_item_assignment_sets_debug():
    app = Kolba(__name__)
    app.config["DEBUG"] = True
    assert app.debug is True


def test_seed001_config_update_with_dict_sets_debug():
    app = Kolba(__name__)
    config = {"DEBUG": True}
    app.config.update(config)
    assert app.debug is True


def test_seed001_custom_config_key_is_readable_in_view():
    app = Kolba(__name__)
    app.config["UPLOAD_FOLDER"] = "upload/"
    app.add_url_rule("/folder", "folder", lambda: app.config["UPLOAD_FOLDER"])
    assert app.test_client().get("/folder").text == "upload/"


def test_seed002_max_content_length_rejects_large_upload():
    app = Kolba(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 16

    @app.route("/uploader", methods=["GET", "POST"])
    def uploader():
        f = request.files["file"]
        return f"file uploaded successfully {f.filename}"

    data = {"file": (io.BytesIO(b"x" * 1024), "big.txt")}
    assert app.test_client().post("/uploader", data=data).status_code == 413


# -- seed 002: 错误码, 请求前后处理, 上下文 -----------------------------------------------------


@pytest.mark.parametrize("code", [400, 401, 403, 404, 406, 415, 429])
def test_seed002_abort_sends_status_code(code):
    app = Kolba(__name__)
    app.add_url_rule("/", "index", lambda: abort(code))
    assert app.test_client().get("/").status_code == code


@pytest.fixture
def connections():
    return []


@pytest.fixture
def seed002_db_app(tmp_path, connections):
    app = Kolba(__name__)
    DATABASE = str(tmp_path / "database.db")

    def connect_db():
        return sqlite3.connect(DATABASE)

    @app.before_request
    def before_request():
        g.db = connect_db()
        connections.append(g.db)

    @app.teardown_request
    def teardown_request(exception):
        if hasattr(g, "db"):
            g.db.close()

    @app.route("/")
    def index():
        return str(g.db.execute("select 41 + 1").fetchone()[0])

    return app


def test_seed002_before_request_opens_db_connection_for_view(seed002_db_app):
    assert seed002_db_app.test_client().get("/").text == "42"


def test_seed002_teardown_request_closes_db_connection(seed002_db_app, connections):
    seed002_db_app.test_client().get("/")
    with pytest.raises(sqlite3.ProgrammingError):
        connections[0].execute("select 1")


def test_seed002_teardown_runs_even_when_before_request_fails(tmp_path):
    app = Kolba(__name__)
    DATABASE = str(tmp_path / "missing-dir" / "database.db")
    calls = []

    @app.before_request
    def before_request():
        g.db = sqlite3.connect(DATABASE)

    @app.teardown_request
    def teardown_request(exception):
        calls.append(exception)
        if hasattr(g, "db"):
            g.db.close()

    assert app.test_client().get("/").status_code == 500
    assert isinstance(calls[0], sqlite3.OperationalError)


def test_seed002_lifecycle_order_before_view_after_teardown():
    app = Kolba(__name__)
    events = []
    app.before_request(lambda: events.append("before_request"))

    @app.route("/")
    def index():
        events.append("view")
        return "view"

    @app.after_request
    def after(response):
        events.append("after_request")
        return response

    app.teardown_request(lambda exc: events.append("teardown_request"))
    app.test_client().get("/")
    assert events == ["before_request", "view", "after_request", "teardown_request"]


def test_seed002_before_request_response_replaces_view():
    app = Kolba(__name__)
    app.before_request(lambda: "maintenance")
    app.add_url_rule("/", "index", lambda: "view")
    assert app.test_client().get("/").text == "maintenance"


def test_seed002_app_context_binds_current_app():
    app = Kolba(__name__)
    with app.app_context():
        assert current_app.name == app.name


def test_seed002_test_request_context_push_pop_for_redirect_url():
    app = Kolba(__name__)
    app.add_url_rule("/", "index", lambda: "index")

    def redirect_url():
        return request.args.get("next") or request.referrer or url_for("index")

    ctx = app.test_request_context("/?next=http://example.com/")
    ctx.push()
    try:
        assert redirect_url() == "http://example.com/"
    finally:
        ctx.pop()

    with app.test_request_context("/"):
        assert redirect_url() == "/"


def test_seed002_get_current_object_is_sent_with_signal():
    app = Kolba(__name__)
    my_signal = Namespace().signal("my-signal")
    received = []
    my_signal.connect(received.append, weak=False)
    with app.app_context():
        app_object = current_app._get_current_object()
        my_signal.send(app_object)
    assert received == [app]
    assert received[0] is app


def test_seed002_extension_reads_its_config_namespace():
    class Foo:
        def __init__(self, app=None):
            if app is not None:
                self.init_app(app)

        def init_app(self, app):
            app.extensions["foo"] = app.config.get_namespace("FOO_")

    foo = Foo()
    app = Kolba(__name__)
    app.config.update(
        FOO_BAR="baz",
        FOO_SPAM="eggs",
    )
    foo.init_app(app)
    assert app.extensions["foo"] == {"bar": "baz", "spam": "eggs"}


# -- seed 003: g 对象, 离线脚本, abort 与 errorhandler ----------------------------------------


def test_seed003_g_does_not_carry_data_between_routes():
    app = Kolba(__name__)

    @app.route("/a")
    def a():
        g.message = "from a"
        return g.message

    app.add_url_rule("/b", "b", lambda: g.get("message", "nothing"))
    client = app.test_client()
    assert client.get("/a").text == "from a"
    assert client.get("/b").text == "nothing"


def test_seed003_view_reads_config_through_current_app():
    app = Kolba(__name__)
    app.config["SITE_NAME"] = "flask_demo"
    app.add_url_rule("/", "index", lambda: current_app.config["SITE_NAME"])
    assert app.test_client().get("/").text == "flask_demo"


def test_seed003_offline_script_pushes_app_context_by_hand(tmp_path):
    app = Kolba(__name__)
    app.config["DATABASE"] = str(tmp_path / "flask_demo.sqlite3")

    ctx = app.app_context()
    ctx.push()
    g.db = sqlite3.connect(current_app.config["DATABASE"])
    g.db.execute("create table user (name text)")
    g.db.execute("insert into user values ('jack')")
    g.db.commit()
    g.db.close()
    ctx.pop()

    with closing(sqlite3.connect(app.config["DATABASE"])) as db:
        assert db.execute("select name from user").fetchall() == [("jack",)]


def test_seed003_abort_is_an_exception():
    with pytest.raises(NotFound) as excinfo:
        abort(404)
    assert isinstance(excinfo.value, HTTPException)
    assert isinstance(excinfo.value, Exception)


def test_seed003_errorhandler_redirects_401_to_login():
    app = Kolba(__name__)

    @app.errorhandler(401)
    def unauthorized(error):
        return redirect(url_for("login"))

    app.add_url_rule("/admin", "admin", lambda: abort(401))
    app.add_url_rule("/login", "login", lambda: "login page")
    response = app.test_client().get("/admin", follow_redirects=True)
    assert response.text == "login page"
    assert response.history[0].location == "/login"


def test_seed003_after_this_request_sets_cookie_for_one_response():
    app = Kolba(__name__)

    @app.route("/")
    def index():
        @after_this_request
        def remember(response):
            response.set_cookie("visited", "yes")
            return response

        return "hello"

    client = app.test_client()
    client.get("/")
    assert client.get_cookie("visited").value == "yes"


# -- seed 004: 配置文件的调用方式 --------------------------------------------------------------

SETTINGS_PY = """\
class Config(object):
    DEBUG = False
    TESTING = False
    DATABASE_URI = 'sqlite://:memory:'

class ProductionConfig(Config):
    DATABASE_URI = 'mysql://user@localhost/foo'

class DevelopmentConfig(Config):
    DEBUG = True

class TestingConfig(Config):
    TESTING = True
"""


@pytest.fixture
def pro_flask(tmp_path, monkeypatch):
    package = tmp_path / "pro_flask"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "settings.py").write_text(SETTINGS_PY, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield package
    for name in ("pro_flask.settings", "pro_flask"):
        sys.modules.pop(name, None)


def test_seed004_from_object_import_string(pro_flask):
    app = Kolba(__name__)
    app.config.from_object("pro_flask.settings.TestingConfig")
    assert app.testing is True
    assert app.config["DATABASE_URI"] == "sqlite://:memory:"


def test_seed004_from_object_class(pro_flask):
    from pro_flask.settings import ProductionConfig

    app = Kolba(__name__)
    app.config.from_object(ProductionConfig)
    assert app.config["DATABASE_URI"] == "mysql://user@localhost/foo"
    assert app.debug is False


def test_seed004_from_pyfile_in_root_path(tmp_path):
    (tmp_path / "settings.py").write_text("DEBUG = True\n", encoding="utf-8")
    app = Kolba(__name__, root_path=str(tmp_path))
    app.config.from_pyfile("settings.py")
    assert app.debug is True


def test_seed004_from_pyfile_in_instance_path_with_instance_relative_config(tmp_path):
    (tmp_path / "settings.py").write_text("DEBUG = True\n", encoding="utf-8")
    app = Kolba(__name__, instance_path=str(tmp_path), instance_relative_config=True)
    app.config.from_pyfile("settings.py")
    assert app.debug is True


def test_seed004_from_envvar_names_a_python_file(tmp_path, monkeypatch):
    settings = tmp_path / "settings.py"
    settings.write_text("DEBUG = True\n", encoding="utf-8")
    monkeypatch.setenv("PRO_FLASK_SETTINGS", str(settings))
    app = Kolba(__name__)
    app.config.from_envvar("PRO_FLASK_SETTINGS")
    assert app.debug is True


def test_seed004_from_mapping():
    app = Kolba(__name__)
    app.config.from_mapping({"DEBUG": True})
    assert app.debug is True


# -- seed 004: 中间件 (wrapping app.wsgi_app) --------------------------------------------------


class MiddleWare:
    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, *args, **kwargs):
        # 执行前操作
        res = self.wsgi_app(*args, **kwargs)
        # 执行后操作
        return res


@pytest.fixture
def seed004_app():
    app = Kolba(__name__)
    app.secret_key = "some_secret"

    @app.route("/")
    def index1():
        messages = get_flashed_messages()
        return ",".join(messages) or "Index1"

    @app.route("/set")
    def index2():
        v = request.args.get("p")
        flash(v)
        return "ok"

    app.wsgi_app = MiddleWare(app.wsgi_app)
    return app


def test_seed004_middleware_passes_requests_through(seed004_app):
    client = seed004_app.test_client()
    assert client.get("/set?p=hello").text == "ok"
    assert client.get("/").text == "hello"
    assert client.get("/").text == "Index1"


def test_seed004_middleware_runs_around_each_request(seed004_app):
    events = []

    class Recording:
        def __init__(self, wsgi_app):
            self.wsgi_app = wsgi_app

        def __call__(self, environ, start_response):
            events.append(("before", environ["PATH_INFO"]))
            res = self.wsgi_app(environ, start_response)
            events.append(("after", environ["PATH_INFO"]))
            return res

    seed004_app.wsgi_app = Recording(seed004_app.wsgi_app)
    seed004_app.test_client().get("/set?p=x")
    assert events == [("before", "/set"), ("after", "/set")]


def test_seed004_middleware_app_runs_on_given_port(seed004_app, run_calls):
    seed004_app.run(port=9999)
    host, port, served, _ = run_calls[0]
    assert (host, port) == ("127.0.0.1", 9999)
    assert served is seed004_app
