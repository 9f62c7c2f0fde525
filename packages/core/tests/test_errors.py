"""Error handling: handlers by code and class, propagation, trapping and logging.
Every test here states one behaviour of Flask 3.1 that kolba keeps."""

import logging

import pytest
from werkzeug.exceptions import (
    BadRequestKeyError,
    Forbidden,
    HTTPException,
    InternalServerError,
    NotFound,
)

from kolba import Kolba, abort, request


class PaymentError(Exception):
    pass


class CardDeclined(PaymentError):
    pass


@pytest.fixture
def app():
    app = Kolba(__name__)

    @app.route("/boom")
    def boom():
        raise ValueError("boom")

    @app.route("/declined")
    def declined():
        raise CardDeclined("card declined")

    @app.route("/payment")
    def payment():
        raise PaymentError("payment failed")

    @app.route("/missing")
    def missing():
        abort(404)

    @app.route("/forbidden")
    def forbidden():
        abort(403)

    @app.route("/form", methods=["POST"])
    def form():
        return request.form["username"]

    return app


@pytest.fixture
def client(app):
    return app.test_client()


# -- handlers by code and by class -------------------------------------------------------------


def test_404_handler_handles_unknown_url(app, client):
    app.errorhandler(404)(lambda e: ("custom not found", 404))
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.data == b"custom not found"


def test_404_handler_handles_abort_404(app, client):
    app.errorhandler(404)(lambda e: ("custom not found", 404))
    assert client.get("/missing").data == b"custom not found"


def test_404_handler_receives_not_found_exception(app, client):
    received = []
    app.errorhandler(404)(lambda e: received.append(e) or ("", 404))
    client.get("/missing")
    assert isinstance(received[0], NotFound)
    assert received[0].code == 404


def test_handler_returning_only_a_body_sends_status_200(app, client):
    app.errorhandler(404)(lambda e: "page not found")
    assert client.get("/missing").status_code == 200


def test_handler_registered_by_class_handles_the_same_code(app, client):
    app.errorhandler(NotFound)(lambda e: ("by class", 404))
    assert client.get("/missing").data == b"by class"


def test_handler_by_exception_class(app, client):
    app.errorhandler(ValueError)(lambda e: (f"handled {e}", 400))
    response = client.get("/boom")
    assert response.status_code == 400
    assert response.data == b"handled boom"


def test_subclass_handler_wins_over_base_class_handler(app, client):
    app.errorhandler(PaymentError)(lambda e: ("base", 402))
    app.errorhandler(CardDeclined)(lambda e: ("subclass", 402))
    assert client.get("/declined").data == b"subclass"
    assert client.get("/payment").data == b"base"


def test_base_class_handler_catches_subclass_without_own_handler(app, client):
    app.errorhandler(PaymentError)(lambda e: (type(e).__name__, 402))
    assert client.get("/declined").data == b"CardDeclined"


def test_specific_handler_wins_over_exception_handler(app, client):
    app.errorhandler(Exception)(lambda e: ("generic", 500))
    app.errorhandler(CardDeclined)(lambda e: ("specific", 402))
    assert client.get("/declined").data == b"specific"


def test_not_found_handler_wins_over_http_exception_handler(app, client):
    app.errorhandler(HTTPException)(lambda e: ("any http error", e.code))
    app.errorhandler(NotFound)(lambda e: ("not found", 404))
    assert client.get("/missing").data == b"not found"
    assert client.get("/forbidden").data == b"any http error"


def test_http_exception_handler_catches_routing_errors(app, client):
    app.errorhandler(HTTPException)(lambda e: (f"{e.code} {e.name}", e.code))
    response = client.post("/boom")
    assert response.status_code == 405
    assert response.data == b"405 Method Not Allowed"


def test_exception_handler_also_catches_http_exceptions(app, client):
    app.errorhandler(Exception)(lambda e: (f"caught {type(e).__name__}", 500))
    response = client.get("/no-such-page")
    assert response.data == b"caught NotFound"


def test_register_error_handler_by_class(app, client):
    app.register_error_handler(ValueError, lambda e: ("registered", 400))
    assert client.get("/boom").data == b"registered"


def test_register_error_handler_by_code(app, client):
    app.register_error_handler(403, lambda e: ("no entry", 403))
    assert client.get("/forbidden").data == b"no entry"


def test_error_handler_returning_tuple_sets_body_status_and_headers(app, client):
    app.errorhandler(404)(lambda e: ("gone", 410, {"X-Reason": "removed"}))
    response = client.get("/missing")
    assert response.status_code == 410
    assert response.headers["X-Reason"] == "removed"
    assert response.data == b"gone"


def test_error_handler_returning_dict_sends_json(app, client):
    app.errorhandler(404)(lambda e: ({"error": e.name}, 404))
    response = client.get("/missing")
    assert response.is_json
    assert response.get_json() == {"error": "Not Found"}


def test_abort_in_before_request_is_handled_by_error_handler(app, client):
    app.before_request(lambda: abort(401))
    app.errorhandler(401)(lambda e: ("please log in", 401))
    response = client.get("/missing")
    assert response.status_code == 401
    assert response.data == b"please log in"


def test_exception_raised_inside_error_handler_becomes_500(app, client):
    def to_forbidden(e):
        raise Forbidden()

    app.errorhandler(ValueError)(to_forbidden)
    assert client.get("/boom").status_code == 500


# -- unhandled errors --------------------------------------------------------------------------


def test_unhandled_http_exception_becomes_its_own_response(client):
    response = client.get("/forbidden")
    assert response.status_code == 403
    assert b"Forbidden" in response.data


def test_unknown_url_without_handler_is_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"Not Found" in response.data


def test_abort_with_description_shows_it_in_the_page(app, client):
    app.add_url_rule("/teapot", "teapot", lambda: abort(400, description="Bad teapot"))
    response = client.get("/teapot")
    assert response.status_code == 400
    assert b"Bad teapot" in response.data


def test_unhandled_exception_becomes_500_page(client):
    response = client.get("/boom")
    assert response.status_code == 500
    assert b"Internal Server Error" in response.data


def test_unhandled_exception_calls_500_handler(app, client):
    app.errorhandler(500)(lambda e: ("sorry", 500))
    response = client.get("/boom")
    assert response.status_code == 500
    assert response.data == b"sorry"


def test_500_handler_receives_internal_server_error_wrapping_original(app, client):
    received = []
    app.errorhandler(500)(lambda e: received.append(e) or ("", 500))
    client.get("/boom")
    assert isinstance(received[0], InternalServerError)
    assert isinstance(received[0].original_exception, ValueError)
    assert str(received[0].original_exception) == "boom"


def test_abort_500_reaches_500_handler_without_original_exception(app, client):
    received = []
    app.errorhandler(InternalServerError)(lambda e: received.append(e) or ("", 500))
    app.add_url_rule("/abort500", "abort500", lambda: abort(500))
    client.get("/abort500")
    assert isinstance(received[0], InternalServerError)
    assert received[0].original_exception is None


# -- propagation -------------------------------------------------------------------------------


def test_testing_propagates_unhandled_exceptions(app, client):
    app.testing = True
    with pytest.raises(ValueError, match="boom"):
        client.get("/boom")


def test_testing_propagates_even_when_a_500_handler_exists(app, client):
    app.testing = True
    app.errorhandler(500)(lambda e: ("sorry", 500))
    with pytest.raises(ValueError):
        client.get("/boom")


def test_testing_still_uses_handler_registered_for_the_class(app, client):
    app.testing = True
    app.errorhandler(ValueError)(lambda e: ("handled", 400))
    assert client.get("/boom").status_code == 400


def test_testing_does_not_propagate_http_exceptions(app, client):
    app.testing = True
    assert client.get("/missing").status_code == 404


def test_propagate_exceptions_propagates_unhandled_exceptions(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(ValueError):
        client.get("/boom")


def test_debug_propagates_unhandled_exceptions(app, client):
    app.debug = True
    with pytest.raises(ValueError):
        client.get("/boom")


def test_propagate_exceptions_false_overrides_testing(app, client):
    app.testing = True
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get("/boom").status_code == 500


# -- trapping ----------------------------------------------------------------------------------


def test_trap_http_exceptions_raises_abort_out_of_the_client(app, client):
    app.testing = True
    app.config["TRAP_HTTP_EXCEPTIONS"] = True
    with pytest.raises(NotFound):
        client.get("/missing")


def test_trap_http_exceptions_raises_routing_not_found(app, client):
    app.testing = True
    app.config["TRAP_HTTP_EXCEPTIONS"] = True
    with pytest.raises(NotFound):
        client.get("/no-such-page")


def test_missing_form_key_is_400_by_default(client):
    assert client.post("/form", data={}).status_code == 400


def test_missing_form_key_page_does_not_name_the_key_outside_debug(client):
    assert b"username" not in client.post("/form", data={}).data


def test_trap_bad_request_errors_raises_bad_request_key_error(app, client):
    app.testing = True
    app.config["TRAP_BAD_REQUEST_ERRORS"] = True
    with pytest.raises(BadRequestKeyError):
        client.post("/form", data={})


def test_debug_traps_bad_request_key_error_by_default(app, client):
    app.debug = True
    with pytest.raises(BadRequestKeyError) as excinfo:
        client.post("/form", data={})
    assert "username" in str(excinfo.value)


def test_debug_bad_request_page_names_missing_key_when_not_trapped(app, client):
    app.debug = True
    app.config["TRAP_BAD_REQUEST_ERRORS"] = False
    response = client.post("/form", data={})
    assert response.status_code == 400
    assert b"username" in response.data


# -- registration errors -----------------------------------------------------------------------


def test_errorhandler_rejects_unknown_status_code(app):
    with pytest.raises(ValueError, match="999"):
        app.errorhandler(999)(lambda e: "")


def test_errorhandler_rejects_non_error_status_code(app):
    with pytest.raises(ValueError):
        app.register_error_handler(200, lambda e: "")


def test_errorhandler_rejects_class_that_is_not_an_exception(app):
    with pytest.raises(ValueError, match="str"):
        app.errorhandler(str)(lambda e: "")


def test_errorhandler_rejects_exception_instance(app):
    with pytest.raises(TypeError):
        app.errorhandler(ValueError("not a class"))(lambda e: "")


# -- logging -----------------------------------------------------------------------------------


def test_unhandled_exception_is_logged_with_traceback(app, client, caplog):
    with caplog.at_level(logging.ERROR):
        client.get("/boom")
    records = [r for r in caplog.records if r.name == app.logger.name]
    assert len(records) == 1
    assert records[0].levelno == logging.ERROR
    assert "/boom" in records[0].getMessage()
    assert isinstance(records[0].exc_info[1], ValueError)


def test_handled_exception_is_not_logged(app, client, caplog):
    app.errorhandler(ValueError)(lambda e: ("handled", 400))
    with caplog.at_level(logging.ERROR):
        client.get("/boom")
    assert not [r for r in caplog.records if r.name == app.logger.name]


def test_http_exception_is_not_logged(app, client, caplog):
    with caplog.at_level(logging.ERROR):
        client.get("/missing")
    assert not [r for r in caplog.records if r.name == app.logger.name]
