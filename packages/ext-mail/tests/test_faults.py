"""Faults: a server that is down, hangs, stalls, closes, or speaks the wrong TLS; each ends in a
clear exception within MAIL_TIMEOUT. Bad messages fail before any connection is made."""

import smtplib
import socket
import time
from contextlib import contextmanager

import pytest
from conftest import free_port

from kolba_mail import (
    BadHeaderError,
    DeliveryError,
    MailConnectionError,
    MailTimeoutError,
    Message,
    MessageError,
)

TIMEOUT = 0.5


def send(app, **kwargs):
    kwargs.setdefault("recipients", ["ann@example.com"])
    kwargs.setdefault("body", "x")
    return app.extensions["mail"].send(Message(kwargs.pop("subject", "Hi"), **kwargs))


@contextmanager
def within(seconds):
    start = time.monotonic()
    yield
    assert time.monotonic() - start < seconds


def test_server_down_fails_fast(make_app):
    app = make_app(MAIL_PORT=free_port(), MAIL_TIMEOUT=5)
    with within(2), pytest.raises(MailConnectionError) as info:
        send(app)
    assert "refused the connection" in str(info.value)
    assert "MAIL_SERVER and MAIL_PORT" in str(info.value)


def test_server_that_never_answers_times_out(make_app, silent_server):
    app = make_app(MAIL_PORT=silent_server.port, MAIL_TIMEOUT=TIMEOUT)
    with within(TIMEOUT + 1.5), pytest.raises(MailTimeoutError) as info:
        send(app)
    assert str(info.value) == (
        f"SMTP server 127.0.0.1:{silent_server.port} did not answer within 0.5 s (MAIL_TIMEOUT)"
        " while connecting."
    )


def test_server_that_stops_answering_times_out(make_app, stalling_server):
    app = make_app(MAIL_PORT=stalling_server.port, MAIL_TIMEOUT=TIMEOUT)
    with within(TIMEOUT + 1.5), pytest.raises(MailTimeoutError, match="sending the message"):
        send(app)


def test_stall_during_starttls_times_out(make_app, stalling_server):
    app = make_app(MAIL_PORT=stalling_server.port, MAIL_TIMEOUT=TIMEOUT, MAIL_USE_TLS=True)
    with within(TIMEOUT + 1.5), pytest.raises(MailTimeoutError, match="STARTTLS"):
        send(app)


def test_server_that_closes_the_connection(make_app, closing_server):
    app = make_app(MAIL_PORT=closing_server.port, MAIL_TIMEOUT=TIMEOUT)
    with within(TIMEOUT + 1.5), pytest.raises(MailConnectionError, match="closed the connection"):
        send(app)


def test_delivery_errors_are_smtplib_and_os_errors(make_app, silent_server):
    app = make_app(MAIL_PORT=silent_server.port, MAIL_TIMEOUT=TIMEOUT)
    with pytest.raises(smtplib.SMTPException):
        send(app)
    with pytest.raises(TimeoutError):
        send(app)
    assert issubclass(DeliveryError, OSError)


def test_untrusted_certificate_is_refused(make_app, start_smtp, server_tls):
    server = start_smtp(tls_context=server_tls)
    app = make_app(MAIL_SERVER=server.host, MAIL_PORT=server.port, MAIL_USE_TLS=True)
    with pytest.raises(MailConnectionError) as info:
        send(app)
    assert "certificate verify failed" in str(info.value)
    assert "MAIL_SSL_CONTEXT" in str(info.value)
    assert server.received == []


def test_starttls_not_offered(make_app, smtp_server):
    app = make_app(MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port, MAIL_USE_TLS=True)
    with pytest.raises(MailConnectionError, match="Set MAIL_USE_TLS = False"):
        send(app)


def test_implicit_tls_against_a_plain_server(make_app, smtp_server):
    app = make_app(MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port, MAIL_USE_SSL=True)
    with within(3), pytest.raises(MailConnectionError, match="TLS with SMTP server"):
        send(app)


def test_unknown_host_is_a_clear_error(make_app):
    app = make_app(MAIL_SERVER="no-such-host.invalid", MAIL_TIMEOUT=TIMEOUT)
    with pytest.raises(MailConnectionError, match="Cannot resolve MAIL_SERVER"):
        send(app)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"subject": "Hi\r\nBcc: victim@example.com"},
        {"sender": "shop@example.com\nBcc: victim@example.com"},
        {"recipients": ["ann@example.com\r\nX-Evil: 1"]},
        {"cc": ["ann@example.com\rX: y"]},
        {"bcc": [("Ann\nX: y", "ann@example.com")]},
        {"reply_to": "help@example.com\r\nX: y"},
        {"extra_headers": {"X-Tag": "a\r\nBcc: victim@example.com"}},
    ],
)
def test_bad_headers_fail_before_any_connection(make_app, silent_server, kwargs):
    app = make_app(MAIL_PORT=silent_server.port, MAIL_TIMEOUT=TIMEOUT)
    with within(0.4), pytest.raises(BadHeaderError):
        send(app, **kwargs)
    assert silent_server.accepted == 0


def test_incomplete_message_fails_before_any_connection(make_app, silent_server):
    app = make_app(MAIL_PORT=silent_server.port, MAIL_TIMEOUT=TIMEOUT)
    with pytest.raises(MessageError, match="no recipients"):
        send(app, recipients=[])
    conn = app.extensions["mail"].connect()
    with app.app_context(), conn, pytest.raises(BadHeaderError):
        conn.send(Message("a\nb", recipients=["a@example.com"]))
    assert silent_server.accepted == 0


def test_connection_is_reopened_after_a_failure(make_app, start_smtp):
    server = start_smtp()
    app = make_app(MAIL_SERVER=server.host, MAIL_PORT=server.port)
    with app.app_context(), app.extensions["mail"].connect() as conn:
        conn.send_message("one", recipients=["a@example.com"], body="x")
        conn.host.sock.shutdown(socket.SHUT_RDWR)  # the line drops between two messages
        with pytest.raises(MailConnectionError):
            conn.send_message("two", recipients=["a@example.com"], body="x")
        assert conn.host is None
        conn.send_message("three", recipients=["a@example.com"], body="x")
    assert [r.message["Subject"] for r in server.received] == ["one", "three"]


# -- during a request: a clear 503 ---------------------------------------------------------


def signup_app(make_app, **config):
    app = make_app(PROPAGATE_EXCEPTIONS=False, MAIL_TIMEOUT=TIMEOUT, **config)

    @app.post("/signup")
    def signup():
        send(app)
        return "welcome"

    return app


def test_mail_server_down_during_a_request_is_a_clear_503(make_app, caplog):
    port = free_port()
    app = signup_app(make_app, MAIL_PORT=port)
    with within(2), caplog.at_level("ERROR", logger="kolba_mail"):
        response = app.test_client().post("/signup")
    assert response.status_code == 503
    assert "mail server is not reachable" in response.text
    assert str(port) not in response.text, "the server's address stays in the log"
    (record,) = [r for r in caplog.records if r.name == "kolba_mail"]
    assert "/signup [POST]" in record.getMessage()
    assert f"127.0.0.1:{port}" in record.getMessage()


def test_mail_server_that_never_answers_during_a_request_is_a_503(make_app, silent_server):
    app = signup_app(make_app, MAIL_PORT=silent_server.port)
    with within(2):
        response = app.test_client().post("/signup")
    assert response.status_code == 503


def test_the_503_is_a_503_even_in_testing_mode(make_app):
    # Exceptions propagate out of the test client under TESTING; this one has an answer.
    app = signup_app(make_app, MAIL_PORT=free_port(), TESTING=True, MAIL_SUPPRESS_SEND=False)
    assert app.test_client().post("/signup").status_code == 503


def test_the_apps_error_handlers_win_over_the_503(make_app):
    app = signup_app(make_app, MAIL_PORT=free_port())

    @app.errorhandler(MailConnectionError)
    def mail_down(error):
        return "queued for later", 202

    assert app.test_client().post("/signup").status_code == 202


def test_the_503_goes_through_the_apps_503_handler(make_app):
    app = signup_app(make_app, MAIL_PORT=free_port())

    @app.errorhandler(503)
    def unavailable(error):
        return {"error": error.name, "message": error.description}, 503

    response = app.test_client().post("/signup")
    assert response.status_code == 503
    assert response.get_json()["error"] == "Service Unavailable"
    assert "mail server is not reachable" in response.get_json()["message"]


def test_mail_errors_that_are_the_apps_fault_stay_500s(make_app, start_smtp):
    server = start_smtp(auth=True)
    app = signup_app(
        make_app,
        MAIL_SERVER=server.host,
        MAIL_PORT=server.port,
        MAIL_USERNAME="ann",
        MAIL_PASSWORD="wrong",
    )

    @app.post("/bad-message")
    def bad_message():
        send(app, subject="Hi\r\nBcc: victim@example.com")

    client = app.test_client()
    assert client.post("/signup").status_code == 500  # login refused: fix the config
    assert client.post("/bad-message").status_code == 500  # BadHeaderError: fix the code
