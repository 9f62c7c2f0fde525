"""Real SMTP servers for the tests, on 127.0.0.1 at free ports: aiosmtpd (plain, STARTTLS,
implicit TLS, AUTH, refusing recipients) and raw sockets that accept and never answer.

With ``CI`` set, a server that cannot start fails the test; elsewhere it skips it.
"""

from __future__ import annotations

import dataclasses
import datetime
import email
import email.policy
import ipaddress
import socket
import ssl
import threading

import pytest

from kolba import Kolba
from kolba.pytest_plugin import free_port, service_unavailable
from kolba_mail import Mail

USER, PASSWORD = "ann", "s3cret"
REFUSED_PREFIX = "nobody"


@dataclasses.dataclass
class Received:
    """One message as the server received it."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    peer: tuple[str, int]
    mail_options: list[str]
    tls: bool
    authenticated: bool | None

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(
            self.data.replace(b"\r\n", b"\n"), policy=email.policy.default
        )


class Recorder:
    """aiosmtpd handler: keeps every message, refuses recipients named ``nobody...``."""

    def __init__(self) -> None:
        self.received: list[Received] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith(REFUSED_PREFIX):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                envelope.original_content,
                session.peer,
                list(envelope.mail_options),
                session.ssl is not None,
                session.authenticated,
            )
        )
        return "250 Message accepted for delivery"


@dataclasses.dataclass
class Server:
    host: str
    port: int
    recorder: Recorder

    @property
    def received(self) -> list[Received]:
        return self.recorder.received


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 and localhost, and its key, made here."""
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        service_unavailable("the 'cryptography' package is needed to make a test certificate")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kolba-mail test server")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@pytest.fixture(scope="session")
def server_tls(tls_files):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*tls_files)
    return context


@pytest.fixture(scope="session")
def client_tls(tls_files):
    """A client context that trusts the test certificate (for MAIL_SSL_CONTEXT)."""
    return ssl.create_default_context(cafile=str(tls_files[0]))


def _authenticator(server, session, envelope, mechanism, auth_data):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def start_smtp():
    """Start an aiosmtpd server: ``start_smtp(tls=None|"starttls"|"implicit", auth=False)``."""
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        service_unavailable("aiosmtpd is not installed (packages/ext-mail/tests/requirements.txt)")
    controllers = []

    def start(*, tls_context=None, implicit_tls=None, auth=False, **kwargs) -> Server:
        recorder = Recorder()
        options = dict(kwargs)
        if tls_context is not None:
            options.update(tls_context=tls_context, require_starttls=True)
        if auth:
            # AUTH is required only where TLS protects it; on a plain connection it is offered.
            secure = tls_context is not None or implicit_tls is not None
            options.update(authenticator=_authenticator, auth_required=secure)
            options.update(auth_require_tls=secure)
        port = free_port()
        controller = Controller(
            recorder, hostname="127.0.0.1", port=port, ssl_context=implicit_tls, **options
        )
        try:
            controller.start()
        except Exception as e:
            service_unavailable(f"could not start aiosmtpd on 127.0.0.1:{port}: {e!r}")
        controllers.append(controller)
        return Server("127.0.0.1", port, recorder)

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def smtp_server(start_smtp):
    return start_smtp()


class SilentServer:
    """Accepts connections and never answers. ``mode="greet"`` sends the 220 greeting and
    then never answers again; ``mode="close"`` closes each connection at once. ``accepted``
    counts connections."""

    def __init__(self, mode: str = "silent") -> None:
        self.mode = mode
        self.accepted = 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.sock.settimeout(0.05)
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            if self.mode == "close":
                conn.close()
                continue
            self.conns.append(conn)
            if self.mode == "greet":
                conn.sendall(b"220 stalls after this\r\n")

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()
        for conn in self.conns:
            conn.close()
        self.sock.close()


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.stop()


@pytest.fixture
def stalling_server():
    server = SilentServer("greet")
    yield server
    server.stop()


@pytest.fixture
def closing_server():
    server = SilentServer("close")
    yield server
    server.stop()


@pytest.fixture
def make_app(tmp_path):
    """``make_app(**config)``: a Kolba app with Mail initialised; ``MAIL_TIMEOUT`` is 2 s."""

    def make(**config) -> Kolba:
        app = Kolba("mail_test_app", instance_path=str(tmp_path / "instance"))
        app.config.update(MAIL_TIMEOUT=2, MAIL_DEFAULT_SENDER="shop@example.com")
        app.config.update(config)
        Mail(app)
        return app

    return make


@pytest.fixture
def smtp_app(make_app, smtp_server):
    """An app that sends to a plain aiosmtpd server."""
    return make_app(MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port)
