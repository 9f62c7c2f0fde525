"""Flask-CORS's modules under the kolba name: ``kolba_cors.core`` with the header names, option
names and helpers, ``kolba_cors.decorator`` and ``kolba_cors.extension``; and preflights
answered through the core's ``kolba_before_request`` hook, not by reordering the app's hooks."""

import re

import pytest
from cors_helpers import ACAH, ACAM, ACAO, ORIGIN, make_app, preflight

import kolba_cors
from kolba_cors import CORS, cross_origin
from kolba_cors.core import (
    ACL_ALLOW_HEADERS,
    ACL_CREDENTIALS,
    ACL_EXPOSE_HEADERS,
    ACL_MAX_AGE,
    ACL_METHODS,
    ACL_ORIGIN,
    ACL_REQUEST_HEADER_PRIVATE_NETWORK,
    ACL_REQUEST_HEADERS,
    ACL_REQUEST_METHOD,
    ACL_RESPONSE_PRIVATE_NETWORK,
    ALL_METHODS,
    CONFIG_OPTIONS,
    DEFAULT_OPTIONS,
    flexible_str,
    get_allow_headers,
    get_app_kwarg_dict,
    get_cors_headers,
    get_cors_options,
    get_cors_origins,
    get_regexp_pattern,
    parse_resources,
    probably_regex,
    re_fix,
    sanitize_regex_param,
    serialize_options,
    try_match_any_pattern,
    try_match_pattern,
)
from kolba_cors.decorator import cross_origin as decorator_cross_origin
from kolba_cors.extension import CORS as ExtensionCORS
from kolba_cors.extension import LOG, make_after_request_function


def test_package_exports_flask_cors_public_names():
    assert kolba_cors.__all__ == ["CORS", "__version__", "cross_origin"]
    assert decorator_cross_origin is cross_origin
    assert ExtensionCORS is CORS


def test_logger_is_named_after_the_package():
    assert LOG.name == "kolba_cors"


def test_header_name_constants():
    assert (ACL_ORIGIN, ACL_METHODS, ACL_ALLOW_HEADERS) == (
        "Access-Control-Allow-Origin",
        "Access-Control-Allow-Methods",
        "Access-Control-Allow-Headers",
    )
    assert (ACL_EXPOSE_HEADERS, ACL_CREDENTIALS, ACL_MAX_AGE) == (
        "Access-Control-Expose-Headers",
        "Access-Control-Allow-Credentials",
        "Access-Control-Max-Age",
    )
    assert ACL_RESPONSE_PRIVATE_NETWORK == "Access-Control-Allow-Private-Network"
    assert (ACL_REQUEST_METHOD, ACL_REQUEST_HEADERS) == (
        "Access-Control-Request-Method",
        "Access-Control-Request-Headers",
    )
    assert ACL_REQUEST_HEADER_PRIVATE_NETWORK == "Access-Control-Request-Private-Network"


def test_option_names_and_defaults():
    assert set(ALL_METHODS) == {"GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"}
    assert "CORS_ORIGINS" in CONFIG_OPTIONS and "CORS_SUPPORTS_CREDENTIALS" in CONFIG_OPTIONS
    assert DEFAULT_OPTIONS["origins"] == "*"
    assert DEFAULT_OPTIONS["supports_credentials"] is False


def test_serialize_options_rejects_credentials_with_every_origin():
    with pytest.raises(ValueError, match="credentials"):
        serialize_options({"origins": "*", "supports_credentials": True})


def test_get_allow_headers_is_none_without_requested_headers():
    policy = serialize_options({"allow_headers": "*"})
    assert get_allow_headers(policy, "") is None
    assert get_allow_headers(policy, None) is None


def test_get_allow_headers_sorts_the_allowed_requested_headers():
    policy = serialize_options({"allow_headers": "*"})
    assert get_allow_headers(policy, "X-Foo, X-Bar") == "X-Bar, X-Foo"


def test_get_allow_headers_is_empty_when_none_is_allowed():
    policy = serialize_options({"allow_headers": [re.compile(r"X-KOLBA-.*")]})
    assert get_allow_headers(policy, "X-KOLBA-CORS") == "X-KOLBA-CORS"
    assert get_allow_headers(policy, "X-OTHER") == ""


def test_get_cors_origins_echoes_an_allowed_origin():
    policy = serialize_options({"origins": [ORIGIN]})
    assert get_cors_origins(policy, ORIGIN) == [ORIGIN]
    assert get_cors_origins(policy, "https://evil.example") is None


def test_get_cors_headers_of_a_preflight():
    policy = serialize_options({"origins": [ORIGIN], "methods": ["GET", "PUT"]})
    headers = get_cors_headers(
        policy, {"Origin": ORIGIN, ACL_REQUEST_METHOD: "PUT"}, request_method="OPTIONS"
    )
    assert headers[ACL_ORIGIN] == ORIGIN
    assert headers[ACL_METHODS] == "GET, PUT"


def test_parse_resources_puts_the_most_specific_first_and_keeps_compiled_paths():
    resources = parse_resources(
        {
            re.compile(r"/.*"): {"origins": ORIGIN},
            "/foo": {"origins": ORIGIN},
            re.compile(r"/api/v1/.*"): {"origins": ORIGIN},
        }
    )
    assert [path for path, _ in resources] == [
        "/foo",
        re.compile(r"/api/v1/.*"),
        re.compile(r"/.*"),
    ]
    assert get_regexp_pattern(resources[1][0]) == "/api/v1/.*"


def test_get_cors_options_merges_app_config_and_dicts():
    app = make_app(CORS_ORIGINS=[ORIGIN])
    assert get_app_kwarg_dict(app) == {"origins": [ORIGIN]}
    policy = get_cors_options(app, {"max_age": 60})
    assert policy.max_age == "60"
    assert get_cors_origins(policy, ORIGIN) == [ORIGIN]


def test_try_match_pattern_compares_strings_literally_and_regexes_fully():
    assert not try_match_pattern("www.com/foo", "www.com/fo")
    assert try_match_pattern("www.com", "WwW.CoM", caseSensitive=False)
    assert not try_match_pattern("www.com", "WwW.CoM", caseSensitive=True)
    assert try_match_pattern("/foo", re.compile("/fo*"))
    assert not try_match_pattern("/foo/bar", re.compile("/fo*"))
    assert try_match_any_pattern("/b", ["/a", re.compile("/b")])


def test_probably_regex_spots_regex_syntax():
    assert probably_regex("http://*.example.com")
    assert probably_regex(r"https?://example.com")
    assert probably_regex(re.compile("x"))
    assert not probably_regex("http://example.com")


def test_flexible_str_joins_iterables_sorted():
    assert flexible_str("Bar, Foo") == "Bar, Foo"
    assert flexible_str({"Foo", "Bar", "Qux"}) == "Bar, Foo, Qux"
    assert flexible_str(None) is None


def test_star_means_everything_in_regex_params():
    assert re_fix("*") == ".*"
    assert sanitize_regex_param("*") == [".*"]
    assert sanitize_regex_param(["/a", "*"]) == ["/a", ".*"]


def test_make_after_request_function_adds_the_matching_resources_headers():
    app = make_app()
    policy = serialize_options({"origins": [ORIGIN]})
    app.after_request(make_after_request_function([("/api/*", policy)]))
    client = app.test_client()
    assert client.get("/api/items", headers={"Origin": ORIGIN}).headers[ACAO] == ORIGIN
    assert ACAO not in client.get("/public", headers={"Origin": ORIGIN}).headers


def test_preflight_is_answered_before_a_before_request_hook_that_refuses_it(app):
    @app.before_request
    def require_login():
        return "login required", 401

    CORS(app, origins=[ORIGIN])
    response = preflight(app.test_client(), "/api/items", headers="Content-Type")
    assert response.status_code == 200
    assert response.headers[ACAO] == ORIGIN
    assert "PUT" in response.headers[ACAM]
    assert response.headers[ACAH] == "Content-Type"


def test_cors_leaves_the_apps_before_request_functions_as_they_are(app):
    def first():
        return None

    app.before_request(first)
    CORS(app)
    assert app.before_request_funcs[None] == [first]


def test_cors_keeps_the_users_object_when_init_app_gets_options(app):
    cors = CORS()
    cors.init_app(app, origins=[ORIGIN])
    assert app.plugins.is_registered(cors)
    assert cors.state(app).options == {"origins": [ORIGIN]}
    assert cors.settings(app)["CORS_ORIGINS"] == [ORIGIN]


def blueprint_app(cors_on_blueprint):
    from kolba import Blueprint, Kolba

    bp = Blueprint("api", __name__)

    @bp.route("/api/ping")
    def ping():
        return "pong"

    @bp.route("/other")
    def other():
        return "other"

    cors_on_blueprint(bp)
    app = Kolba(__name__)
    app.register_blueprint(bp)

    @app.route("/app-route")
    def app_route():
        return "app"

    return app


def test_cors_on_a_blueprint_covers_its_matching_routes():
    app = blueprint_app(lambda bp: CORS(bp, resources={"/api/*": {"origins": ORIGIN}}))
    client = app.test_client()
    assert client.get("/api/ping", headers={"Origin": ORIGIN}).headers[ACAO] == ORIGIN
    assert ACAO not in client.get("/other", headers={"Origin": ORIGIN}).headers
    assert ACAO not in client.get("/app-route", headers={"Origin": ORIGIN}).headers


def test_cors_init_app_on_a_blueprint():
    cors = CORS(resources={"/api/*": {"origins": ORIGIN}})
    app = blueprint_app(cors.init_app)
    assert app.test_client().get("/api/ping", headers={"Origin": ORIGIN}).headers[ACAO] == ORIGIN


def test_cors_on_a_blueprint_answers_preflights_to_its_routes():
    app = blueprint_app(lambda bp: CORS(bp, origins=[ORIGIN]))
    response = preflight(app.test_client(), "/api/ping", method="GET")
    assert response.headers[ACAO] == ORIGIN
