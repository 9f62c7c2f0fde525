"""Routing: registering rules, HTTP methods, slashes, defaults, redirects, subdomains and hosts.
Every test drives the app through the public API and the test client."""

import pytest

from kolba import Kolba


@pytest.fixture
def app():
    app = Kolba(__name__)
    app.testing = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def test_route_decorator_maps_url_to_view(app, client):
    @app.route("/hello")
    def hello():
        return "hello"

    assert client.get("/hello").data == b"hello"


def test_route_decorator_returns_the_view_unchanged(app):
    def view():
        return "x"

    assert app.route("/x")(view) is view


def test_variable_part_is_passed_to_the_view_as_a_string(app, client):
    @app.route("/items/<item_id>")
    def item(item_id):
        return f"{item_id}:{type(item_id).__name__}"

    assert client.get("/items/42").data == b"42:str"


def test_variables_are_passed_by_name_not_by_position(app, client):
    @app.route("/goods/<cid>/<gid>")
    def goods(gid, cid):
        return f"cid={cid} gid={gid}"

    assert client.get("/goods/1/2").data == b"cid=1 gid=2"


def test_unknown_url_is_404(app, client):
    @app.route("/")
    def index():
        return "index"

    assert client.get("/missing").status_code == 404


def test_rule_without_leading_slash_is_rejected(app):
    with pytest.raises(ValueError):
        app.add_url_rule("no-slash", "no_slash", lambda: "x")


def test_add_url_rule_registers_endpoint_and_view(app, client):
    def hello_world():
        return "hello world"

    app.add_url_rule("/", "hello", hello_world)

    assert client.get("/").data == b"hello world"
    assert app.view_functions["hello"] is hello_world


def test_add_url_rule_endpoint_defaults_to_view_name(app):
    def show_profile():
        return "profile"

    app.add_url_rule("/profile", view_func=show_profile)

    assert app.view_functions["show_profile"] is show_profile


def test_route_endpoint_argument_names_the_endpoint(app):
    @app.route("/index.html", endpoint="index")
    def page():
        return "page"

    assert app.view_functions["index"] is page
    assert "page" not in app.view_functions


def test_default_methods_are_get_head_and_options(app):
    @app.route("/")
    def index():
        return "index"

    (rule,) = app.url_map.iter_rules("index")
    assert rule.methods == {"GET", "HEAD", "OPTIONS"}


def test_methods_argument_restricts_allowed_methods(app, client):
    @app.route("/submit", methods=["POST"])
    def submit():
        return "posted"

    assert client.post("/submit").data == b"posted"
    assert client.get("/submit").status_code == 405


def test_lowercase_methods_are_accepted(app, client):
    @app.route("/", methods=["get", "post"])
    def index():
        return "index"

    assert client.get("/").status_code == 200
    assert client.post("/").status_code == 200
    assert client.put("/").status_code == 405


def test_methods_given_as_a_string_raise_type_error(app):
    with pytest.raises(TypeError):
        app.add_url_rule("/x", "x", lambda: "x", methods="POST")


def test_view_function_methods_attribute_is_used_when_methods_not_given(app, client):
    def create():
        return "created"

    create.methods = ["POST"]
    app.add_url_rule("/create", view_func=create)

    assert client.post("/create").status_code == 200
    assert client.get("/create").status_code == 405


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_method_shortcut_accepts_only_its_method(app, client, method):
    getattr(app, method)("/thing")(lambda: method)

    assert getattr(client, method)("/thing").data == method.encode()
    other = "post" if method == "get" else "get"
    assert getattr(client, other)("/thing").status_code == 405


def test_method_shortcut_rejects_methods_argument(app):
    with pytest.raises(TypeError):
        app.get("/x", methods=["POST"])


def test_disallowed_method_gives_405_with_allow_header(app, client):
    @app.route("/swiper", methods=["POST", "PATCH", "DELETE"])
    def swiper():
        return "swiper"

    response = client.get("/swiper")

    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert allowed == {"POST", "PATCH", "DELETE", "OPTIONS"}


def test_head_is_answered_for_get_routes_with_empty_body(app, client):
    @app.route("/page")
    def page():
        return "some content"

    response = client.head("/page")

    assert response.status_code == 200
    assert response.data == b""


def test_head_response_has_the_same_headers_as_get(app, client):
    @app.route("/page")
    def page():
        return "some content", {"X-Page": "1"}

    get_headers = client.get("/page").headers
    head_headers = client.head("/page").headers

    assert head_headers["Content-Length"] == get_headers["Content-Length"] == "12"
    assert head_headers["Content-Type"] == get_headers["Content-Type"]
    assert head_headers["X-Page"] == "1"


def test_head_is_not_added_to_routes_without_get(app, client):
    @app.post("/only-post")
    def only_post():
        return "x"

    assert client.head("/only-post").status_code == 405


def test_options_is_automatic_and_lists_allowed_methods(app, client):
    @app.route("/resource", methods=["GET", "PUT"])
    def resource():
        return "should not run for OPTIONS"

    response = client.options("/resource")

    assert response.status_code == 200
    assert response.data == b""
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert allowed == {"GET", "HEAD", "PUT", "OPTIONS"}


def test_provide_automatic_options_false_disables_options(app, client):
    @app.route("/plain", provide_automatic_options=False)
    def plain():
        return "plain"

    assert client.options("/plain").status_code == 405
    assert client.get("/plain").status_code == 200


def test_missing_trailing_slash_redirects_with_308(app, client):
    @app.route("/python/")
    def python():
        return "python"

    response = client.get("/python")

    assert response.status_code == 308
    assert response.location.endswith("/python/")
    assert client.get("/python/").data == b"python"


def test_trailing_slash_redirect_keeps_the_query_string(app, client):
    @app.route("/search/")
    def search():
        return "search"

    response = client.get("/search?q=kolba")

    assert response.location.endswith("/search/?q=kolba")


def test_extra_trailing_slash_is_404(app, client):
    @app.route("/flask")
    def flask_page():
        return "flask"

    assert client.get("/flask").status_code == 200
    assert client.get("/flask/").status_code == 404


def test_strict_slashes_false_matches_with_and_without_slash(app, client):
    @app.route("/index", strict_slashes=False)
    def index():
        return "index"

    assert client.get("/index").data == b"index"
    assert client.get("/index/").data == b"index"


def test_defaults_supply_view_arguments(app, client):
    @app.route("/users/", defaults={"page": 1})
    @app.route("/users/page/<int:page>")
    def users(page):
        return f"page {page}"

    assert client.get("/users/").data == b"page 1"
    assert client.get("/users/page/3").data == b"page 3"


def test_url_repeating_a_default_value_redirects_to_the_default_rule(app, client):
    @app.route("/users/", defaults={"page": 1})
    @app.route("/users/page/<int:page>")
    def users(page):
        return f"page {page}"

    response = client.get("/users/page/1")

    assert response.status_code == 308
    assert response.location.endswith("/users/")


def test_static_rule_wins_over_variable_rule(app, client):
    @app.route("/users/<name>")
    def user(name):
        return f"user {name}"

    @app.route("/users/me")
    def me():
        return "me"

    assert client.get("/users/me").data == b"me"
    assert client.get("/users/ann").data == b"user ann"


def test_redirect_to_string_fills_in_variables(app, client):
    app.add_url_rule("/old/<int:nid>", "old", redirect_to="/home/<nid>")

    response = client.get("/old/7")

    assert response.status_code == 308
    assert response.location.endswith("/home/7")


def test_redirect_to_callable_receives_adapter_and_values(app, client):
    def target(adapter, nid):
        return f"/home/{nid * 2}"

    app.add_url_rule("/old/<int:nid>", "old", redirect_to=target)

    assert client.get("/old/4").location.endswith("/home/8")


def test_subdomain_route_matches_under_server_name():
    app = Kolba(__name__, subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.com"

    @app.route("/", subdomain="admin")
    def admin_index():
        return "admin"

    @app.route("/")
    def index():
        return "main"

    client = app.test_client()
    assert client.get("http://admin.example.com/").data == b"admin"
    assert client.get("http://example.com/").data == b"main"


def test_dynamic_subdomain_is_passed_to_the_view():
    app = Kolba(__name__, subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.com"

    @app.route("/dynamic", subdomain="<username>")
    def user_home(username):
        return f"{username} home"

    assert app.test_client().get("http://ann.example.com/dynamic").data == b"ann home"


def test_host_matching_routes_by_host():
    app = Kolba(__name__, host_matching=True, static_host="static.example.com")

    @app.route("/", host="a.example.com")
    def site_a():
        return "A"

    @app.route("/", host="b.example.com")
    def site_b():
        return "B"

    client = app.test_client()
    assert client.get("http://a.example.com/").data == b"A"
    assert client.get("http://b.example.com/").data == b"B"
    assert client.get("http://c.example.com/").status_code == 404


def test_host_matching_passes_host_variables_to_the_view():
    app = Kolba(__name__, host_matching=True, static_host="static.example.com")

    @app.route("/", host="<tenant>.example.org")
    def tenant_home(tenant):
        return f"tenant {tenant}"

    assert app.test_client().get("http://acme.example.org/").data == b"tenant acme"


def test_endpoint_decorator_binds_a_view_to_an_existing_endpoint(app, client):
    app.add_url_rule("/late", "late")

    @app.endpoint("late")
    def late():
        return "late view"

    assert client.get("/late").data == b"late view"


def test_second_view_for_an_existing_endpoint_raises_assertion_error(app):
    @app.route("/a")
    def index():
        return "a"

    def other():
        return "b"

    with pytest.raises(AssertionError):
        app.add_url_rule("/b", "index", other)


def test_same_view_registered_twice_is_allowed(app, client):
    @app.route("/one")
    @app.route("/two")
    def both():
        return "both"

    app.add_url_rule("/three", view_func=both)

    assert client.get("/one").data == client.get("/three").data == b"both"


def test_url_map_iter_rules_lists_rule_endpoint_and_methods(app):
    @app.route("/swiper", methods=["POST", "PATCH", "DELETE"])
    def swiper():
        return "swiper"

    rules = {rule.rule: rule for rule in app.url_map.iter_rules()}

    assert rules["/swiper"].endpoint == "swiper"
    assert rules["/swiper"].methods == {"POST", "PATCH", "DELETE", "OPTIONS"}
    assert rules["/static/<path:filename>"].endpoint == "static"


def test_iter_rules_filters_by_endpoint(app):
    @app.route("/users/", defaults={"page": 1})
    @app.route("/users/page/<int:page>")
    def users(page):
        return str(page)

    assert sorted(r.rule for r in app.url_map.iter_rules("users")) == [
        "/users/",
        "/users/page/<int:page>",
    ]


def test_view_functions_maps_every_endpoint(app):
    @app.route("/")
    def index():
        return "index"

    assert app.view_functions["index"] is index
    assert "static" in app.view_functions


def test_adding_a_route_after_the_first_request_raises_assertion_error(app, client):
    @app.route("/")
    def index():
        return "index"

    client.get("/")

    with pytest.raises(AssertionError):
        app.add_url_rule("/late", "late", lambda: "late")
