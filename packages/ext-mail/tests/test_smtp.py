"""Sending to a real aiosmtpd server: plain, STARTTLS, implicit TLS, AUTH, bulk connections, and
what the server received, parsed back."""

import pytest
from conftest import PASSWORD, USER

from kolba_mail import Mail, MailAuthenticationError, Message, RecipientsRefusedError


def test_send_plain_message(smtp_app, smtp_server):
    mail = Mail()
    with smtp_app.app_context():
        mail.send(Message("Hello", recipients=["ann@example.com"], body="Hi Ann"))
    (got,) = smtp_server.received
    assert got.mail_from == "shop@example.com"
    assert got.rcpt_tos == ["ann@example.com"]
    assert not got.tls
    msg = got.message
    assert msg["Subject"] == "Hello"
    assert msg["From"] == "shop@example.com"
    assert msg.get_content() == "Hi Ann\n"
    assert msg["Message-ID"] and msg["Date"]


def test_multipart_alternative_with_attachments_arrives_intact(smtp_app, smtp_server):
    message = Message(
        "Your invoice ✓",
        sender=("Bücher GmbH", "billing@bücher.example"),
        recipients=[("Zoë", "zoe@example.com")],
        cc=["cc@example.com"],
        bcc=["audit@example.com"],
        body="Invoice attached.",
        html="<p>Invoice <b>attached</b>.</p>",
    )
    pdf = bytes(range(256)) * 40
    message.attach("Rechnung März.pdf", "application/pdf", pdf)
    message.attach("notes.txt", "text/plain", "naïve notes\n")
    with smtp_app.app_context():
        Mail().send(message)
    (got,) = smtp_server.received
    assert got.mail_from == "billing@xn--bcher-kva.example"
    assert got.rcpt_tos == ["zoe@example.com", "cc@example.com", "audit@example.com"]
    msg = got.message
    assert msg["Subject"] == "Your invoice ✓"
    assert msg["From"].addresses[0].display_name == "Bücher GmbH"
    assert "audit@example.com" not in got.data.decode()
    assert msg.get_content_type() == "multipart/mixed"
    alternative, pdf_part, text_part = msg.iter_parts()
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    assert alternative.get_body(("html",)).get_content() == "<p>Invoice <b>attached</b>.</p>\n"
    assert pdf_part.get_filename() == "Rechnung März.pdf"
    assert pdf_part.get_content() == pdf
    assert text_part.get_content() == "naïve notes\n"


def test_send_message_shortcut(smtp_app, smtp_server):
    mail = smtp_app.extensions["mail"]
    mail.send_message("Short", recipients=["b@example.com"], body="cut")
    assert smtp_server.received[0].message["Subject"] == "Short"


def test_starttls(make_app, start_smtp, server_tls, client_tls):
    server = start_smtp(tls_context=server_tls)
    app = make_app(
        MAIL_SERVER=server.host,
        MAIL_PORT=server.port,
        MAIL_USE_TLS=True,
        MAIL_SSL_CONTEXT=client_tls,
    )
    app.extensions["mail"].send_message("Secret", recipients=["a@example.com"], body="tls")
    (got,) = server.received
    assert got.tls
    assert got.message["Subject"] == "Secret"


def test_implicit_tls(make_app, start_smtp, server_tls, client_tls):
    server = start_smtp(implicit_tls=server_tls)
    app = make_app(
        MAIL_SERVER=server.host,
        MAIL_PORT=server.port,
        MAIL_USE_SSL=True,
        MAIL_SSL_CONTEXT=client_tls,
    )
    app.extensions["mail"].send_message("Sealed", recipients=["a@example.com"], body="ssl")
    assert server.received[0].message["Subject"] == "Sealed"


def test_auth_over_starttls(make_app, start_smtp, server_tls, client_tls):
    server = start_smtp(tls_context=server_tls, auth=True)
    app = make_app(
        MAIL_SERVER=server.host,
        MAIL_PORT=server.port,
        MAIL_USE_TLS=True,
        MAIL_SSL_CONTEXT=client_tls,
        MAIL_USERNAME=USER,
        MAIL_PASSWORD=PASSWORD,
    )
    app.extensions["mail"].send_message("Authed", recipients=["a@example.com"], body="x")
    (got,) = server.received
    assert got.authenticated and got.tls


def test_auth_on_plain_connection(make_app, start_smtp):
    server = start_smtp(auth=True)
    app = make_app(
        MAIL_SERVER=server.host, MAIL_PORT=server.port, MAIL_USERNAME=USER, MAIL_PASSWORD=PASSWORD
    )
    app.extensions["mail"].send_message("Authed", recipients=["a@example.com"], body="x")
    assert server.received[0].authenticated


def test_auth_refused_is_a_clear_error(make_app, start_smtp):
    server = start_smtp(auth=True)
    app = make_app(
        MAIL_SERVER=server.host, MAIL_PORT=server.port, MAIL_USERNAME=USER, MAIL_PASSWORD="wrong"
    )
    with pytest.raises(MailAuthenticationError) as info:
        app.extensions["mail"].send_message("x", recipients=["a@example.com"], body="x")
    text = str(info.value)
    assert f"refused the login of '{USER}'" in text
    assert "535" in text
    assert "MAIL_USERNAME and MAIL_PASSWORD" in text
    assert "wrong" not in text
    assert info.value.smtp_code == 535
    assert server.received == []


def test_bulk_sending_reuses_one_connection(smtp_app, smtp_server):
    mail = Mail()
    with smtp_app.app_context(), mail.connect() as conn:
        for n in range(3):
            conn.send(Message(f"Bulk {n}", recipients=[f"u{n}@example.com"], body="x"))
    assert [r.message["Subject"] for r in smtp_server.received] == ["Bulk 0", "Bulk 1", "Bulk 2"]
    assert len({r.peer for r in smtp_server.received}) == 1


def test_bulk_sending_reconnects_every_max_emails(make_app, smtp_server):
    app = make_app(MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port, MAIL_MAX_EMAILS=2)
    with app.app_context(), Mail().connect() as conn:
        for n in range(5):
            conn.send_message(f"Bulk {n}", recipients=["u@example.com"], body="x")
    peers = [r.peer for r in smtp_server.received]
    assert len(peers) == 5
    assert peers[0] == peers[1] != peers[2] == peers[3] != peers[4]


def test_connection_opens_at_the_first_message(smtp_app, smtp_server):
    with smtp_app.app_context(), Mail().connect() as conn:
        assert conn.host is None
        conn.send_message("x", recipients=["a@example.com"], body="x")
        assert conn.host is not None
    assert conn.host is None


def test_some_recipients_refused_are_reported(smtp_app, smtp_server, caplog):
    message = Message("Hi", recipients=["ann@example.com", "nobody@example.com"], body="x")
    with smtp_app.app_context():
        refused = Mail().send(message)
    assert list(refused) == ["nobody@example.com"]
    assert refused["nobody@example.com"][0] == 550
    assert smtp_server.received[0].rcpt_tos == ["ann@example.com"]
    assert "nobody@example.com: 550 5.1.1 No such user here" in caplog.text


def test_all_recipients_refused_raises(smtp_app, smtp_server):
    message = Message("Hi", recipients=["nobody@example.com", "nobody2@example.com"], body="x")
    with smtp_app.app_context(), pytest.raises(RecipientsRefusedError) as info:
        Mail().send(message)
    assert set(info.value.recipients) == {"nobody@example.com", "nobody2@example.com"}
    assert "refused every recipient: nobody@example.com: 550" in str(info.value)
    assert smtp_server.received == []


def test_smtputf8_local_part(smtp_app, smtp_server):
    smtp_app.extensions["mail"].send_message("Hi", recipients=["jürgen@example.com"], body="x")
    (got,) = smtp_server.received
    assert got.rcpt_tos == ["jürgen@example.com"]
    assert "SMTPUTF8" in got.mail_options
    assert got.message["To"] == "jürgen@example.com"


def test_envelope_from_and_esmtp_options(smtp_app, smtp_server):
    message = Message("Hi", recipients=["a@example.com"], body="x", mail_options=["BODY=8BITMIME"])
    with smtp_app.app_context(), Mail().connect() as conn:
        conn.send(message, envelope_from="bounce@example.com")
    (got,) = smtp_server.received
    assert got.mail_from == "bounce@example.com"
    assert "BODY=8BITMIME" in got.mail_options
    assert got.message["From"] == "shop@example.com"
