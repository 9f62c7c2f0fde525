"""Mail goes out through ``smtplib.SMTP`` / ``smtplib.SMTP_SSL`` and their ``sendmail``, as with
Flask-Mail, so tests that patch those classes see every delivery; suppressed sending (TESTING or
MAIL_SUPPRESS_SEND) opens no connection at all, and ``record_messages`` sees messages either way.
"""

from unittest import mock

import pytest

from kolba import Kolba
from kolba_mail import Mail, Message


def make_app(**config):
    app = Kolba(__name__)
    app.config.update(MAIL_DEFAULT_SENDER="noreply@example.com", **config)
    return app


@pytest.fixture
def smtp():
    with mock.patch("smtplib.SMTP") as patched:
        patched.return_value.sendmail.return_value = {}
        yield patched


@pytest.fixture
def smtp_ssl():
    with mock.patch("smtplib.SMTP_SSL") as patched:
        patched.return_value.sendmail.return_value = {}
        yield patched


def test_send_connects_with_smtplib_smtp_to_the_configured_server(smtp):
    app = make_app(MAIL_SERVER="mail.example.com", MAIL_PORT=2525)
    mail = Mail(app)
    with app.app_context():
        mail.send(Message("Hi", recipients=["ann@example.com"], body="Hello"))
    assert smtp.call_args.args[:2] == ("mail.example.com", 2525)


def test_send_calls_sendmail_with_sender_recipients_and_the_message(smtp):
    app = make_app()
    mail = Mail(app)
    with app.app_context():
        mail.send(Message("Hi", recipients=["ann@example.com"], cc=["bob@example.com"]))
    (sender, recipients, data, mail_options, rcpt_options) = (
        smtp.return_value.sendmail.call_args.args
    )
    assert sender == "noreply@example.com"
    assert recipients == ["ann@example.com", "bob@example.com"]
    assert b"Subject: Hi" in data
    assert (mail_options, rcpt_options) == ([], [])


def test_use_ssl_connects_with_smtplib_smtp_ssl(smtp, smtp_ssl):
    app = make_app(MAIL_USE_SSL=True, MAIL_PORT=465)
    mail = Mail(app)
    with app.app_context():
        mail.send(Message("Hi", recipients=["ann@example.com"]))
    assert smtp_ssl.return_value.sendmail.called
    assert not smtp.called


def test_use_tls_starts_tls_before_logging_in(smtp):
    app = make_app(MAIL_USE_TLS=True, MAIL_USERNAME="ann", MAIL_PASSWORD="s3cret")
    mail = Mail(app)
    with app.app_context():
        mail.send(Message("Hi", recipients=["ann@example.com"]))
    host = smtp.return_value
    calls = [name for name, *_ in host.method_calls if name in ("starttls", "login", "sendmail")]
    assert calls == ["starttls", "login", "sendmail"]
    assert host.login.call_args.args == ("ann", "s3cret")


def test_no_login_without_username_and_password(smtp):
    app = make_app()
    mail = Mail(app)
    with app.app_context():
        mail.send(Message("Hi", recipients=["ann@example.com"]))
    assert not smtp.return_value.login.called


def test_one_connection_sends_many_messages(smtp):
    app = make_app()
    mail = Mail(app)
    with app.app_context(), mail.connect() as conn:
        for name in ("ann", "bob"):
            conn.send(Message("Hi", recipients=[f"{name}@example.com"]))
    assert smtp.call_count == 1
    assert smtp.return_value.sendmail.call_count == 2


def test_max_emails_reconnects_after_that_many_messages(smtp):
    app = make_app(MAIL_MAX_EMAILS=1)
    mail = Mail(app)
    with app.app_context(), mail.connect() as conn:
        for name in ("ann", "bob"):
            conn.send(Message("Hi", recipients=[f"{name}@example.com"]))
    assert smtp.call_count == 2


def test_testing_suppresses_sending_but_records_the_message(smtp):
    app = make_app(TESTING=True)
    mail = Mail(app)
    with app.app_context(), mail.record_messages() as outbox:
        mail.send(Message("Hi", recipients=["ann@example.com"]))
    assert not smtp.called
    assert [m.subject for m in outbox] == ["Hi"]


def test_suppress_send_true_opens_no_connection(smtp):
    app = make_app(MAIL_SUPPRESS_SEND=True)
    mail = Mail(app)
    with app.app_context(), mail.record_messages() as outbox:
        mail.send_message("Hi", recipients=["ann@example.com"])
    assert not smtp.called
    assert len(outbox) == 1


def test_suppress_send_false_sends_even_when_testing(smtp):
    app = make_app(TESTING=True, MAIL_SUPPRESS_SEND=False)
    mail = Mail(app)
    with app.app_context():
        mail.send_message("Hi", recipients=["ann@example.com"])
    assert smtp.return_value.sendmail.called


def test_record_messages_sees_messages_that_were_really_sent(smtp):
    app = make_app()
    mail = Mail(app)
    with app.app_context(), mail.record_messages() as outbox:
        mail.send(Message("Sent", recipients=["ann@example.com"]))
    assert [m.subject for m in outbox] == ["Sent"]
    assert smtp.return_value.sendmail.called


def test_record_messages_stops_recording_after_the_block(smtp):
    app = make_app(TESTING=True)
    mail = Mail(app)
    with app.app_context():
        with mail.record_messages() as outbox:
            mail.send_message("In", recipients=["ann@example.com"])
        mail.send_message("Out", recipients=["ann@example.com"])
    assert [m.subject for m in outbox] == ["In"]


def test_record_messages_in_a_view_through_the_test_client(smtp):
    app = make_app(TESTING=True)
    mail = Mail(app)

    @app.post("/signup")
    def signup():
        mail.send_message("Welcome", recipients=["ann@example.com"], body="Hello Ann")
        return "ok"

    with mail.record_messages() as outbox:
        assert app.test_client().post("/signup").text == "ok"
    assert len(outbox) == 1
    assert outbox[0].subject == "Welcome"
    assert outbox[0].body == "Hello Ann"
