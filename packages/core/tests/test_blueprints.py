"""Blueprints: construction, registration, nesting, static files, templates and hooks.
Every test goes through the public API and the test client."""

from pathlib import Path

import pytest
from werkzeug.routing import BuildError

import kolba
from kolba import Blueprint, Kolba, abort, render_template, render_template_string, request, url_for

HERE = Path(__file__).parent
FILES_ROOT = str(HERE / "bp_files")
OTHER_ROOT = str(HERE / "bp_other")


@pytest.fixture
def app():
    app = Kolba(__name__)
    app.testing = True
    return app


def text(response):
    return response.get_data(as_text=True)


def simple_bp(name="bp", **kwargs):
    bp = Blueprint(name, __name__, **kwargs)

    @bp.route("/")
    def index():
        return f"{request.endpoint} at {request.path}"

    return bp


# --- construction and registration -------------------------------------------------------------


def test_routes_are_mounted_under_the_blueprint_url_prefix(app):
    app.register_blueprint(simple_bp(url_prefix="/admin"))
    client = app.test_client()
    assert text(client.get("/admin/")) == "bp.index at /admin/"
    assert client.get("/").status_code == 404


def test_endpoints_are_prefixed_with_the_blueprint_name(app):
    app.register_blueprint(simple_bp("shop", url_prefix="/shop"))
    with app.test_request_context():
        assert url_for("shop.index") == "/shop/"
    assert "shop.index" in app.view_functions


def test_url_prefix_slashes_are_joined_with_the_rule(app):
    bp = Blueprint("api", __name__, url_prefix="/api/")

    @bp.route("/items")
    def items():
        return "items"

    app.register_blueprint(bp)
    assert text(app.test_client().get("/api/items")) == "items"


def test_register_url_prefix_overrides_the_blueprint_prefix(app):
    app.register_blueprint(simple_bp(url_prefix="/old"), url_prefix="/new")
    client = app.test_client()
    assert text(client.get("/new/")) == "bp.index at /new/"
    assert client.get("/old/").status_code == 404


def test_register_name_overrides_the_endpoint_prefix(app):
    app.register_blueprint(simple_bp("bp", url_prefix="/x"), name="renamed")
    assert text(app.test_client().get("/x/")) == "renamed.index at /x/"
    assert "bp.index" not in app.view_functions


def test_one_blueprint_registered_under_two_names_serves_both(app):
    bp = simple_bp()
    app.register_blueprint(bp, url_prefix="/one")
    app.register_blueprint(bp, url_prefix="/two", name="second")
    client = app.test_client()
    assert text(client.get("/one/")) == "bp.index at /one/"
    assert text(client.get("/two/")) == "second.index at /two/"


def test_registering_one_blueprint_twice_under_the_same_name_raises(app):
    bp = simple_bp()
    app.register_blueprint(bp, url_prefix="/one")
    with pytest.raises(ValueError):
        app.register_blueprint(bp, url_prefix="/two")


def test_registering_another_blueprint_with_a_taken_name_raises(app):
    app.register_blueprint(simple_bp("same"), url_prefix="/one")
    with pytest.raises(ValueError):
        app.register_blueprint(simple_bp("same"), url_prefix="/two")


def test_blueprint_name_with_a_dot_raises():
    with pytest.raises(ValueError):
        Blueprint("admin.panel", __name__)


def test_empty_blueprint_name_raises():
    with pytest.raises(ValueError):
        Blueprint("", __name__)


def test_blueprint_url_defaults_are_passed_to_its_views(app):
    bp = Blueprint("docs", __name__, url_defaults={"lang": "en"})

    @bp.route("/docs")
    def docs(lang):
        return f"docs in {lang}"

    app.register_blueprint(bp)
    assert text(app.test_client().get("/docs")) == "docs in en"


def test_register_url_defaults_are_merged_with_the_blueprint_ones(app):
    bp = Blueprint("docs", __name__, url_defaults={"lang": "en", "v": "1"})

    @bp.route("/docs")
    def docs(lang, v):
        return f"{lang} v{v}"

    app.register_blueprint(bp, url_defaults={"v": "2"})
    assert text(app.test_client().get("/docs")) == "en v2"


def test_url_prefix_variables_become_view_arguments(app):
    bp = Blueprint("i18n", __name__, url_prefix="/<lang>")

    @bp.route("/hello")
    def hello(lang):
        return f"hello in {lang}"

    app.register_blueprint(bp)
    assert text(app.test_client().get("/fr/hello")) == "hello in fr"


def test_blueprint_registered_on_itself_raises():
    bp = Blueprint("loop", __name__)
    with pytest.raises(ValueError):
        bp.register_blueprint(bp)


def test_setup_method_called_after_registration_raises(app):
    bp = simple_bp()
    app.register_blueprint(bp)
    with pytest.raises(AssertionError):

        @bp.route("/late")
        def late():
            return "too late"


def test_hook_added_after_registration_raises(app):
    bp = simple_bp()
    app.register_blueprint(bp)
    with pytest.raises(AssertionError):
        bp.before_request(lambda: None)


def test_record_callback_receives_the_registration_state(app):
    bp = simple_bp()
    seen = []
    bp.record(lambda state: seen.append((state.app, state.url_prefix, state.options["answer"])))
    app.register_blueprint(bp, url_prefix="/p", answer=42)
    assert seen == [(app, "/p", 42)]


def test_record_runs_on_every_registration(app):
    bp = simple_bp()
    seen = []
    bp.record(lambda state: seen.append(state.name))
    app.register_blueprint(bp, url_prefix="/a")
    app.register_blueprint(bp, url_prefix="/b", name="b")
    assert seen == ["bp", "b"]


def test_record_once_runs_only_on_the_first_registration(app):
    bp = simple_bp()
    seen = []
    bp.record_once(lambda state: seen.append(state.name))
    app.register_blueprint(bp, url_prefix="/a")
    app.register_blueprint(bp, url_prefix="/b", name="b")
    assert seen == ["bp"]


def test_record_once_runs_again_for_another_app(app):
    bp = simple_bp()
    seen = []
    bp.record_once(lambda state: seen.append(state.app))
    other = Kolba(__name__)
    app.register_blueprint(bp)
    other.register_blueprint(bp)
    assert seen == [app, other]


def test_blueprint_is_listed_in_app_blueprints(app):
    bp = simple_bp("listed")
    app.register_blueprint(bp)
    assert app.blueprints["listed"] is bp


def test_blueprint_cli_group_defaults_to_the_blueprint_name(app):
    bp = Blueprint("users", __name__)

    @bp.cli.command("create")
    def create():
        print("created")

    app.register_blueprint(bp)
    result = app.test_cli_runner().invoke(args=["users", "create"])
    assert result.output == "created\n"


def test_blueprint_cli_group_argument_names_the_group(app):
    bp = Blueprint("users", __name__, cli_group="people")

    @bp.cli.command("create")
    def create():
        print("created")

    app.register_blueprint(bp)
    result = app.test_cli_runner().invoke(args=["people", "create"])
    assert result.output == "created\n"


def test_blueprint_cli_group_none_adds_commands_to_the_app_group(app):
    bp = Blueprint("users", __name__, cli_group=None)

    @bp.cli.command("create")
    def create():
        print("created")

    app.register_blueprint(bp)
    result = app.test_cli_runner().invoke(args=["create"])
    assert result.output == "created\n"


# --- subdomains --------------------------------------------------------------------------------


@pytest.fixture
def subdomain_app():
    app = Kolba(__name__, subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"

    @app.route("/")
    def home():
        return "home"

    return app


def test_subdomain_blueprint_answers_on_its_subdomain(subdomain_app):
    subdomain_app.register_blueprint(simple_bp("api", subdomain="api"))
    client = subdomain_app.test_client()
    assert text(client.get("/", base_url="http://api.example.test/")) == "api.index at /"
    assert text(client.get("/", base_url="http://example.test/")) == "home"


def test_register_subdomain_overrides_the_blueprint_subdomain(subdomain_app):
    subdomain_app.register_blueprint(simple_bp("api", subdomain="api"), subdomain="v2")
    client = subdomain_app.test_client()
    assert text(client.get("/", base_url="http://v2.example.test/")) == "api.index at /"
    assert client.get("/", base_url="http://api.example.test/").status_code == 404


def test_url_for_a_subdomain_blueprint_builds_an_external_url(subdomain_app):
    subdomain_app.register_blueprint(simple_bp("api", subdomain="api"))
    with subdomain_app.app_context():
        assert url_for("api.index") == "http://api.example.test/"


# --- nesting -----------------------------------------------------------------------------------


def nested(app, parent_prefix="/parent", child_prefix="/child"):
    parent = Blueprint("parent", __name__, url_prefix=parent_prefix)
    child = simple_bp("child", url_prefix=child_prefix)
    parent.register_blueprint(child)
    return parent, child


def test_nested_blueprint_endpoints_are_dotted(app):
    parent, _ = nested(app)
    app.register_blueprint(parent)
    assert "parent.child.index" in app.view_functions


def test_nested_blueprint_prefixes_are_joined(app):
    parent, _ = nested(app)
    app.register_blueprint(parent)
    assert text(app.test_client().get("/parent/child/")) == "parent.child.index at /parent/child/"


def test_nested_registration_accepts_url_prefix_and_name():
    app = Kolba(__name__)
    parent = Blueprint("parent", __name__, url_prefix="/parent")
    parent.register_blueprint(simple_bp("child"), url_prefix="/kid", name="kid")
    app.register_blueprint(parent)
    assert text(app.test_client().get("/parent/kid/")) == "parent.kid.index at /parent/kid/"


def test_nested_blueprint_under_two_parents_gets_two_endpoints(app):
    child = simple_bp("child", url_prefix="/child")
    for name in ("a", "b"):
        parent = Blueprint(name, __name__, url_prefix=f"/{name}")
        parent.register_blueprint(child)
        app.register_blueprint(parent)
    client = app.test_client()
    assert text(client.get("/a/child/")) == "a.child.index at /a/child/"
    assert text(client.get("/b/child/")) == "b.child.index at /b/child/"


def test_parent_before_request_applies_to_child_routes(app):
    parent, _ = nested(app)
    parent.before_request(lambda: "stopped by parent")
    app.register_blueprint(parent)
    assert text(app.test_client().get("/parent/child/")) == "stopped by parent"


def test_parent_error_handler_handles_errors_in_child_routes(app):
    parent = Blueprint("parent", __name__, url_prefix="/parent")
    child = Blueprint("child", __name__, url_prefix="/child")

    @child.route("/")
    def index():
        abort(403)

    parent.register_error_handler(403, lambda e: ("parent handled", 403))
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    response = app.test_client().get("/parent/child/")
    assert (response.status_code, text(response)) == (403, "parent handled")


def test_child_error_handler_wins_over_the_parent_one(app):
    parent = Blueprint("parent", __name__, url_prefix="/parent")
    child = Blueprint("child", __name__, url_prefix="/child")

    @child.route("/")
    def index():
        abort(403)

    parent.register_error_handler(403, lambda e: ("parent handled", 403))
    child.register_error_handler(403, lambda e: ("child handled", 403))
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert text(app.test_client().get("/parent/child/")) == "child handled"


def test_request_blueprint_is_the_full_dotted_name(app):
    parent = Blueprint("parent", __name__)
    child = Blueprint("child", __name__)

    @child.route("/")
    def index():
        return f"{request.blueprint} {request.blueprints}"

    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert text(app.test_client().get("/")) == "parent.child ['parent.child', 'parent']"


def test_request_blueprint_is_none_for_app_routes(app):
    @app.route("/")
    def index():
        return f"{request.blueprint} {request.blueprints}"

    assert text(app.test_client().get("/")) == "None []"


def test_request_hooks_run_app_then_parent_then_child_and_back(app):
    calls = []
    parent = Blueprint("parent", __name__)
    child = Blueprint("child", __name__)

    @child.route("/")
    def index():
        calls.append("view")
        return "ok"

    for scope, owner in (("app", app), ("parent", parent), ("child", child)):
        owner.before_request(lambda s=scope: calls.append(f"before {s}"))
        owner.after_request(lambda r, s=scope: calls.append(f"after {s}") or r)
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    app.test_client().get("/")
    assert calls == [
        "before app",
        "before parent",
        "before child",
        "view",
        "after child",
        "after parent",
        "after app",
    ]


# --- relative url_for --------------------------------------------------------------------------


def test_relative_url_for_inside_a_blueprint_view_targets_the_same_blueprint(app):
    bp = Blueprint("admin", __name__, url_prefix="/admin")

    @bp.route("/")
    def index():
        return url_for(".users")

    @bp.route("/users")
    def users():
        return "users"

    @app.route("/users")
    def app_users():
        return "app users"

    app.register_blueprint(bp)
    assert text(app.test_client().get("/admin/")) == "/admin/users"


def test_relative_url_for_uses_the_registered_name(app):
    bp = Blueprint("admin", __name__)

    @bp.route("/")
    def index():
        return url_for(".index")

    app.register_blueprint(bp, url_prefix="/one")
    app.register_blueprint(bp, url_prefix="/two", name="two")
    assert text(app.test_client().get("/two/")) == "/two/"


def test_relative_url_for_inside_a_nested_view_targets_the_child(app):
    parent = Blueprint("parent", __name__, url_prefix="/parent")
    child = Blueprint("child", __name__, url_prefix="/child")

    @child.route("/")
    def index():
        return url_for(".index")

    @parent.route("/")
    def index_parent():
        return "parent"

    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert text(app.test_client().get("/parent/child/")) == "/parent/child/"


def test_relative_url_for_outside_a_blueprint_targets_app_endpoints(app):
    @app.route("/")
    def index():
        return url_for(".about")

    @app.route("/about")
    def about():
        return "about"

    assert text(app.test_client().get("/")) == "/about"


# --- static files ------------------------------------------------------------------------------


def files_bp(**kwargs):
    options = {"root_path": FILES_ROOT, "static_folder": "static", "template_folder": "templates"}
    options.update(kwargs)
    bp = Blueprint("files", __name__, **options)

    @bp.route("/page")
    def page():
        return render_template("files/page.html")

    return bp


def test_blueprint_static_folder_is_served_under_its_prefix(app):
    app.register_blueprint(files_bp(url_prefix="/files"))
    response = app.test_client().get("/files/static/hello.txt")
    assert text(response) == "hello from the files blueprint\n"
    response.close()


def test_blueprint_static_url_path_sets_the_static_route(app):
    app.register_blueprint(files_bp(url_prefix="/files", static_url_path="/assets"))
    response = app.test_client().get("/files/assets/hello.txt")
    assert text(response) == "hello from the files blueprint\n"
    response.close()


def test_url_for_blueprint_static_builds_the_file_url(app):
    app.register_blueprint(files_bp(url_prefix="/files"))
    with app.test_request_context():
        assert url_for("files.static", filename="hello.txt") == "/files/static/hello.txt"


def test_blueprint_static_does_not_serve_files_outside_its_folder(app):
    app.register_blueprint(files_bp(url_prefix="/files"))
    client = app.test_client()
    assert client.get("/files/static/..%2fsecret.txt").status_code == 404
    assert client.get("/files/static/%2e%2e/secret.txt").status_code == 404


def test_blueprint_static_missing_file_is_404(app):
    app.register_blueprint(files_bp(url_prefix="/files"))
    assert app.test_client().get("/files/static/nope.txt").status_code == 404


def test_blueprint_without_static_folder_has_no_static_endpoint(app):
    app.register_blueprint(simple_bp("plain", url_prefix="/plain"))
    assert "plain.static" not in app.view_functions


def test_blueprint_root_path_argument_sets_the_resource_folder():
    bp = files_bp()
    assert bp.root_path == FILES_ROOT
    assert bp.static_folder == str(Path(FILES_ROOT) / "static")


def test_blueprint_root_path_defaults_to_the_import_name_folder():
    assert Blueprint("here", __name__).root_path == str(HERE)


# --- templates ---------------------------------------------------------------------------------


def test_blueprint_template_folder_is_searched(app):
    app.register_blueprint(files_bp(url_prefix="/files"))
    assert text(app.test_client().get("/files/page")) == "files page links to /files/page"


def test_app_templates_take_precedence_over_blueprint_templates():
    app = Kolba(__name__, template_folder="bp_files/app_templates")
    bp = files_bp()
    bp.add_url_rule("/shared", "shared", lambda: render_template("shared.html"))
    app.register_blueprint(bp)
    assert text(app.test_client().get("/shared")) == "shared from app"


def test_first_registered_blueprint_template_wins(app):
    other = Blueprint("other", __name__, root_path=OTHER_ROOT, template_folder="templates")
    app.register_blueprint(files_bp())
    app.register_blueprint(other)
    app.add_url_rule("/shared", "shared", lambda: render_template("shared.html"))
    assert text(app.test_client().get("/shared")) == "shared from files blueprint"


def test_any_view_can_render_any_blueprint_template(app):
    other = Blueprint("other", __name__, root_path=OTHER_ROOT, template_folder="templates")
    app.register_blueprint(files_bp())
    app.register_blueprint(other)
    app.add_url_rule("/", "index", lambda: render_template("other_only.html"))
    assert text(app.test_client().get("/")) == "other only from other blueprint"


# --- route registration decorators -------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post", "put", "delete", "patch"])
def test_method_shortcut_decorators_accept_only_their_method(app, method):
    bp = Blueprint("bp", __name__)
    getattr(bp, method)("/thing")(lambda: f"{request.method} ok")
    app.register_blueprint(bp)
    client = app.test_client()
    assert text(client.open("/thing", method=method.upper())) == f"{method.upper()} ok"
    other = "POST" if method == "get" else "GET"
    assert client.open("/thing", method=other).status_code == 405


def test_route_methods_argument_restricts_methods(app):
    bp = Blueprint("bp", __name__)
    bp.route("/form", methods=["POST"])(lambda: "posted")
    app.register_blueprint(bp)
    client = app.test_client()
    assert text(client.post("/form")) == "posted"
    assert client.get("/form").status_code == 405


def test_route_endpoint_argument_names_the_endpoint(app):
    bp = Blueprint("bp", __name__)

    @bp.route("/", endpoint="home")
    def index():
        return "home"

    app.register_blueprint(bp)
    with app.test_request_context():
        assert url_for("bp.home") == "/"


def test_endpoint_decorator_binds_a_view_to_the_unprefixed_app_endpoint(app):
    app.add_url_rule("/late", endpoint="late")
    bp = Blueprint("bp", __name__)

    @bp.endpoint("late")
    def late():
        return "bound later"

    app.register_blueprint(bp)
    assert text(app.test_client().get("/late")) == "bound later"


def test_add_url_rule_registers_a_view_function(app):
    bp = Blueprint("bp", __name__, url_prefix="/bp")
    bp.add_url_rule("/hello", view_func=lambda: "hello", endpoint="hello")
    app.register_blueprint(bp)
    assert text(app.test_client().get("/bp/hello")) == "hello"
    assert "bp.hello" in app.view_functions


def test_endpoint_with_a_dot_raises():
    bp = Blueprint("bp", __name__)
    with pytest.raises(ValueError):
        bp.add_url_rule("/", endpoint="a.b", view_func=lambda: "x")


# --- blueprint-scoped hooks ------------------------------------------------------------------


@pytest.fixture
def scoped(app):
    """An app with a route at /app and a blueprint route at /bp/."""
    app.add_url_rule("/app", "app_view", lambda: g_value())
    bp = Blueprint("bp", __name__, url_prefix="/bp")
    bp.add_url_rule("/", "view", lambda: g_value())
    return app, bp


def g_value():
    return str(getattr(kolba.g, "value", "unset"))


def test_before_request_runs_only_for_blueprint_routes(scoped):
    app, bp = scoped
    bp.before_request(lambda: setattr(kolba.g, "value", "bp"))
    app.register_blueprint(bp)
    client = app.test_client()
    assert text(client.get("/bp/")) == "bp"
    assert text(client.get("/app")) == "unset"


def test_before_request_returning_a_value_skips_the_view(scoped):
    app, bp = scoped
    bp.before_request(lambda: ("blocked", 403))
    app.register_blueprint(bp)
    response = app.test_client().get("/bp/")
    assert (response.status_code, text(response)) == (403, "blocked")


def test_after_request_runs_only_for_blueprint_routes(scoped):
    app, bp = scoped

    @bp.after_request
    def tag(response):
        response.headers["X-Blueprint"] = "yes"
        return response

    app.register_blueprint(bp)
    client = app.test_client()
    assert client.get("/bp/").headers.get("X-Blueprint") == "yes"
    assert "X-Blueprint" not in client.get("/app").headers


def test_teardown_request_runs_only_for_blueprint_routes(scoped):
    app, bp = scoped
    seen = []
    bp.teardown_request(lambda exc: seen.append((request.path, exc)))
    app.register_blueprint(bp)
    client = app.test_client()
    client.get("/bp/")
    client.get("/app")
    assert seen == [("/bp/", None)]


def test_teardown_request_receives_the_unhandled_exception(app):
    bp = Blueprint("bp", __name__)
    seen = []

    @bp.route("/boom")
    def boom():
        raise RuntimeError("boom")

    bp.teardown_request(lambda exc: seen.append(exc))
    app.register_blueprint(bp)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert app.test_client().get("/boom").status_code == 500
    assert isinstance(seen[0], RuntimeError)


def test_errorhandler_handles_abort_404_inside_the_blueprint(app):
    bp = Blueprint("bp", __name__, url_prefix="/bp")

    @bp.route("/missing")
    def missing():
        abort(404)

    @bp.errorhandler(404)
    def not_found(error):
        return "bp not found", 404

    app.register_blueprint(bp)
    response = app.test_client().get("/bp/missing")
    assert (response.status_code, text(response)) == (404, "bp not found")


def test_errorhandler_does_not_handle_abort_in_app_routes(app):
    bp = Blueprint("bp", __name__)
    bp.register_error_handler(404, lambda e: ("bp not found", 404))
    app.add_url_rule("/missing", "missing", lambda: abort(404))
    app.register_blueprint(bp)
    response = app.test_client().get("/missing")
    assert response.status_code == 404
    assert "bp not found" not in text(response)


def test_errorhandler_does_not_handle_unmatched_urls_under_its_prefix(app):
    bp = simple_bp(url_prefix="/bp")
    bp.register_error_handler(404, lambda e: ("bp not found", 404))
    app.register_blueprint(bp)
    response = app.test_client().get("/bp/nowhere")
    assert response.status_code == 404
    assert "bp not found" not in text(response)


def test_errorhandler_accepts_an_exception_class(app):
    class Conflict(Exception):
        pass

    bp = Blueprint("bp", __name__)

    @bp.route("/")
    def index():
        raise Conflict("taken")

    @bp.errorhandler(Conflict)
    def on_conflict(error):
        return f"conflict: {error}", 409

    app.register_blueprint(bp)
    response = app.test_client().get("/")
    assert (response.status_code, text(response)) == (409, "conflict: taken")


def test_blueprint_errorhandler_wins_over_app_errorhandler(app):
    bp = Blueprint("bp", __name__)
    bp.add_url_rule("/", "index", lambda: abort(400))
    bp.register_error_handler(400, lambda e: ("bp handler", 400))
    app.register_error_handler(400, lambda e: ("app handler", 400))
    app.register_blueprint(bp)
    assert text(app.test_client().get("/")) == "bp handler"


def test_url_value_preprocessor_runs_only_for_blueprint_routes(app):
    bp = Blueprint("bp", __name__, url_prefix="/<lang>")
    bp.add_url_rule("/", "index", lambda: kolba.g.lang)
    app.add_url_rule("/app/<lang>", "app_view", lambda lang: getattr(kolba.g, "lang", "unset"))

    @bp.url_value_preprocessor
    def pull_lang(endpoint, values):
        kolba.g.lang = values.pop("lang")

    app.register_blueprint(bp)
    client = app.test_client()
    assert text(client.get("/de/")) == "de"
    assert text(client.get("/app/de")) == "unset"


def test_url_defaults_fill_values_for_blueprint_endpoints_only(app):
    bp = Blueprint("bp", __name__, url_prefix="/<lang>")
    bp.add_url_rule("/", "index", lambda lang: lang)
    app.add_url_rule("/app/<lang>", "app_view", lambda lang: lang)

    @bp.url_defaults
    def add_lang(endpoint, values):
        values.setdefault("lang", "en")

    app.register_blueprint(bp)
    with app.test_request_context():
        assert url_for("bp.index") == "/en/"
        with pytest.raises(BuildError):
            url_for("app_view")


def test_context_processor_applies_only_to_blueprint_requests(app):
    bp = Blueprint("bp", __name__)
    bp.context_processor(lambda: {"who": "bp"})
    bp.add_url_rule("/bp", "view", lambda: render_template_string("{{ who }}"))
    app.add_url_rule("/app", "app_view", lambda: render_template_string("{{ who }}"))
    app.register_blueprint(bp)
    client = app.test_client()
    assert text(client.get("/bp")) == "bp"
    assert text(client.get("/app")) == ""


# --- app-wide hooks registered from a blueprint ----------------------------------------------


def test_before_app_request_runs_for_app_routes(scoped):
    app, bp = scoped
    bp.before_app_request(lambda: setattr(kolba.g, "value", "everywhere"))
    app.register_blueprint(bp)
    assert text(app.test_client().get("/app")) == "everywhere"


def test_after_app_request_runs_for_app_routes(scoped):
    app, bp = scoped

    @bp.after_app_request
    def tag(response):
        response.headers["X-Everywhere"] = "yes"
        return response

    app.register_blueprint(bp)
    assert app.test_client().get("/app").headers.get("X-Everywhere") == "yes"


def test_teardown_app_request_runs_for_app_routes(scoped):
    app, bp = scoped
    seen = []
    bp.teardown_app_request(lambda exc: seen.append(request.path))
    app.register_blueprint(bp)
    app.test_client().get("/app")
    assert seen == ["/app"]


def test_app_errorhandler_handles_errors_in_app_routes(app):
    bp = Blueprint("bp", __name__)

    @bp.app_errorhandler(404)
    def not_found(error):
        return "app-wide not found", 404

    app.register_blueprint(bp)
    response = app.test_client().get("/nowhere")
    assert (response.status_code, text(response)) == (404, "app-wide not found")


def test_app_context_processor_applies_to_app_templates(app):
    bp = Blueprint("bp", __name__)
    bp.app_context_processor(lambda: {"who": "everyone"})
    app.add_url_rule("/app", "app_view", lambda: render_template_string("{{ who }}"))
    app.register_blueprint(bp)
    assert text(app.test_client().get("/app")) == "everyone"


def test_app_url_value_preprocessor_runs_for_app_routes(app):
    bp = Blueprint("bp", __name__)
    app.add_url_rule("/<lang>/", "index", lambda: kolba.g.lang)

    @bp.app_url_value_preprocessor
    def pull_lang(endpoint, values):
        kolba.g.lang = values.pop("lang")

    app.register_blueprint(bp)
    assert text(app.test_client().get("/pl/")) == "pl"


def test_app_url_defaults_fill_values_for_app_endpoints(app):
    bp = Blueprint("bp", __name__)
    app.add_url_rule("/<lang>/", "index", lambda lang: lang)

    @bp.app_url_defaults
    def add_lang(endpoint, values):
        values.setdefault("lang", "en")

    app.register_blueprint(bp)
    with app.test_request_context():
        assert url_for("index") == "/en/"


def test_app_template_filter_is_available_in_app_templates(app):
    bp = Blueprint("bp", __name__)

    @bp.app_template_filter()
    def shout(value):
        return value.upper()

    app.register_blueprint(bp)
    with app.app_context():
        assert render_template_string("{{ 'hi' | shout }}") == "HI"


def test_app_template_filter_accepts_a_name(app):
    bp = Blueprint("bp", __name__)
    bp.app_template_filter("yell")(lambda value: value.upper() + "!")
    app.register_blueprint(bp)
    with app.app_context():
        assert render_template_string("{{ 'hi' | yell }}") == "HI!"


def test_add_app_template_filter_registers_a_filter(app):
    bp = Blueprint("bp", __name__)
    bp.add_app_template_filter(lambda value: value[::-1], "flip")
    app.register_blueprint(bp)
    with app.app_context():
        assert render_template_string("{{ 'abc' | flip }}") == "cba"


def test_app_template_global_is_available_in_app_templates(app):
    bp = Blueprint("bp", __name__)

    @bp.app_template_global()
    def site_name():
        return "kolba site"

    app.register_blueprint(bp)
    with app.app_context():
        assert render_template_string("{{ site_name() }}") == "kolba site"


def test_add_app_template_global_registers_a_global(app):
    bp = Blueprint("bp", __name__)
    bp.add_app_template_global(lambda: 7, "lucky")
    app.register_blueprint(bp)
    with app.app_context():
        assert render_template_string("{{ lucky() }}") == "7"


def test_app_template_test_is_available_in_app_templates(app):
    bp = Blueprint("bp", __name__)

    @bp.app_template_test()
    def even(value):
        return value % 2 == 0

    app.register_blueprint(bp)
    with app.app_context():
        assert render_template_string("{{ 4 is even }} {{ 3 is even }}") == "True False"


def test_add_app_template_test_registers_a_test(app):
    bp = Blueprint("bp", __name__)
    bp.add_app_template_test(lambda value: value > 10, "big")
    app.register_blueprint(bp)
    with app.app_context():
        assert render_template_string("{{ 11 is big }}") == "True"


def test_app_template_filter_is_not_installed_before_registration(app):
    bp = Blueprint("bp", __name__)
    bp.app_template_filter("shout")(str.upper)
    assert "shout" not in app.jinja_env.filters
    app.register_blueprint(bp)
    assert "shout" in app.jinja_env.filters
