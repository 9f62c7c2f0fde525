"""Preflight requests: the methods, headers, max age and private-network consent they are
given, the ones they are refused, and the automatic answer that runs before the app's hooks."""

import re
from datetime import timedelta

from cors_helpers import ACAH, ACAM, ACAO, ACAPN, ACEH, ACMA, ORIGIN, OTHER, cors_headers, preflight

from kolba import abort, request
from kolba_cors import CORS, cross_origin


def test_allowed_preflight_gets_origin_methods_and_headers(app):
    CORS(app, origins=[ORIGIN], methods=["GET", "PUT"], allow_headers=["X-Token"])
    response = preflight(app.test_client(), "/api/items/1", headers="X-Token")
    assert response.status_code == 200
    assert response.headers[ACAO] == ORIGIN
    assert response.headers[ACAM] == "GET, PUT"
    assert response.headers[ACAH] == "X-Token"
    assert "Origin" in response.vary


def test_default_methods_are_every_common_method(app):
    CORS(app)
    response = preflight(app.test_client(), "/api/items/1", method="DELETE")
    assert response.headers[ACAM] == "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"


def test_methods_may_be_a_comma_separated_string(app):
    CORS(app, methods="get, put")
    response = preflight(app.test_client(), "/api/items/1", method="PUT")
    assert response.headers[ACAM] == "GET, PUT"


def test_preflight_for_a_disallowed_method_gets_no_cors_headers(app):
    CORS(app, methods=["GET", "POST"])
    response = preflight(app.test_client(), "/api/items/1", method="PUT")
    assert cors_headers(response) == {}


def test_preflight_from_a_disallowed_origin_gets_no_cors_headers(app):
    CORS(app, origins=[ORIGIN])
    response = preflight(app.test_client(), "/api/items/1", origin=OTHER, headers="X-Token")
    assert cors_headers(response) == {}


def test_preflight_with_a_malformed_method_gets_no_cors_headers(app):
    CORS(app, methods="*")
    response = preflight(app.test_client(), "/api/items/1", method="PUT, GET")
    assert cors_headers(response) == {}


def test_star_methods_echo_the_requested_method(app):
    CORS(app, methods="*")
    response = preflight(app.test_client(), "/api/items/1", method="PROPFIND")
    assert response.headers[ACAM] == "PROPFIND"


def test_only_the_requested_headers_that_are_allowed_are_sent_back(app):
    CORS(app, allow_headers=["Content-Type", "X-Token"])
    response = preflight(app.test_client(), "/api/items/1", headers="x-token, X-Evil, content-type")
    assert response.headers[ACAH] == "content-type, x-token"


def test_star_allow_headers_echo_every_requested_header(app):
    CORS(app)
    response = preflight(app.test_client(), "/api/items/1", headers="Authorization, X-Token")
    assert response.headers[ACAH] == "Authorization, X-Token"


def test_allow_headers_may_be_patterns(app):
    CORS(app, allow_headers=[re.compile(r"X-App-[A-Za-z]+"), "re:content-.*"])
    response = preflight(
        app.test_client(), "/api/items/1", headers="X-App-Token, X-App-1, Content-Type"
    )
    assert response.headers[ACAH] == "Content-Type, X-App-Token"


def test_no_allow_headers_when_none_requested_is_allowed(app):
    CORS(app, allow_headers=["X-Token"])
    response = preflight(app.test_client(), "/api/items/1", headers="X-Other")
    assert response.headers[ACAO] == ORIGIN
    assert ACAH not in response.headers


def test_max_age_in_seconds(app):
    CORS(app, max_age=600)
    assert preflight(app.test_client(), "/api/items/1").headers[ACMA] == "600"


def test_max_age_as_timedelta(app):
    CORS(app, max_age=timedelta(hours=1))
    assert preflight(app.test_client(), "/api/items/1").headers[ACMA] == "3600"


def test_no_max_age_by_default(app):
    CORS(app)
    assert ACMA not in preflight(app.test_client(), "/api/items/1").headers


def test_max_age_is_not_sent_on_actual_requests(app):
    CORS(app, max_age=600)
    response = app.test_client().get("/api/items", headers={"Origin": ORIGIN})
    assert ACMA not in response.headers


def test_expose_headers_go_on_actual_responses_only(app):
    CORS(app, expose_headers=["X-Total-Count", "ETag"])
    client = app.test_client()
    response = client.get("/api/items", headers={"Origin": ORIGIN})
    assert response.headers[ACEH] == "ETag, X-Total-Count"
    assert ACEH not in preflight(client, "/api/items/1").headers


def test_private_network_consent_when_enabled_and_asked_for(app):
    CORS(app, allow_private_network=True)
    asked = {"Access-Control-Request-Private-Network": "true"}
    response = preflight(app.test_client(), "/api/items/1", **asked)
    assert response.headers[ACAPN] == "true"


def test_no_private_network_consent_when_not_asked_for(app):
    CORS(app, allow_private_network=True)
    assert ACAPN not in preflight(app.test_client(), "/api/items/1").headers


def test_no_private_network_consent_when_not_enabled(app):
    CORS(app)
    asked = {"Access-Control-Request-Private-Network": "true"}
    response = preflight(app.test_client(), "/api/items/1", **asked)
    assert response.headers[ACAO] == ORIGIN
    assert ACAPN not in response.headers


def test_plain_options_request_is_not_a_preflight(app):
    CORS(app, max_age=600)
    response = app.test_client().options("/api/items/1", headers={"Origin": ORIGIN})
    assert response.headers[ACAO] == ORIGIN
    assert ACAM not in response.headers
    assert ACMA not in response.headers


def test_preflight_is_answered_before_the_apps_own_hooks(app):
    @app.before_request
    def require_token():
        if request.headers.get("Authorization") != "Bearer secret":
            abort(401)

    CORS(app, origins=[ORIGIN])
    client = app.test_client()
    response = preflight(client, "/api/items/1", headers="Authorization")
    assert response.status_code == 200
    assert response.headers[ACAH] == "Authorization"
    assert set(response.allow) >= {"GET", "PUT", "DELETE"}
    # An actual request is still checked, and the 401 still carries CORS headers.
    denied = client.put("/api/items/1", headers={"Origin": ORIGIN})
    assert denied.status_code == 401
    assert denied.headers[ACAO] == ORIGIN


def test_preflight_to_a_view_that_handles_options_itself_is_answered_automatically(app):
    seen = []

    @app.route("/api/own-options", methods=["GET", "OPTIONS"])
    def own_options():
        seen.append(request.method)
        return "view"

    CORS(app)
    response = preflight(app.test_client(), "/api/own-options", method="GET")
    assert response.status_code == 200
    assert response.headers[ACAM]
    assert seen == []


def test_preflight_is_answered_when_the_route_has_no_automatic_options(app):
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False

    @app.put("/api/strict")
    def strict():
        return "put"

    CORS(app)
    response = preflight(app.test_client(), "/api/strict")
    assert response.status_code == 200
    assert response.headers[ACAM]
    assert "PUT" in response.allow


def test_preflight_to_an_unknown_url_is_a_404_with_cors_headers(app):
    CORS(app)
    response = preflight(app.test_client(), "/api/nothing-here")
    assert response.status_code == 404
    assert response.headers[ACAO] == ORIGIN


def test_automatic_options_off_leaves_preflights_to_the_app(app):
    @app.before_request
    def deny_everything():
        abort(403)

    CORS(app, automatic_options=False)
    response = preflight(app.test_client(), "/api/items/1")
    assert response.status_code == 403
    assert response.headers[ACAO] == ORIGIN


def test_automatic_options_off_lets_a_view_answer_options(app):
    @app.route("/api/own-options", methods=["GET", "OPTIONS"])
    def own_options():
        return "from the view", {"X-From": "view"}

    CORS(app, automatic_options=False)
    response = preflight(app.test_client(), "/api/own-options", method="GET")
    assert response.text == "from the view"
    assert response.headers[ACAM]


def test_preflight_to_a_url_missing_its_trailing_slash_is_answered_for_the_route(app):
    # werkzeug redirects /api/folders to /api/folders/ with a 308, and browsers refuse a
    # redirect in answer to a preflight: the preflight gets the route's answer instead.
    @app.route("/api/folders/", methods=["GET", "PUT"])
    def folders():
        return "folders"

    CORS(app, resources={"/api/folders/": {"origins": [ORIGIN], "max_age": 60}})
    client = app.test_client()
    response = preflight(client, "/api/folders", headers="X-Token")
    assert response.status_code == 200
    assert response.headers[ACAO] == ORIGIN
    assert response.headers[ACMA] == "60"
    assert set(response.allow) >= {"GET", "PUT"}
    # The actual request is still redirected, with the route's CORS headers so the browser
    # follows the redirect.
    redirected = client.put("/api/folders", headers={"Origin": ORIGIN})
    assert redirected.status_code == 308
    assert redirected.location.endswith("/api/folders/")
    assert redirected.headers[ACAO] == ORIGIN


def test_preflight_to_a_cross_origin_view_missing_its_trailing_slash_gets_its_policy(app):
    @app.route("/api/boxes/", methods=["GET", "PUT"])
    @cross_origin(origins=[OTHER], max_age=5)
    def boxes():
        return "boxes"

    CORS(app, origins=[ORIGIN])
    response = preflight(app.test_client(), "/api/boxes", origin=OTHER)
    assert response.status_code == 200
    assert response.headers[ACAO] == OTHER
    assert response.headers[ACMA] == "5"


def test_preflight_to_a_url_redirected_for_another_reason_is_left_to_the_app(app):
    @app.route("/api/old", redirect_to="/api/items")
    def old():
        return "never called"

    CORS(app)
    response = preflight(app.test_client(), "/api/old", method="GET")
    assert response.status_code == 308
