"""Error responses carry the same CORS headers as successful ones, so a front end can read
why a request failed: abort(), unknown URLs, handled exceptions and unhandled 500s."""

import pytest
from cors_helpers import ACAC, ACAO, ACEH, ORIGIN, OTHER, cors_headers, make_app

from kolba import abort
from kolba_cors import CORS, cross_origin

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


def test_intercept_exceptions_off_leaves_responses_made_from_exceptions_alone(app):
    CORS(app, intercept_exceptions=False, **OPTIONS)
    for path in ("/api/abort", "/api/no-such-thing", "/api/crash"):
        response = get(app, path)
        assert response.status_code >= 400
        assert cors_headers(response) == {}
        assert "Vary" not in response.headers
    wrong_method = app.test_client().patch("/api/items", headers={"Origin": ORIGIN})
    assert wrong_method.status_code == 405
    assert cors_headers(wrong_method) == {}
    assert cors_headers(get(app, "/api/items")) == EXPECTED


def test_intercept_exceptions_off_covers_an_abort_in_a_before_request_hook(app):
    @app.before_request
    def refuse():
        abort(401)

    CORS(app, intercept_exceptions=False, **OPTIONS)
    response = get(app, "/api/items")
    assert response.status_code == 401
    assert cors_headers(response) == {}


def test_intercept_exceptions_off_keeps_headers_on_an_error_status_a_view_returns(app):
    @app.post("/api/validate")
    def validate():
        return {"error": "name is required"}, 422

    CORS(app, intercept_exceptions=False, **OPTIONS)
    response = app.test_client().post("/api/validate", headers={"Origin": ORIGIN})
    assert response.status_code == 422
    assert cors_headers(response) == EXPECTED


def test_intercept_exceptions_off_keeps_headers_on_an_app_error_handlers_response(app):
    # kolba tells extensions only about exceptions no error handler took, so a response an
    # app's error handler made counts as the app's own (documented in the README).
    CORS(app, intercept_exceptions=False, **OPTIONS)
    response = get(app, "/api/out-of-stock")
    assert response.status_code == 409
    assert cors_headers(response) == EXPECTED


def test_intercept_exceptions_off_on_a_cross_origin_view():
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.route("/checked/<int:status>", methods=["GET", "PUT"])
    @cross_origin(intercept_exceptions=False, **OPTIONS)
    def checked(status):
        if status == 403:
            abort(403)
        if status == 409:
            raise OutOfStock()
        return {"status": status}, status

    @app.errorhandler(OutOfStock)
    def handle_out_of_stock(error):
        return {"error": "out of stock"}, 409

    client = app.test_client()
    assert cors_headers(client.get("/checked/422", headers={"Origin": ORIGIN})) == EXPECTED
    # The decorator sees every exception its view raises, handled or not.
    for status in (403, 409):
        response = client.get(f"/checked/{status}", headers={"Origin": ORIGIN})
        assert response.status_code == status
        assert cors_headers(response) == {}
