"""Audit of issue 7 against the code: the health check through the real ``kolba doctor`` (and that
it sends NOOP), ``kolba config`` masking, options and config keys that reach a real aiosmtpd
server, a server that stalls mid-message, the README table against the declared keys, and the
demo app served by ``kolba run`` with the console transport."""

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import Recorder, free_port

from kolba.conformance import find_kolba_command
from kolba.pytest_plugin import service_unavailable
from kolba_mail import (
    Attachment,
    Mail,
    MailTimeoutError,
    Message,
    MessageError,
    RecipientsRefusedError,
)
from kolba_mail.extension import CONFIG_KEYS

README = Path(__file__).parents[1] / "README.md"
DEMO = Path(__file__).parents[3] / "examples" / "demo" / "app.py"


def test_readme_config_table_lists_exactly_the_declared_keys():
    listed = re.findall(r"^\| `(MAIL_[A-Z_]+)` \|", README.read_text(encoding="utf-8"), re.M)
    assert len(listed) == len(set(listed)), "a key is listed twice"
    assert set(listed) == {key.name for key in CONFIG_KEYS}


# -- servers with handlers of our own -----------------------------------------------------------


class NoopCounter(Recorder):
    def __init__(self):
        super().__init__()
        self.noops = 0

    async def handle_NOOP(self, server, session, envelope, arg):
        self.noops += 1
        return "250 OK"


class StallsAfterData(Recorder):
    """Accepts the envelope and the message text, then never answers the final dot."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(10)
        return "250 too late"


@pytest.fixture
def start_handler():
    """``start_handler(handler)``: an aiosmtpd server on 127.0.0.1 with ``handler``; its port."""
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        service_unavailable("aiosmtpd is not installed (packages/ext-mail/tests/requirements.txt)")
    controllers = []

    def start(handler):
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        try:
            controller.start()
        except Exception as e:
            service_unavailable(f"could not start aiosmtpd on 127.0.0.1:{port}: {e!r}")
        controllers.append(controller)
        return port

    yield start
    for controller in controllers:
        controller.stop()


def test_health_check_sends_noop(make_app, start_handler):
    handler = NoopCounter()
    app = make_app(MAIL_PORT=start_handler(handler))
    (checks,) = app.plugins.hook.kolba_health_checks(app=app)
    (check,) = checks
    assert check.check() is None
    assert handler.noops == 1


def test_server_that_stalls_after_the_message_text_times_out(make_app, start_handler):
    app = make_app(MAIL_PORT=start_handler(StallsAfterData()), MAIL_TIMEOUT=0.5)
    started = time.monotonic()
    with pytest.raises(MailTimeoutError, match="sending the message"):
        app.extensions["mail"].send_message("Hi", recipients=["a@example.com"], body="x")
    assert time.monotonic() - started < 2.0


# -- options and config keys that reach the server ----------------------------------------------


def test_rcpt_options_are_sent_with_each_rcpt_command(smtp_app, smtp_server):
    # aiosmtpd implements no RCPT parameters: it answers 555 to any, which shows they were sent.
    message = Message("Hi", recipients=["a@example.com"], body="x", rcpt_options=["NOTIFY=NEVER"])
    with pytest.raises(RecipientsRefusedError) as info:
        smtp_app.extensions["mail"].send(message)
    assert info.value.recipients["a@example.com"][0] == 555
    assert smtp_server.received == []


def test_attachments_argument_ascii_config_and_default_sender_pair_reach_the_server(
    make_app, smtp_server
):
    app = make_app(
        MAIL_SERVER=smtp_server.host,
        MAIL_PORT=smtp_server.port,
        MAIL_ASCII_ATTACHMENTS=True,
        MAIL_DEFAULT_SENDER=("Bücher Shop", "shop@example.com"),
    )
    message = Message(
        "Files",
        recipients=["ann@example.com"],
        body="see attached",
        attachments=[Attachment("Résumé.pdf", "application/pdf", b"%PDF-1.4")],
    )
    with app.app_context():
        Mail().send(message)
    (got,) = smtp_server.received
    assert got.mail_from == "shop@example.com"
    assert got.message["From"].addresses[0].display_name == "Bücher Shop"
    (part,) = got.message.iter_attachments()
    assert part.get_filename() == "Resume.pdf"
    assert part.get_content() == b"%PDF-1.4"


def test_suppress_send_true_sends_nothing_but_records(make_app, smtp_server):
    app = make_app(
        MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port, MAIL_SUPPRESS_SEND=True
    )
    with Mail().record_messages() as outbox:
        app.extensions["mail"].send_message("Quiet", recipients=["a@example.com"], body="x")
    assert [m.subject for m in outbox] == ["Quiet"]
    assert smtp_server.received == []
    assert app.plugins.hook.kolba_health_checks(app=app) == [[]]


def test_address_pair_with_a_missing_address_is_a_message_error():
    message = Message("Hi", sender="shop@example.com", recipients=[("Ann", None)], body="x")
    with pytest.raises(MessageError, match="recipients"):
        message.envelope()


def test_mail_server_down_during_a_request_is_a_503(make_app):
    app = make_app(MAIL_PORT=free_port(), PROPAGATE_EXCEPTIONS=False)

    @app.post("/signup")
    def signup():
        Mail().send_message("Welcome", recipients=["a@example.com"], body="x")
        return "welcome"

    response = app.test_client().post("/signup")
    assert response.status_code == 503


# -- the real kolba command ---------------------------------------------------------------------

APP_MODULE = """\
from kolba import Kolba
from kolba_mail import Mail

app = Kolba(__name__)
app.config.update(
    MAIL_SERVER="127.0.0.1",
    MAIL_PORT={port},
    MAIL_TIMEOUT={timeout},
    MAIL_PASSWORD="hunter2-secret",
)
Mail(app)
"""


def kolba(tmp_path, *args, port, timeout=2):
    (tmp_path / "mailapp.py").write_text(
        APP_MODULE.format(port=port, timeout=timeout), encoding="utf-8"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("KOLBA_APP", "FLASK_APP")}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), *sys.path])
    return subprocess.run(
        [*find_kolba_command(), "--app", "mailapp", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )


def doctor_row(result, port):
    name = f"mail: SMTP 127.0.0.1:{port}"
    (row,) = [line for line in result.stdout.splitlines() if line.startswith(name)]
    return row


def test_kolba_doctor_passes_against_a_live_server(tmp_path, smtp_server):
    result = kolba(tmp_path, "doctor", port=smtp_server.port)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " OK " in doctor_row(result, smtp_server.port)
    assert "1 passed, 0 failed." in result.stdout


def test_kolba_doctor_fails_clearly_when_the_server_is_down(tmp_path):
    port = free_port()
    result = kolba(tmp_path, "doctor", port=port)
    assert result.returncode == 1
    row = doctor_row(result, port)
    assert "FAIL" in row
    assert "refused the connection" in row


def test_kolba_doctor_fails_promptly_when_the_server_never_answers(tmp_path, silent_server):
    started = time.monotonic()
    result = kolba(tmp_path, "doctor", port=silent_server.port, timeout=0.5)
    assert time.monotonic() - started < 20
    assert result.returncode == 1
    assert "did not answer within 0.5 s" in doctor_row(result, silent_server.port)


def test_kolba_config_lists_mail_keys_and_masks_the_password(tmp_path):
    result = kolba(tmp_path, "config", "--json", port=2525)
    assert result.returncode == 0, result.stderr
    assert "hunter2-secret" not in result.stdout
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert {key.name for key in CONFIG_KEYS} <= set(rows)
    assert rows["MAIL_PASSWORD"]["secret"] is True
    assert (rows["MAIL_PORT"]["value"], rows["MAIL_TIMEOUT"]["default"]) == (2525, 10)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_demo_served_by_kolba_run_prints_the_guestbook_mail_on_the_console(tmp_path):
    if not DEMO.is_file():
        service_unavailable(f"the demo app is not at {DEMO} (run the tests from a checkout)")
    # The demo uses every extension; the docs session, which installs them all, runs it.
    pytest.importorskip("kolba_sqlalchemy", reason="the demo needs all the extensions")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("KOLBA_APP", "FLASK_APP")}
    server = subprocess.Popen(
        [
            *find_kolba_command(),
            "--app",
            str(DEMO),
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.communicate()[0]
            try:
                with urllib.request.urlopen(base + "/", timeout=2) as response:
                    assert response.status == 200
                    break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "kolba run did not serve the demo in time"
                time.sleep(0.1)
        form = urllib.parse.urlencode({"name": "Ada", "message": "Served for real"}).encode()
        opener = urllib.request.build_opener(NoRedirects)
        with pytest.raises(urllib.error.HTTPError) as info:
            opener.open(base + "/guestbook", data=form, timeout=10)
        assert info.value.code == 302
    finally:
        server.send_signal(signal.SIGINT)
        try:
            output = server.communicate(timeout=10)[0]
        except subprocess.TimeoutExpired:
            server.kill()
            output = server.communicate()[0]
    assert "kolba-mail (console transport)" in output
    assert "Subject: New guestbook entry" in output
    assert "Ada wrote:" in output
