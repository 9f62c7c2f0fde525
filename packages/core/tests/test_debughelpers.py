"""``kolba.debughelpers``, at Flask's path: in debug mode a file read from a form sent without
multipart/form-data raises DebugFilesKeyError saying so, the other errors explain their mistake,
and EXPLAIN_TEMPLATE_LOADING logs each loader tried."""

import logging

import pytest
from werkzeug.routing import RequestRedirect

from kolba import Kolba, render_template_string, request
from kolba.debughelpers import (
    DebugFilesKeyError,
    FormDataRoutingRedirect,
    UnexpectedUnicodeError,
    attach_enctype_error_multidict,
    explain_template_loading_attempts,
)


@pytest.fixture
def app():
    app = Kolba(__name__)

    @app.post("/upload")
    def upload():
        return request.files["photo"].filename

    return app


def form_post(app, **fields):
    """A request context for a form POSTed url-encoded, as a form without enctype sends it."""
    return app.test_request_context("/upload", method="POST", data=fields)


def test_file_from_a_urlencoded_form_in_debug_mode_says_to_set_the_enctype(app):
    app.debug = True
    enctype = pytest.raises(DebugFilesKeyError, match='enctype="multipart/form-data"')
    with form_post(app, photo="me.png"), enctype as info:
        request.files["photo"]
    assert "'me.png'" in str(info.value)
    assert isinstance(info.value, KeyError)


def test_missing_file_outside_debug_mode_is_a_plain_key_error(app):
    with form_post(app, photo="me.png"), pytest.raises(KeyError) as info:
        request.files["photo"]
    assert not isinstance(info.value, DebugFilesKeyError)


def test_missing_key_that_is_no_form_field_is_a_plain_key_error(app):
    app.debug = True
    with form_post(app, other="x"), pytest.raises(KeyError) as info:
        request.files["photo"]
    assert not isinstance(info.value, DebugFilesKeyError)


def test_attach_enctype_error_multidict_keeps_the_class_name(app):
    with app.test_request_context("/upload", method="POST", data={"photo": "me.png"}):
        name = type(request.files).__name__
        attach_enctype_error_multidict(request)
        assert type(request.files).__name__ == name
        with pytest.raises(DebugFilesKeyError):
            request.files["photo"]


def test_form_data_routing_redirect_explains_the_trailing_slash(app):
    with app.test_request_context("/upload", method="POST"):
        request.routing_exception = RequestRedirect("http://localhost/upload/")
        message = str(FormDataRoutingRedirect(request))
    assert "trailing slash" in message
    assert "307 or 308" in message


def test_unexpected_unicode_error_is_an_assertion_and_unicode_error():
    assert issubclass(UnexpectedUnicodeError, AssertionError)
    assert issubclass(UnexpectedUnicodeError, UnicodeError)


def test_explain_template_loading_logs_each_loader(app, caplog, tmp_path):
    (tmp_path / "hello.html").write_text("hi")
    app.template_folder = str(tmp_path)
    app.config["EXPLAIN_TEMPLATE_LOADING"] = True
    with caplog.at_level(logging.INFO, logger=app.logger.name), app.app_context():
        assert render_template_string("{% include 'hello.html' %}") == "hi"
    assert "Locating template 'hello.html'" in caplog.text
    assert "-> found" in caplog.text


def test_explain_template_loading_attempts_says_when_nothing_was_found(app, caplog):
    with caplog.at_level(logging.INFO, logger=app.logger.name):
        explain_template_loading_attempts(app, "missing.html", [(app.jinja_loader, app, None)])
    assert "-> no match" in caplog.text
    assert "could not be found" in caplog.text
