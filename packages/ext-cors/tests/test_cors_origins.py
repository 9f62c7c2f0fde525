"""Which origins get Access-Control-Allow-Origin: echoing, wildcards, literal strings, full-match
patterns, requests without an Origin, and the Vary header that keeps caches honest."""

import re

import pytest
from cors_helpers import ACAC, ACAO, ORIGIN, OTHER, cors_headers, make_app

from kolba import ConfigError
from kolba_cors import CORS


def test_default_echoes_the_request_origin_with_vary_origin(app):
    CORS(app)
    response = app.test_client().get("/api/items", headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert response.headers[ACAO] == ORIGIN
    assert "Origin" in response.vary
    assert ACAC not in response.headers


def test_listed_origin_is_echoed(app):
    CORS(app, origins=[ORIGIN, "http://localhost:5173"])
    response = app.test_client().get("/api/items", headers={"Origin": "http://localhost:5173"})
    assert response.headers[ACAO] == "http://localhost:5173"
    assert "Origin" in response.vary


def test_single_origin_string_is_accepted(app):
    CORS(app, origins=ORIGIN)
    assert app.test_client().get("/public", headers={"Origin": ORIGIN}).headers[ACAO] == ORIGIN


def test_unlisted_origin_gets_no_cors_headers_but_is_served(app):
    CORS(app, origins=[ORIGIN])
    response = app.test_client().get("/api/items", headers={"Origin": OTHER})
    assert response.status_code == 200
    assert response.get_json() == {"items": [1, 2]}
    assert cors_headers(response) == {}
    # The answer depends on Origin, so a shared cache must not reuse it for another origin.
    assert "Origin" in response.vary


def test_literal_origin_matches_case_insensitively(app):
    CORS(app, origins=["https://App.Example.com"])
    response = app.test_client().get("/public", headers={"Origin": "https://app.example.com"})
    assert response.headers[ACAO] == "https://app.example.com"


def test_literal_origin_does_not_match_a_longer_origin(app):
    CORS(app, origins=[ORIGIN])
    client = app.test_client()
    for origin in (ORIGIN + ".attacker.net", ORIGIN + ":8443", "http://app.example.com"):
        assert ACAO not in client.get("/public", headers={"Origin": origin}).headers


def test_compiled_pattern_must_match_the_whole_origin(app):
    CORS(app, origins=[re.compile(r"https://.*\.example\.com")])
    client = app.test_client()
    good = client.get("/public", headers={"Origin": "https://shop.example.com"})
    assert good.headers[ACAO] == "https://shop.example.com"
    evil = client.get("/public", headers={"Origin": "https://evil.example.com.attacker.net"})
    assert cors_headers(evil) == {}


def test_pattern_marker_string_is_a_full_match_pattern(app):
    CORS(app, origins=r"re:https://[a-z]+\.example\.com")
    client = app.test_client()
    assert client.get("/public", headers={"Origin": "https://Shop.example.com"}).headers[ACAO]
    evil = client.get("/public", headers={"Origin": "https://shop.example.com.attacker.net"})
    assert ACAO not in evil.headers


def test_plain_string_that_looks_like_a_regex_is_rejected_with_the_fix(app):
    with pytest.raises(ConfigError, match=r"re\.compile") as info:
        CORS(app, origins=[r"https://.*\.example\.com"])
    assert "plain strings match literally" in str(info.value)
    assert "cors" not in app.extensions


def test_origin_with_a_path_is_rejected(app):
    with pytest.raises(ConfigError, match="no path or trailing slash"):
        CORS(app, origins=["https://app.example.com/"])


def test_origin_of_the_wrong_type_is_rejected(app):
    with pytest.raises(ConfigError, match="origins"):
        CORS(app, origins=42)


def test_wildcard_in_a_list_allows_every_origin(app):
    CORS(app, origins=[ORIGIN, "*"])
    response = app.test_client().get("/public", headers={"Origin": OTHER})
    assert response.headers[ACAO] == OTHER


def test_send_wildcard_sends_a_literal_star_without_vary(app):
    CORS(app, send_wildcard=True)
    response = app.test_client().get("/public", headers={"Origin": OTHER})
    assert response.headers[ACAO] == "*"
    assert "Origin" not in response.vary


def test_send_wildcard_is_ignored_for_listed_origins(app):
    CORS(app, origins=[ORIGIN], send_wildcard=True)
    response = app.test_client().get("/public", headers={"Origin": ORIGIN})
    assert response.headers[ACAO] == ORIGIN


def test_vary_header_off_leaves_vary_alone(app):
    CORS(app, vary_header=False)
    response = app.test_client().get("/public", headers={"Origin": ORIGIN})
    assert response.headers[ACAO] == ORIGIN
    assert "Vary" not in response.headers


def test_vary_origin_is_added_to_an_existing_vary(app):
    @app.get("/negotiated")
    def negotiated():
        return "x", {"Vary": "Accept-Encoding"}

    CORS(app)
    response = app.test_client().get("/negotiated", headers={"Origin": ORIGIN})
    assert set(response.vary) == {"Accept-Encoding", "Origin"}


def test_null_origin_is_echoed_only_when_allowed(app):
    CORS(app, origins=[ORIGIN])
    assert ACAO not in app.test_client().get("/public", headers={"Origin": "null"}).headers
    other = make_app()
    CORS(other, origins=["null"])
    assert other.test_client().get("/public", headers={"Origin": "null"}).headers[ACAO] == "null"


@pytest.mark.parametrize(
    "origin",
    [
        "https://a.example, https://b.example",
        "https://app.example.com/path",
        "javascript:alert(1)",
        "https://app.example.com\u202e",
        "",
    ],
)
def test_malformed_origin_header_is_never_echoed(app, origin):
    CORS(app)
    response = app.test_client().get("/public", headers={"Origin": origin})
    assert response.status_code == 200
    assert cors_headers(response) == {}


def test_always_send_answers_requests_without_origin_with_star(app):
    CORS(app)
    response = app.test_client().get("/public")
    assert response.headers[ACAO] == "*"


def test_always_send_answers_requests_without_origin_with_the_single_origin(app):
    CORS(app, origins=[ORIGIN], supports_credentials=True)
    response = app.test_client().get("/public")
    assert response.headers[ACAO] == ORIGIN
    assert response.headers[ACAC] == "true"


def test_always_send_never_lists_several_origins(app):
    CORS(app, origins=[ORIGIN, OTHER])
    assert ACAO not in app.test_client().get("/public").headers


def test_always_send_off_leaves_requests_without_origin_alone(app):
    CORS(app, always_send=False)
    response = app.test_client().get("/public")
    assert cors_headers(response) == {}
    assert "Origin" in response.vary
