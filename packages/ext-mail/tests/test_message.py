"""Message rendering without a server: structure, headers, Unicode, IDN, RFC 2231 names, and the
header-injection checks."""

import re
import time
from datetime import UTC, datetime

import pytest

from kolba import Kolba
from kolba_mail import Attachment, BadHeaderError, Mail, Message, MessageError


def parse(message, **kwargs):
    return message.envelope(**kwargs).parsed()


def make(**kwargs):
    kwargs.setdefault("sender", "shop@example.com")
    kwargs.setdefault("recipients", ["ann@example.com"])
    return Message(kwargs.pop("subject", "Hello"), **kwargs)


def test_plain_text_message():
    msg = parse(make(body="Hi Ann"))
    assert msg.get_content_type() == "text/plain"
    assert msg.get_content() == "Hi Ann\n"
    assert msg["Subject"] == "Hello"
    assert msg["From"] == "shop@example.com"
    assert msg["To"] == "ann@example.com"
    assert msg["MIME-Version"] == "1.0"


def test_every_message_has_message_id_and_date():
    message = make(body="x")
    msg = parse(message)
    assert re.fullmatch(r"<[^@<>]+@example\.com>", msg["Message-ID"])
    assert msg["Message-ID"] == message.msgId
    assert abs(msg["Date"].datetime.timestamp() - time.time()) < 5
    assert message.date is not None


def test_message_ids_are_unique():
    assert make().msgId != make().msgId


def test_date_may_be_a_timestamp_or_datetime():
    stamp = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    assert parse(make(date=stamp.timestamp()))["Date"].datetime == stamp
    assert parse(make(date=stamp))["Date"].datetime == stamp


def test_html_and_body_make_multipart_alternative():
    msg = parse(make(body="plain words", html="<p>html words</p>"))
    assert msg.get_content_type() == "multipart/alternative"
    plain, html = msg.iter_parts()
    assert plain.get_content_type() == "text/plain"
    assert html.get_content_type() == "text/html"
    assert html.get_content() == "<p>html words</p>\n"


def test_html_only_message():
    msg = parse(make(html="<b>only html</b>"))
    assert msg.get_content_type() == "text/html"


def test_html_property_maps_to_alts():
    message = make(body="b")
    message.html = "<i>x</i>"
    assert message.alts == {"html": "<i>x</i>"}
    message.html = None
    assert message.alts == {}


def test_attachments_make_multipart_mixed():
    message = make(body="see attached", html="<p>see attached</p>")
    message.attach("report.csv", "text/csv", "a,b\n1,2\n")
    message.attach("logo.png", "image/png", b"\x89PNG\r\n", "inline", {"Content-ID": "<logo>"})
    msg = parse(message)
    assert msg.get_content_type() == "multipart/mixed"
    body, csv, png = msg.iter_parts()
    assert body.get_content_type() == "multipart/alternative"
    assert csv.get_filename() == "report.csv"
    assert csv.get_content() == "a,b\n1,2\n"
    assert png.get_content_disposition() == "inline"
    assert png["Content-ID"] == "<logo>"
    assert png.get_content() == b"\x89PNG\r\n"


def test_attachment_content_type_is_guessed_from_the_file_name():
    assert Attachment("a.pdf", data=b"%PDF").content_type == "application/pdf"
    assert Attachment("noext", data=b"?").content_type == "application/octet-stream"


def test_unicode_subject_and_display_names():
    message = make(
        subject="Grüße aus Köln ✓",
        sender=("Jörg Müller", "jm@example.com"),
        recipients=["Zoë <zoe@example.com>"],
        body="Größe: 42",
    )
    sent = message.envelope()
    assert sent.data.isascii()
    msg = sent.parsed()
    assert msg["Subject"] == "Grüße aus Köln ✓"
    assert msg["From"].addresses[0].display_name == "Jörg Müller"
    assert msg["To"].addresses[0].display_name == "Zoë"
    assert msg.get_content() == "Größe: 42\n"


def test_display_name_with_specials_is_quoted():
    msg = parse(make(sender=("Shop, Inc.", "shop@example.com")))
    assert msg["From"] == '"Shop, Inc." <shop@example.com>'
    assert msg["From"].addresses[0].display_name == "Shop, Inc."


def test_idn_domains_are_sent_in_ascii():
    envelope = make(recipients=["Ann <ann@bücher.example>"], sender="info@münchen.example")
    sent = envelope.envelope()
    assert sent.recipients == ["ann@xn--bcher-kva.example"]
    assert sent.sender == "info@xn--mnchen-3ya.example"
    assert "ann@xn--bcher-kva.example" in sent.parsed()["To"]


def test_non_ascii_local_part_uses_smtputf8():
    sent = make(recipients=["jürgen@example.com"]).envelope()
    assert sent.mail_options == ["SMTPUTF8"]
    assert sent.recipients == ["jürgen@example.com"]


def test_attachment_file_names_use_rfc2231():
    message = make(body="x")
    message.attach("Résumé – 2024.pdf", "application/pdf", b"%PDF")
    raw = message.envelope().data.decode("ascii")
    assert "filename*=utf-8''R%C3%A9sum%C3%A9%20%E2%80%93%202024.pdf" in raw
    part = list(parse(message).iter_attachments())[0]
    assert part.get_filename() == "Résumé – 2024.pdf"


def test_ascii_attachments_drops_accents():
    message = make(body="x")
    message.attach("Résumé  ünïcode.pdf", "application/pdf", b"%PDF")
    part = list(parse(message, ascii_attachments=True).iter_attachments())[0]
    assert part.get_filename() == "Resume unicode.pdf"


def test_bcc_goes_in_the_envelope_not_the_headers():
    sent = make(cc=["cc@example.com"], bcc=["secret@example.com"]).envelope()
    assert sent.recipients == ["ann@example.com", "cc@example.com", "secret@example.com"]
    assert b"secret@example.com" not in sent.data
    assert sent.parsed()["Cc"] == "cc@example.com"


def test_duplicate_recipients_are_sent_once():
    message = make(recipients=["ann@example.com", "Ann <ann@example.com>"], cc=["ann@example.com"])
    sent = message.envelope()
    assert sent.recipients == ["ann@example.com"]
    assert sent.parsed()["To"] == "ann@example.com"


def test_reply_to_and_extra_headers():
    message = make(reply_to="help@example.com", extra_headers={"X-Campaign": "spring"})
    message.extra_headers["Message-ID"] = "<fixed@example.com>"
    msg = parse(message)
    assert msg["Reply-To"] == "help@example.com"
    assert msg["X-Campaign"] == "spring"
    assert msg.get_all("Message-ID") == ["<fixed@example.com>"]


def test_add_recipient_and_send_to():
    message = make(cc=["c@example.com"], bcc=["b@example.com"])
    message.add_recipient(("Bob", "bob@example.com"))
    assert message.recipients == ["ann@example.com", ("Bob", "bob@example.com")]
    assert message.send_to == {
        "ann@example.com",
        ("Bob", "bob@example.com"),
        "c@example.com",
        "b@example.com",
    }


def test_charset_applies_to_text_parts():
    msg = parse(make(body="café", charset="iso-8859-1"))
    assert msg.get_content_charset() == "iso-8859-1"
    assert msg.get_content() == "café\n"


def test_as_string_and_bytes_are_the_same_rendering():
    # A fixed date: with none, each rendering stamps the time it is made.
    message = make(body="text", date=datetime(2024, 5, 17, 9, 30, tzinfo=UTC))
    data = bytes(message)
    assert data == message.as_bytes()
    assert data.startswith(b"Subject: Hello\r\n")
    assert b"\r\nDate: Fri, 17 May 2024 09:30:00 +0000\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n"), "every line ends with CRLF"
    assert str(message) == message.as_string() == data.decode("utf-8")


def test_default_sender_comes_from_the_app():
    app = Kolba(__name__)
    app.config["MAIL_DEFAULT_SENDER"] = ("Shop", "shop@example.com")
    Mail(app)
    with app.app_context():
        assert Message("Hi", recipients=["a@example.com"]).sender == ("Shop", "shop@example.com")


def test_envelope_from_replaces_the_sender_in_mail_from():
    sent = make().envelope(envelope_from="bounces@example.com")
    assert sent.sender == "bounces@example.com"
    assert sent.parsed()["From"] == "shop@example.com"


def test_message_without_recipients_is_refused():
    with pytest.raises(MessageError, match="no recipients"):
        make(recipients=[]).envelope()


def test_message_without_sender_is_refused():
    with pytest.raises(MessageError, match="no sender.*MAIL_DEFAULT_SENDER"):
        Message("Hi", recipients=["a@example.com"]).envelope()


@pytest.mark.parametrize(
    "address", ["not an address", "a@example.com, b@example.com", "@example.com", "user@"]
)
def test_malformed_addresses_are_refused(address):
    with pytest.raises(MessageError, match="recipients"):
        make(recipients=[address]).envelope()


def test_invalid_idn_domain_is_refused():
    with pytest.raises(MessageError, match="domain"):
        make(recipients=["a@" + "ü" * 70 + ".example"]).envelope()


def test_bad_attachment_type_is_refused():
    message = make()
    message.attach("x", "not-a-type", b"")
    with pytest.raises(MessageError, match="MIME type"):
        message.envelope()


INJECTIONS = ["evil\r\nBcc: victim@example.com", "evil\nBcc: victim@example.com", "evil\rX: y"]


@pytest.mark.parametrize("text", INJECTIONS)
@pytest.mark.parametrize(
    "field",
    ["subject", "sender", "sender name", "to", "to name", "cc", "bcc", "reply_to"],
)
def test_line_breaks_in_headers_raise_bad_header_error(field, text):
    kwargs = {"subject": "Hi", "sender": "shop@example.com", "recipients": ["ann@example.com"]}
    address = f"a@example.com{text}"
    if field == "subject":
        kwargs["subject"] = text
    elif field == "sender":
        kwargs["sender"] = address
    elif field == "sender name":
        kwargs["sender"] = (text, "shop@example.com")
    elif field == "to":
        kwargs["recipients"] = [address]
    elif field == "to name":
        kwargs["recipients"] = [(text, "ann@example.com")]
    else:
        kwargs[field] = [address] if field in ("cc", "bcc") else address
    message = Message(**kwargs)
    assert message.has_bad_headers()
    with pytest.raises(BadHeaderError):
        message.envelope()
    with pytest.raises(BadHeaderError):
        message.as_bytes()


@pytest.mark.parametrize("text", INJECTIONS)
def test_line_breaks_in_extra_headers_raise(text):
    with pytest.raises(BadHeaderError):
        make(extra_headers={"X-Note": text}).envelope()
    with pytest.raises(BadHeaderError):
        make(extra_headers={f"X-{text}": "v"}).envelope()


@pytest.mark.parametrize("text", INJECTIONS)
def test_line_breaks_in_attachment_headers_raise(text):
    message = make()
    message.attach(f"a{text}.txt", "text/plain", "x")
    with pytest.raises(BadHeaderError):
        message.envelope()
    message = make()
    message.attach("a.txt", "text/plain", "x", headers={"Content-ID": text})
    with pytest.raises(BadHeaderError):
        message.envelope()


def test_line_breaks_in_the_default_sender_raise():
    with pytest.raises(BadHeaderError):
        Message("Hi", recipients=["a@example.com"]).envelope(
            default_sender="a@example.com\r\nBcc: x@example.com"
        )


def test_clean_message_has_no_bad_headers():
    assert not make(body="x\r\nmulti-line bodies are fine").has_bad_headers()


@pytest.mark.parametrize("text", ["Hi\x00there", "\x00"])
@pytest.mark.parametrize("field", ["subject", "to", "to name", "extra header", "attachment"])
def test_nul_in_headers_raises_bad_header_error(field, text):
    message = make()
    if field == "subject":
        message.subject = text
    elif field == "to":
        message.recipients = [f"ann@example.com{text}"]
    elif field == "to name":
        message.recipients = [(text, "ann@example.com")]
    elif field == "extra header":
        message.extra_headers = {"X-Note": text}
    else:
        message.attach(f"{text}.txt", "text/plain", "x")
    assert message.has_bad_headers()
    with pytest.raises(BadHeaderError, match="NUL"):
        message.envelope()


@pytest.mark.parametrize("subtype", INJECTIONS)
def test_line_breaks_in_an_alts_subtype_raise_bad_header_error(subtype):
    message = make(body="text", alts={subtype: "<p>hi</p>"})
    assert message.has_bad_headers()
    with pytest.raises(BadHeaderError, match="alts subtype"):
        message.envelope()


@pytest.mark.parametrize("subtype", ["", "html; charset=x", "text/html"])
def test_an_alts_subtype_that_is_not_a_mime_subtype_is_refused(subtype):
    with pytest.raises(MessageError, match="not a MIME subtype"):
        make(body="text", alts={subtype: "<p>hi</p>"}).envelope()


def test_alts_text_must_be_a_string():
    with pytest.raises(MessageError, match="alts"):
        make(alts={"enriched": b"<bold>hi</bold>"}).envelope()


@pytest.mark.parametrize("field", ["recipients", "cc", "bcc"])
def test_one_address_as_a_string_instead_of_a_list_is_a_clear_error(field):
    with pytest.raises(MessageError, match=rf"{field} must be a list.*\['a@example.com'\]"):
        make(**{field: "a@example.com"})
    message = make()
    setattr(message, field, "a@example.com")
    with pytest.raises(MessageError, match=f"{field} must be a list"):
        message.envelope()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("recipients", [("Ann", None)]),
        ("recipients", [None]),
        ("cc", [("Ann", "ann@example.com", "extra")]),
        ("bcc", [42]),
        ("reply_to", ("Help", b"help@example.com")),
        ("sender", ("Shop", None)),
    ],
)
def test_an_address_that_is_not_text_is_a_message_error_naming_the_field(field, value):
    message = make(**{field: value})
    with pytest.raises(MessageError, match=field):
        message.envelope()
    with pytest.raises(MessageError, match=field):
        message.as_bytes()


def test_subject_none_means_no_subject_and_other_types_are_refused():
    assert "Subject" not in parse(make(subject=None, body="x"))
    with pytest.raises(MessageError, match="subject"):
        make(subject=b"Hi").envelope()
