"""Credentials: Access-Control-Allow-Credentials on allowed origins, and never together with a
wildcard, which init_app rejects with an error that says what to do instead."""

import re

import pytest
from cors_helpers import ACAC, ACAO, ORIGIN, OTHER, cors_headers, make_app, preflight

from kolba import ConfigError
from kolba_cors import CORS, cross_origin


def test_credentials_are_allowed_for_a_listed_origin(app):
    CORS(app, origins=[ORIGIN], supports_credentials=True)
    response = app.test_client().get("/api/items", headers={"Origin": ORIGIN})
    assert response.headers[ACAO] == ORIGIN
    assert response.headers[ACAC] == "true"


def test_credentials_are_allowed_for_a_pattern(app):
    CORS(app, origins=re.compile(r"https://[a-z]+\.example\.com"), supports_credentials=True)
    response = app.test_client().get("/api/items", headers={"Origin": ORIGIN})
    assert response.headers[ACAC] == "true"


def test_preflight_carries_the_credentials_header(app):
    CORS(app, origins=[ORIGIN], supports_credentials=True)
    response = preflight(app.test_client(), "/api/items/1")
    assert response.headers[ACAC] == "true"


def test_unlisted_origin_gets_no_credentials_header(app):
    CORS(app, origins=[ORIGIN], supports_credentials=True)
    response = app.test_client().get("/api/items", headers={"Origin": OTHER})
    assert cors_headers(response) == {}


def test_no_credentials_header_by_default(app):
    CORS(app)
    response = app.test_client().get("/api/items", headers={"Origin": ORIGIN})
    assert ACAC not in response.headers


def test_credentials_with_default_origins_are_rejected_at_init_app(app):
    cors = CORS(supports_credentials=True)
    with pytest.raises(ConfigError) as info:
        cors.init_app(app)
    message = str(info.value)
    assert "origins '*'" in message
    assert "Set origins (CORS_ORIGINS) to the front ends you trust" in message
    assert "cors" not in app.extensions


def test_credentials_with_star_origins_are_rejected(app):
    with pytest.raises(ConfigError, match="credentials cannot be combined with origins"):
        CORS(app, origins="*", supports_credentials=True)


def test_credentials_with_star_in_a_list_are_rejected(app):
    with pytest.raises(ConfigError, match="credentials cannot be combined"):
        CORS(app, origins=[ORIGIN, "*"], supports_credentials=True)


def test_credentials_with_star_in_config_name_the_config_key():
    app = make_app(CORS_SUPPORTS_CREDENTIALS=True)
    with pytest.raises(ConfigError) as info:
        CORS(app)
    assert info.value.key == "CORS_SUPPORTS_CREDENTIALS"


def test_credentials_with_star_in_one_resource_are_rejected(app):
    resources = {"/api/*": {"origins": "*", "supports_credentials": True}}
    with pytest.raises(ConfigError, match="resource '/api/\\*'"):
        CORS(app, origins=[ORIGIN], resources=resources)


def test_credentials_with_send_wildcard_are_rejected(app):
    with pytest.raises(ConfigError, match="credentials"):
        CORS(app, send_wildcard=True, supports_credentials=True)


def test_credentials_with_star_on_the_decorator_are_rejected_when_decorating():
    with pytest.raises(ConfigError, match="credentials cannot be combined"):
        cross_origin(origins="*", supports_credentials=True)


def test_star_expose_headers_with_credentials_are_rejected(app):
    with pytest.raises(ConfigError, match="List the header names"):
        CORS(app, origins=[ORIGIN], supports_credentials=True, expose_headers="*")
