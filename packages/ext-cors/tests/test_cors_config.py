"""Options and config keys: the CORS_* keys, their precedence (defaults < config < options <
resource), validation errors that name the key and the fix, resources matched most specific
first, and per-app state for app factories."""

import re
from datetime import timedelta

import pytest
from cors_helpers import ACAC, ACAO, ACMA, ORIGIN, OTHER, cors_headers, make_app, preflight

from kolba import ConfigError, ConfigKey
from kolba_cors import CORS
from kolba_cors.policy import CorsState

OPTION_NAMES = [
    "origins",
    "methods",
    "allow_headers",
    "expose_headers",
    "supports_credentials",
    "max_age",
    "send_wildcard",
    "vary_header",
    "automatic_options",
    "always_send",
    "allow_private_network",
    "intercept_exceptions",
    "resources",
]


def test_every_option_has_a_documented_config_key():
    keys = {key.name: key for key in CORS.config_keys}
    assert set(keys) == {f"CORS_{name.upper()}" for name in OPTION_NAMES}
    for key in keys.values():
        assert isinstance(key, ConfigKey)
        assert key.help


def test_config_keys_are_declared_through_the_plugin_hook(app):
    CORS(app)
    declared = {k.name for keys in app.plugins.hook.kolba_config_keys() for k in keys}
    assert {f"CORS_{name.upper()}" for name in OPTION_NAMES} <= declared


def test_init_app_fills_in_the_config_defaults(app):
    CORS(app)
    assert app.config["CORS_ORIGINS"] == "*"
    assert app.config["CORS_SUPPORTS_CREDENTIALS"] is False
    assert app.config["CORS_RESOURCES"] == "/*"


def test_config_keys_configure_the_extension():
    app = make_app(CORS_ORIGINS=[ORIGIN], CORS_SUPPORTS_CREDENTIALS=True, CORS_MAX_AGE=60)
    CORS(app)
    client = app.test_client()
    response = preflight(client, "/api/items/1")
    assert response.headers[ACAO] == ORIGIN
    assert response.headers[ACAC] == "true"
    assert response.headers[ACMA] == "60"
    assert cors_headers(client.get("/public", headers={"Origin": OTHER})) == {}


def test_options_win_over_config():
    app = make_app(CORS_ORIGINS=[OTHER], CORS_MAX_AGE=60)
    CORS(app, origins=[ORIGIN])
    response = preflight(app.test_client(), "/api/items/1")
    assert response.headers[ACAO] == ORIGIN
    assert response.headers[ACMA] == "60"


def test_resource_options_win_over_options_and_config():
    app = make_app(CORS_MAX_AGE=60)
    CORS(app, origins=[OTHER], resources={"/api/*": {"origins": [ORIGIN]}})
    response = preflight(app.test_client(), "/api/items/1")
    assert response.headers[ACAO] == ORIGIN
    assert response.headers[ACMA] == "60"


def test_init_app_options_apply_to_that_app_only():
    cors = CORS(max_age=60)
    first, second = make_app(), make_app()
    cors.init_app(first, origins=[ORIGIN])
    cors.init_app(second)
    one = preflight(first.test_client(), "/api/items/1", origin=OTHER)
    assert cors_headers(one) == {}
    two = preflight(second.test_client(), "/api/items/1", origin=OTHER)
    assert two.headers[ACAO] == OTHER
    assert two.headers[ACMA] == "60"


def test_one_object_serves_apps_with_different_config():
    cors = CORS()
    strict, open_ = make_app(CORS_ORIGINS=[ORIGIN]), make_app()
    cors.init_app(strict)
    cors.init_app(open_)
    assert cors_headers(strict.test_client().get("/public", headers={"Origin": OTHER})) == {}
    assert open_.test_client().get("/public", headers={"Origin": OTHER}).headers[ACAO] == OTHER


def test_per_app_state_lives_in_app_extensions(app):
    cors = CORS(app, origins=[ORIGIN], resources=["/api/*"])
    state = app.extensions["cors"]
    assert isinstance(state, CorsState)
    assert cors.state(app) is state
    assert state.policy_for("/api/items") is not None
    assert state.policy_for("/public") is None
    assert not hasattr(cors, "resources")


def test_init_app_twice_is_an_error(app):
    cors = CORS(app)
    with pytest.raises(RuntimeError, match="already initialised"):
        cors.init_app(app)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("CORS_MAX_AGE", "soon", "seconds"),
        ("CORS_MAX_AGE", -5, "negative"),
        ("CORS_SEND_WILDCARD", "yes", "bool"),
        ("CORS_METHODS", ["GET", "NOT A METHOD"], "methods"),
        ("CORS_ALLOW_HEADERS", ["X Bad"], "not a header name"),
        ("CORS_EXPOSE_HEADERS", ["X Bad"], "expose_headers"),
        ("CORS_ORIGINS", ["https://*.example.com"], "re.compile"),
        ("CORS_RESOURCES", {"/api/*": {"origin": "*"}}, "unknown option"),
        ("CORS_RESOURCES", {"/api/*": "*"}, "must be a dict"),
        ("CORS_RESOURCES", r"/api/v\d+/.*", "looks like a regular expression"),
        ("CORS_RESOURCES", "api/*", "starting with '/'"),
    ],
)
def test_bad_config_value_is_rejected_naming_the_key(key, value, expected):
    app = make_app(**{key: value})
    with pytest.raises(ConfigError, match=re.escape(expected)) as info:
        CORS(app)
    assert info.value.key == key
    assert "cors" not in app.extensions


def test_bad_option_value_is_rejected_when_constructing():
    with pytest.raises(ConfigError, match="max_age"):
        CORS(max_age=timedelta(seconds=-1))


def test_unknown_option_is_rejected_listing_the_known_ones():
    with pytest.raises(TypeError, match="'origin'.*origins, methods"):
        CORS(origin=ORIGIN)


def test_resources_limit_cors_to_their_paths(app):
    CORS(app, resources=r"/api/*")
    client = app.test_client()
    assert client.get("/api/items", headers={"Origin": ORIGIN}).headers[ACAO] == ORIGIN
    outside = client.get("/public", headers={"Origin": ORIGIN})
    assert cors_headers(outside) == {}
    assert "Vary" not in outside.headers


def test_star_resource_covers_the_prefix_itself_but_not_longer_names(app):
    @app.get("/api")
    def api_root():
        return "root"

    @app.get("/apiary")
    def apiary():
        return "bees"

    CORS(app, resources="/api/*")
    client = app.test_client()
    assert client.get("/api", headers={"Origin": ORIGIN}).headers[ACAO] == ORIGIN
    assert ACAO not in client.get("/apiary", headers={"Origin": ORIGIN}).headers


def test_flask_cors_style_dot_star_resource_is_accepted(app):
    CORS(app, resources={r"/api/.*": {"origins": [ORIGIN]}})
    response = app.test_client().get("/api/items/1", headers={"Origin": ORIGIN})
    assert response.headers[ACAO] == ORIGIN


def test_literal_resource_matches_that_path_only(app):
    CORS(app, resources=["/public"])
    client = app.test_client()
    assert client.get("/public", headers={"Origin": ORIGIN}).headers[ACAO] == ORIGIN
    assert ACAO not in client.get("/public/", headers={"Origin": ORIGIN}).headers
    assert ACAO not in client.get("/api/items", headers={"Origin": ORIGIN}).headers


def test_compiled_resource_pattern_must_match_the_whole_path(app):
    CORS(app, resources=[re.compile(r"/api/items/\d+")])
    client = app.test_client()
    assert client.get("/api/items/1", headers={"Origin": ORIGIN}).headers[ACAO] == ORIGIN
    assert ACAO not in client.get("/api/items", headers={"Origin": ORIGIN}).headers


def test_pattern_marker_resource(app):
    CORS(app, resources={r"re:/api/items/\d+": {"origins": [ORIGIN]}})
    response = app.test_client().get("/api/items/7", headers={"Origin": ORIGIN})
    assert response.headers[ACAO] == ORIGIN


def test_most_specific_resource_wins_whatever_the_order():
    for resources in (
        {"/*": {"origins": [OTHER]}, "/api/*": {"origins": [ORIGIN]}, "/api/items": {}},
        {"/api/items": {}, "/api/*": {"origins": [ORIGIN]}, "/*": {"origins": [OTHER]}},
    ):
        app = make_app()
        CORS(app, origins="*", resources=resources)
        client = app.test_client()
        assert client.get("/api/items/1", headers={"Origin": ORIGIN}).headers[ACAO] == ORIGIN
        assert ACAO not in client.get("/api/items/1", headers={"Origin": OTHER}).headers
        assert client.get("/public", headers={"Origin": OTHER}).headers[ACAO] == OTHER
        anyone = "https://anyone.example.net"
        assert client.get("/api/items", headers={"Origin": anyone}).headers[ACAO] == anyone


def test_resources_may_come_from_config():
    app = make_app(CORS_RESOURCES={"/api/*": {"origins": [ORIGIN]}})
    CORS(app)
    client = app.test_client()
    assert client.get("/api/items", headers={"Origin": ORIGIN}).headers[ACAO] == ORIGIN
    assert cors_headers(client.get("/public", headers={"Origin": ORIGIN})) == {}
