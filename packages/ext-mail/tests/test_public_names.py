"""Every name Flask-Mail 0.10 exports is importable from ``kolba_mail`` (``FlaskMail...`` spelled
``KolbaMail...``), and the helpers behave as Flask-Mail documents them."""

import blinker
import pytest

import kolba_mail
from kolba import Kolba
from kolba_mail import (
    Attachment,
    BadHeaderError,
    Connection,
    KolbaMailUnicodeDecodeError,
    Mail,
    MailState,
    Message,
    email_dispatched,
    force_text,
    sanitize_address,
    sanitize_addresses,
    sanitize_subject,
    signals,
)


def test_flask_mail_names_are_exported():
    for name in (
        "Attachment",
        "BadHeaderError",
        "Connection",
        "Mail",
        "Message",
        "email_dispatched",
        "force_text",
        "sanitize_address",
        "sanitize_addresses",
        "sanitize_subject",
        "signals",
    ):
        assert hasattr(kolba_mail, name), name


def test_email_dispatched_is_a_blinker_signal_of_the_namespace():
    assert isinstance(signals, blinker.Namespace)
    assert email_dispatched is signals.signal("email-dispatched")


def test_init_app_returns_the_apps_state():
    app = Kolba(__name__)
    state = Mail().init_app(app)
    assert isinstance(state, MailState)
    assert state is app.extensions["mail"]


def test_init_mail_builds_a_state_from_a_config_mapping():
    state = Mail().init_mail({"MAIL_SERVER": "mx.example.com", "MAIL_PORT": 587}, testing=True)
    assert (state.server, state.port, state.suppress) == ("mx.example.com", 587, True)


def test_connection_takes_the_apps_state():
    app = Kolba(__name__)
    app.config["TESTING"] = True
    Mail(app)
    with app.app_context(), Connection(app.extensions["mail"]) as conn:
        conn.send(Message("Hi", sender="a@example.com", recipients=["b@example.com"]))
        assert conn.num_emails == 1


def test_attachment_holds_filename_content_type_and_data():
    attachment = Attachment("a.txt", "text/plain", b"hello")
    assert (attachment.filename, attachment.content_type, attachment.data) == (
        "a.txt",
        "text/plain",
        b"hello",
    )


def test_sanitize_address_keeps_an_ascii_address():
    assert sanitize_address("ann@example.com") == "ann@example.com"
    assert sanitize_address(("Ann", "ann@example.com")) == "Ann <ann@example.com>"


def test_sanitize_address_encodes_a_unicode_name_and_an_idn_domain():
    sanitized = sanitize_address(("Ännä", "ann@bücher.example"))
    assert sanitized.isascii()
    assert sanitized.endswith("<ann@xn--bcher-kva.example>")
    assert sanitized.startswith("=?utf-8?")


def test_sanitize_address_refuses_a_newline():
    with pytest.raises(BadHeaderError):
        sanitize_address("ann@example.com\nBcc: eve@example.com")


def test_sanitize_addresses_sanitizes_each():
    assert sanitize_addresses(["a@example.com", ("B", "b@example.com")]) == [
        "a@example.com",
        "B <b@example.com>",
    ]


def test_sanitize_subject_encodes_only_non_ascii():
    assert sanitize_subject("Hello") == "Hello"
    assert sanitize_subject("Grüße").startswith("=?utf-8?")


def test_force_text_decodes_bytes_and_stringifies_the_rest():
    assert force_text(b"caf\xc3\xa9") == "café"
    assert force_text(42) == "42"
    with pytest.raises(KolbaMailUnicodeDecodeError, match="You passed in"):
        force_text(b"\xff")
    assert issubclass(KolbaMailUnicodeDecodeError, UnicodeDecodeError)
