"""url_for: building URLs inside requests and app contexts, the underscore options, config keys
that shape external URLs, build errors, and the url_defaults / url_value_preprocessor pair."""

import pytest
from werkzeug.routing import BuildError

from kolba import Kolba, g, url_for


@pytest.fixture
def app():
    app = Kolba(__name__)
    app.testing = True

    @app.route("/")
    def index():
        return "index"

    @app.route("/user/<name>")
    def profile(name):
        return name

    @app.route("/users/", defaults={"page": 1})
    @app.route("/users/page/<int:page>")
    def users(page):
        return str(page)

    return app


def test_url_for_inside_a_view(app):
    @app.route("/link")
    def link():
        return url_for("profile", name="ann")

    assert app.test_client().get("/link").data == b"/user/ann"


def test_url_for_inside_test_request_context(app):
    with app.test_request_context():
        assert url_for("index") == "/"


def test_url_for_fills_in_variables(app):
    with app.test_request_context():
        assert url_for("profile", name="ann lee") == "/user/ann%20lee"


def test_url_for_extra_values_become_the_query_string(app):
    with app.test_request_context():
        assert url_for("profile", name="ann", tab="posts") == "/user/ann?tab=posts"


def test_url_for_list_value_repeats_the_query_key(app):
    with app.test_request_context():
        assert url_for("index", tag=["a", "b"]) == "/?tag=a&tag=b"


def test_url_for_omits_a_value_that_equals_a_rule_default(app):
    with app.test_request_context():
        assert url_for("users") == "/users/"
        assert url_for("users", page=1) == "/users/"
        assert url_for("users", page=2) == "/users/page/2"


def test_url_for_external_uses_the_request_host(app):
    with app.test_request_context(base_url="http://example.com:8080"):
        assert url_for("index", _external=True) == "http://example.com:8080/"


def test_url_for_includes_the_script_root(app):
    with app.test_request_context(base_url="http://localhost/app"):
        assert url_for("profile", name="ann") == "/app/user/ann"


def test_url_for_anchor_is_appended_and_quoted(app):
    with app.test_request_context():
        assert url_for("index", _anchor="top part") == "/#top%20part"


def test_url_for_method_picks_the_rule_for_that_method(app):
    def item():
        return "item"

    app.add_url_rule("/item", "item", item, methods=["GET"])
    app.add_url_rule("/item/new", "item", item, methods=["POST"])

    with app.test_request_context():
        assert url_for("item", _method="GET") == "/item"
        assert url_for("item", _method="POST") == "/item/new"


def test_url_for_scheme_with_external(app):
    with app.test_request_context():
        assert url_for("index", _scheme="https", _external=True) == "https://localhost/"


def test_url_for_scheme_alone_builds_an_external_url(app):
    with app.test_request_context():
        assert url_for("index", _scheme="https") == "https://localhost/"


def test_url_for_scheme_with_external_false_raises_value_error(app):
    with app.test_request_context(), pytest.raises(ValueError):
        url_for("index", _scheme="https", _external=False)


def test_url_for_static_endpoint(app):
    with app.test_request_context():
        assert url_for("static", filename="css/site.css") == "/static/css/site.css"


def test_url_for_leading_dot_without_blueprint_means_app_endpoint(app):
    with app.test_request_context():
        assert url_for(".profile", name="ann") == "/user/ann"


def test_url_for_in_app_context_with_server_name_is_external(app):
    app.config["SERVER_NAME"] = "example.com"

    with app.app_context():
        assert url_for("profile", name="ann") == "http://example.com/user/ann"


def test_url_for_in_app_context_uses_application_root(app):
    app.config.update(SERVER_NAME="example.com", APPLICATION_ROOT="/shop")

    with app.app_context():
        assert url_for("index", _external=False) == "/shop/"


def test_url_for_in_app_context_uses_preferred_url_scheme(app):
    app.config.update(SERVER_NAME="example.com", PREFERRED_URL_SCHEME="https")

    with app.app_context():
        assert url_for("index") == "https://example.com/"


def test_url_for_in_app_context_without_server_name_raises_runtime_error(app):
    with app.app_context(), pytest.raises(RuntimeError):
        url_for("index")


def test_url_for_outside_any_context_raises_runtime_error(app):
    with pytest.raises(RuntimeError):
        url_for("index")


def test_url_for_unknown_endpoint_raises_build_error(app):
    with app.test_request_context(), pytest.raises(BuildError):
        url_for("no_such_endpoint")


def test_url_for_missing_variable_raises_build_error(app):
    with app.test_request_context(), pytest.raises(BuildError):
        url_for("profile")


def test_url_defaults_and_url_value_preprocessor_work_together(app):
    @app.url_defaults
    def add_language(endpoint, values):
        if "lang" not in values and app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values["lang"] = g.lang

    @app.url_value_preprocessor
    def pull_language(endpoint, values):
        g.lang = values.pop("lang", None) if values else None

    @app.route("/<lang>/about")
    def about():
        return f"{g.lang} {url_for('about')} {url_for('about', lang='fr')}"

    assert app.test_client().get("/de/about").text == "de /de/about /fr/about"
