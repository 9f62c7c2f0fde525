"""The console, file and memory transports, and background sending on a worker thread: flush,
failures, and nothing lost at interpreter exit."""

import logging
import os
import subprocess
import sys
import textwrap
import threading

import pytest

from kolba import current_app
from kolba_mail import (
    BackgroundSendError,
    BadHeaderError,
    Mail,
    MailConnectionError,
    Message,
    email_dispatched,
)


def rich_message():
    message = Message(
        "Grüße",
        sender=("Shop", "shop@example.com"),
        recipients=["ann@example.com"],
        bcc=["audit@example.com"],
        body="Hallo Zoë",
        html="<p>Hallo Zoë</p>",
    )
    message.attach("Preise.csv", "text/csv", "a;b\n")
    return message


def test_console_transport_prints_a_readable_message(make_app, capsys):
    app = make_app(MAIL_TRANSPORT="console")
    app.extensions["mail"].send(rich_message())
    out = capsys.readouterr().out
    assert "Envelope-To: ann@example.com, audit@example.com" in out
    assert "Subject: Grüße" in out
    assert "From: Shop <shop@example.com>" in out
    assert "[text/plain]\nHallo Zoë" in out
    assert "[text/html]\n<p>Hallo Zoë</p>" in out
    assert "[attachment 'Preise.csv', text/csv, 4 bytes]" in out


def test_file_transport_writes_eml_files(make_app, tmp_path):
    app = make_app(MAIL_TRANSPORT="file", MAIL_FILE_PATH=str(tmp_path / "out"))
    state = app.extensions["mail"]
    state.send(rich_message())
    state.send_message("Second", recipients=["bob@example.com"], body="2")
    first, second = sorted((tmp_path / "out").glob("*.eml"))
    data = first.read_bytes()
    assert data.startswith(b"Return-Path: <shop@example.com>\r\n")
    assert b"X-Envelope-To: ann@example.com, audit@example.com\r\n" in data
    assert b"Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=" in data
    assert b"Subject: Second" in second.read_bytes()
    assert not list((tmp_path / "out").glob("*.part"))


def test_file_transport_defaults_to_the_instance_folder(make_app, tmp_path):
    app = make_app(MAIL_TRANSPORT="file")
    app.extensions["mail"].send(rich_message())
    assert len(list((tmp_path / "instance" / "mail").glob("*.eml"))) == 1


def test_memory_transport_keeps_envelopes(make_app):
    app = make_app(MAIL_TRANSPORT="memory")
    state = app.extensions["mail"]
    message = rich_message()
    state.send(message)
    (sent,) = state.outbox
    assert sent.message is message
    assert sent.recipients == ["ann@example.com", "audit@example.com"]
    assert sent.parsed()["Subject"] == "Grüße"


def test_suppressed_sending_uses_no_transport(make_app):
    app = make_app(MAIL_TRANSPORT="memory", TESTING=True)
    with Mail().record_messages() as outbox:
        app.extensions["mail"].send(rich_message())
    assert len(outbox) == 1
    assert app.extensions["mail"].outbox == []


def test_background_sending_delivers_on_flush(make_app, smtp_server):
    app = make_app(MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port, MAIL_BACKGROUND=True)
    mail = Mail(app)
    for n in range(3):
        assert mail.send(Message(f"Queued {n}", recipients=["a@example.com"], body="x")) == {}
    mail.flush(timeout=10)
    assert [r.message["Subject"] for r in smtp_server.received] == [
        "Queued 0",
        "Queued 1",
        "Queued 2",
    ]
    mail.flush()


def test_background_signal_runs_in_an_app_context(make_app):
    app = make_app(MAIL_TRANSPORT="memory", MAIL_BACKGROUND=True)
    seen = []

    def receiver(message, app):
        seen.append((current_app.name, threading.current_thread().name))

    email_dispatched.connect(receiver)
    try:
        app.extensions["mail"].send(rich_message())
        app.extensions["mail"].flush(timeout=10)
    finally:
        email_dispatched.disconnect(receiver)
    assert seen == [(app.name, f"kolba-mail ({app.name})")]


def test_background_checks_headers_at_once(make_app, silent_server):
    app = make_app(MAIL_PORT=silent_server.port, MAIL_BACKGROUND=True)
    with pytest.raises(BadHeaderError):
        app.extensions["mail"].send(Message("a\r\nb", recipients=["a@example.com"]))
    app.extensions["mail"].flush(timeout=1)
    assert silent_server.accepted == 0


def test_background_failures_are_logged_and_raised_by_flush(make_app, caplog):
    from conftest import free_port

    app = make_app(MAIL_PORT=free_port(), MAIL_BACKGROUND=True)
    state = app.extensions["mail"]
    with caplog.at_level(logging.ERROR, logger="kolba_mail"):
        state.send(Message("Lost?", recipients=["a@example.com"], body="x"))
        with pytest.raises(BackgroundSendError) as info:
            state.flush(timeout=10)
    ((message, error),) = info.value.failures
    assert message.subject == "Lost?"
    assert isinstance(error, MailConnectionError)
    assert "'Lost?'" in str(info.value)
    assert "Could not send 'Lost?' to a@example.com" in caplog.text
    state.flush(timeout=1)  # reported once


def test_flush_timeout(make_app, silent_server):
    app = make_app(MAIL_PORT=silent_server.port, MAIL_BACKGROUND=True, MAIL_TIMEOUT=0.5)
    state = app.extensions["mail"]
    state.send(Message("Slow", recipients=["a@example.com"], body="x"))
    with pytest.raises(TimeoutError, match="1 message"):
        state.flush(timeout=0.05)
    with pytest.raises(BackgroundSendError):
        state.flush(timeout=10)


def test_init_app_again_sends_what_was_queued(make_app, smtp_server):
    app = make_app(MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port, MAIL_BACKGROUND=True)
    app.extensions["mail"].send(Message("Before", recipients=["a@example.com"], body="x"))
    Mail(app)
    assert [r.message["Subject"] for r in smtp_server.received] == ["Before"]


def test_nothing_queued_is_lost_at_exit(smtp_server):
    script = textwrap.dedent(
        f"""
        from kolba import Kolba
        from kolba_mail import Mail, Message

        app = Kolba("exiting")
        app.config.update(
            MAIL_SERVER="127.0.0.1", MAIL_PORT={smtp_server.port}, MAIL_BACKGROUND=True,
            MAIL_DEFAULT_SENDER="shop@example.com", MAIL_TIMEOUT=5,
        )
        mail = Mail(app)
        for n in range(5):
            mail.send(Message(f"Exit {{n}}", recipients=["a@example.com"], body="x"))
        """
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run([sys.executable, "-c", script], check=True, timeout=30, env=env)
    assert sorted(r.message["Subject"] for r in smtp_server.received) == [
        f"Exit {n}" for n in range(5)
    ]


def test_console_transport_lists_inline_images(make_app, capsys):
    app = make_app(MAIL_TRANSPORT="console")
    message = Message("Logo", recipients=["ann@example.com"], html='<img src="cid:logo">')
    message.attach(None, "image/png", b"\x89PNG", "inline", {"Content-ID": "<logo>"})
    app.extensions["mail"].send(message)
    out = capsys.readouterr().out
    assert "[attachment None, image/png, 4 bytes]" in out
    assert "b'" not in out
