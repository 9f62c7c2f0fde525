"""Error responses carry the same CORS headers as successful ones, so a front end can read
why a request failed: abort(), unknown URLs, handled exceptions and unhandled 500s."""

import pytest
from cors_helpers import ACAC, ACAO, ACEH, ORIGIN, OTHER, cors_headers, make_app

from kolba import abort
from kolba_cors import CORS

OPTIONS = {"origins": [ORIGIN], "supports_credentials": True, "expose_headers": ["X-Request-Id"]}
EXPECTED = {ACAO: ORIGIN, ACAC: "true", ACEH: "X-Request-Id"}


class OutOfStock(Exception):
    pass


@pytest.fixture
def app():
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/api/abort")
    def aborts():
        abort(403, description="Not yours.")

    @app.get("/api/out-of-stock")
    def out_of_stock():
        raise OutOfStock()

    @app.get("/api/crash")
    def crash():
        raise RuntimeError("boom")

    @app.errorhandler(OutOfStock)
    def handle_out_of_stock(error):
        return {"error": "out of stock"}, 409

    return app


def get(app, path, origin=ORIGIN):
    return app.test_client().get(path, headers={"Origin": origin})


def test_abort_response_carries_cors_headers(app):
    CORS(app, **OPTIONS)
    response = get(app, "/api/abort")
    assert response.status_code == 403
    assert cors_headers(response) == EXPECTED


def test_unknown_url_404_carries_cors_headers(app):
    CORS(app, **OPTIONS)
    response = get(app, "/api/no-such-thing")
    assert response.status_code == 404
    assert cors_headers(response) == EXPECTED


def test_wrong_method_405_carries_cors_headers(app):
    CORS(app, **OPTIONS)
    response = app.test_client().patch("/api/items", headers={"Origin": ORIGIN})
    assert response.status_code == 405
    assert cors_headers(response) == EXPECTED


def test_exception_turned_into_a_response_by_a_handler_carries_cors_headers(app):
    CORS(app, **OPTIONS)
    response = get(app, "/api/out-of-stock")
    assert response.status_code == 409
    assert response.get_json() == {"error": "out of stock"}
    assert cors_headers(response) == EXPECTED


def test_http_error_handler_response_carries_cors_headers(app):
    @app.errorhandler(404)
    def not_found(error):
        return {"error": "not found"}, 404

    CORS(app, **OPTIONS)
    response = get(app, "/api/no-such-thing")
    assert response.get_json() == {"error": "not found"}
    assert cors_headers(response) == EXPECTED


def test_unhandled_exception_500_carries_cors_headers(app):
    CORS(app, **OPTIONS)
    response = get(app, "/api/crash")
    assert response.status_code == 500
    assert cors_headers(response) == EXPECTED


def test_unhandled_exception_500_from_a_500_handler_carries_cors_headers(app):
    @app.errorhandler(500)
    def server_error(error):
        return {"error": "internal", "cause": type(error.original_exception).__name__}, 500

    CORS(app, **OPTIONS)
    response = get(app, "/api/crash")
    assert response.status_code == 500
    assert response.get_json() == {"error": "internal", "cause": "RuntimeError"}
    assert cors_headers(response) == EXPECTED


def test_error_in_a_before_request_hook_carries_cors_headers(app):
    @app.before_request
    def broken_hook():
        raise RuntimeError("hook failed")

    CORS(app, **OPTIONS)
    response = get(app, "/api/items")
    assert response.status_code == 500
    assert cors_headers(response) == EXPECTED


def test_error_response_gets_no_cors_headers_for_a_disallowed_origin(app):
    CORS(app, **OPTIONS)
    response = get(app, "/api/crash", origin=OTHER)
    assert response.status_code == 500
    assert cors_headers(response) == {}


def test_intercept_exceptions_off_leaves_error_responses_alone(app):
    CORS(app, intercept_exceptions=False, **OPTIONS)
    for path in ("/api/abort", "/api/no-such-thing", "/api/out-of-stock", "/api/crash"):
        response = get(app, path)
        assert response.status_code >= 400
        assert cors_headers(response) == {}
        assert "Vary" not in response.headers
    assert cors_headers(get(app, "/api/items")) == EXPECTED
