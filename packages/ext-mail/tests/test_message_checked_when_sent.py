"""A Flask-Mail ``Message`` may be built without a sender or recipients and filled in later;
what it lacks is an error only when it is sent, and then before any connection is made."""

from unittest import mock

import pytest

from kolba import Kolba
from kolba_mail import Mail, Message, MessageError


@pytest.fixture
def app():
    app = Kolba(__name__)
    Mail(app)
    return app


def test_message_without_sender_or_recipients_can_be_built():
    msg = Message("Hello")
    assert (msg.subject, msg.sender, msg.recipients) == ("Hello", None, [])


def test_message_without_arguments_can_be_built():
    msg = Message()
    assert msg.subject == ""
    assert msg.recipients == []


def test_recipients_added_later_are_sent_to(app):
    msg = Message("Hello", sender="noreply@example.com")
    msg.add_recipient("ann@example.com")
    msg.recipients.append("bob@example.com")
    assert msg.send_to == {"ann@example.com", "bob@example.com"}


def test_sending_without_recipients_fails_before_connecting(app):
    no_recipients = pytest.raises(MessageError, match="no recipients")
    with mock.patch("smtplib.SMTP") as smtp, app.app_context(), no_recipients:
        Mail().send(Message("Hello", sender="noreply@example.com"))
    assert not smtp.called


def test_sending_without_any_sender_fails_before_connecting(app):
    no_sender = pytest.raises(MessageError, match="MAIL_DEFAULT_SENDER")
    with mock.patch("smtplib.SMTP") as smtp, app.app_context(), no_sender:
        Mail().send(Message("Hello", recipients=["ann@example.com"]))
    assert not smtp.called


def test_message_errors_are_value_errors():
    assert issubclass(MessageError, ValueError)


def test_default_sender_is_taken_in_an_app_context():
    app = Kolba(__name__)
    app.config["MAIL_DEFAULT_SENDER"] = ("Example", "noreply@example.com")
    Mail(app)
    with app.app_context():
        assert Message("Hi").sender == ("Example", "noreply@example.com")


def test_default_sender_set_after_the_message_is_built_is_used_when_sent():
    app = Kolba(__name__)
    mail = Mail(app)
    msg = Message("Hi", recipients=["ann@example.com"])
    app.config["MAIL_DEFAULT_SENDER"] = "late@example.com"
    mail.init_app(app)
    with mock.patch("smtplib.SMTP") as smtp, app.app_context():
        smtp.return_value.sendmail.return_value = {}
        mail.send(msg)
    assert smtp.return_value.sendmail.call_args.args[0] == "late@example.com"
