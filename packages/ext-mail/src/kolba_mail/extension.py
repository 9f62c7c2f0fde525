"""``Mail``, the extension object, and ``MailState``, the per-app state it keeps in
``app.extensions["mail"]``: the config keys, sending, recording and the health check."""

from __future__ import annotations

import logging
import os
import ssl
import threading
import typing as t
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.exceptions import ServiceUnavailable

import kolba
from kolba import (
    ConfigError,
    ConfigKey,
    HealthCheck,
    has_app_context,
    has_request_context,
    request,
)

from .background import BackgroundSender
from .connection import Connection
from .errors import MailConnectionError, MessageError
from .message import AddressLike, Envelope, Message, parse_address
from .signals import email_dispatched
from .transports import Refused

if t.TYPE_CHECKING:
    from kolba import Kolba

TRANSPORTS = ("smtp", "console", "file", "memory")

logger = logging.getLogger("kolba_mail")

#: The description of the 503 a request gets when the mail server cannot be reached.
UNAVAILABLE = (
    "Email cannot be sent right now because the mail server is not reachable. Please try"
    " again in a few minutes."
)


def _check_port(value: int) -> None:
    if not 0 < value < 65536:
        raise ValueError(
            f"{value} is not a port; use 25, 465 (MAIL_USE_SSL) or 587 (MAIL_USE_TLS)."
        )


def _check_positive(value: float) -> None:
    if value <= 0:
        raise ValueError(f"must be greater than 0, got {value!r}.")


def _check_sender(value: str | tuple[str, str] | list[str]) -> None:
    try:
        parse_address(tuple(value) if isinstance(value, list) else value, "address")  # type: ignore[arg-type]
    except MessageError as e:
        raise ValueError(
            f"{e} Use 'noreply@example.com' or ('Example', 'noreply@example.com')."
        ) from None


CONFIG_KEYS: tuple[ConfigKey, ...] = (
    ConfigKey("MAIL_SERVER", str, "127.0.0.1", "Host name or IP address of the SMTP server."),
    ConfigKey("MAIL_PORT", int, 25, "Port of the SMTP server.", check=_check_port),
    ConfigKey("MAIL_USE_TLS", bool, False, "Upgrade the connection with STARTTLS (port 587)."),
    ConfigKey("MAIL_USE_SSL", bool, False, "Connect with implicit TLS (port 465)."),
    ConfigKey(
        "MAIL_DEBUG", (bool, int), None, "smtplib's protocol trace on stderr; None follows DEBUG."
    ),
    ConfigKey("MAIL_USERNAME", str, None, "User name to log in with (AUTH)."),
    ConfigKey("MAIL_PASSWORD", str, None, "Password to log in with (AUTH).", secret=True),
    ConfigKey(
        "MAIL_DEFAULT_SENDER",
        (str, tuple, list),
        None,
        "From address of messages without a sender: an address or (name, address).",
        check=_check_sender,
    ),
    ConfigKey(
        "MAIL_MAX_EMAILS",
        int,
        None,
        "Reconnect after this many messages on one connection; None: never.",
        check=_check_positive,
    ),
    ConfigKey(
        "MAIL_SUPPRESS_SEND",
        bool,
        None,
        "Send nothing (email_dispatched still fires); None follows TESTING.",
    ),
    ConfigKey(
        "MAIL_ASCII_ATTACHMENTS", bool, False, "Make attachment file names ASCII (drop accents)."
    ),
    ConfigKey(
        "MAIL_TIMEOUT",
        (int, float),
        10,
        "Seconds any network operation with the mail server may take.",
        check=_check_positive,
    ),
    ConfigKey(
        "MAIL_TRANSPORT",
        str,
        "smtp",
        "Where messages go: smtp, console (stdout), file (MAIL_FILE_PATH), memory (outbox).",
        choices=TRANSPORTS,
    ),
    ConfigKey(
        "MAIL_FILE_PATH",
        str,
        None,
        "Folder of the file transport's .eml files; None: 'mail' in the instance folder.",
    ),
    ConfigKey(
        "MAIL_BACKGROUND",
        bool,
        False,
        "Send on a worker thread; mail.flush() waits for the queue, as does exit.",
    ),
    ConfigKey(
        "MAIL_SSL_CONTEXT",
        ssl.SSLContext,
        None,
        "ssl.SSLContext for TLS; None verifies the server against the system's CAs.",
    ),
)


class MailState(kolba.ExtensionState):
    """One app's mail settings and outbox, in ``app.extensions["mail"]``.

    It has Flask-Mail's state attributes (``server``, ``port``, ``username``, ``password``,
    ``use_tls``, ``use_ssl``, ``default_sender``, ``debug``, ``max_emails``, ``suppress``,
    ``ascii_attachments``) and its methods (``send``, ``send_message``, ``connect``,
    ``record_messages``), plus ``timeout``, ``transport``, ``file_path``, ``background``,
    ``outbox`` (memory transport) and ``flush``.
    """

    def __init__(self, app: Kolba) -> None:
        config = app.config
        self.app = app
        self.server: str = config["MAIL_SERVER"]
        self.port: int = config["MAIL_PORT"]
        self.use_tls: bool = config["MAIL_USE_TLS"]
        self.use_ssl: bool = config["MAIL_USE_SSL"]
        debug = config["MAIL_DEBUG"]
        self.debug = int(app.debug if debug is None else debug)
        self.username: str | None = config["MAIL_USERNAME"]
        self.password: str | None = config["MAIL_PASSWORD"]
        sender = config["MAIL_DEFAULT_SENDER"]
        self.default_sender: AddressLike | None = (
            tuple(sender) if isinstance(sender, list) else sender
        )
        self.max_emails: int | None = config["MAIL_MAX_EMAILS"]
        self.suppress_send: bool | None = config["MAIL_SUPPRESS_SEND"]
        self.ascii_attachments: bool = config["MAIL_ASCII_ATTACHMENTS"]
        self.timeout: float = config["MAIL_TIMEOUT"]
        self.transport: str = config["MAIL_TRANSPORT"]
        self.file_path: str = config["MAIL_FILE_PATH"] or os.path.join(app.instance_path, "mail")
        self.background: bool = config["MAIL_BACKGROUND"]
        self.ssl_context: ssl.SSLContext | None = config["MAIL_SSL_CONTEXT"]
        #: Messages the memory transport delivered, oldest first.
        self.outbox: list[Envelope] = []
        self._default_tls: ssl.SSLContext | None = None
        self._sender: BackgroundSender | None = None
        self._lock = threading.Lock()
        if self.use_tls and self.use_ssl:
            raise ConfigError(
                "MAIL_USE_TLS",
                "MAIL_USE_TLS (STARTTLS) and MAIL_USE_SSL (implicit TLS) are both set. Set only"
                " MAIL_USE_SSL for port 465, only MAIL_USE_TLS for port 587.",
            )

    def __repr__(self) -> str:
        return f"<MailState {self.transport} {self.server}:{self.port} app={self.app.name!r}>"

    @property
    def suppress(self) -> bool:
        """Whether sending is suppressed: ``MAIL_SUPPRESS_SEND``, or ``TESTING`` when that is
        ``None`` (read when sending, so a test may set ``TESTING`` after ``init_app``)."""
        return self.app.testing if self.suppress_send is None else self.suppress_send

    def tls_context(self) -> ssl.SSLContext:
        """``MAIL_SSL_CONTEXT``, or a default context that verifies the server."""
        if self.ssl_context is not None:
            return self.ssl_context
        if self._default_tls is None:
            self._default_tls = ssl.create_default_context()
        return self._default_tls

    def connect(self) -> Connection:
        """A :class:`Connection` for sending many messages over one session::

        with mail.connect() as conn:
            for user in users:
                conn.send(Message("Hi", recipients=[user.email], body="..."))
        """
        return Connection(self)

    def send(self, message: Message) -> Refused:
        """Send ``message``; return the recipients the server refused (the others got it).

        The message is checked and rendered first: :class:`~kolba_mail.BadHeaderError` and
        :class:`~kolba_mail.MessageError` come before any connection is made. With
        ``MAIL_BACKGROUND`` the message is queued and ``{}`` returned; see :meth:`flush`.
        """
        envelope = message.envelope(self.default_sender, self.ascii_attachments)
        if self.background and not self.suppress:
            self._background().submit(envelope)
            return {}
        with self.connect() as connection:
            return connection.deliver(envelope)

    def send_message(self, *args: t.Any, **kwargs: t.Any) -> Refused:
        """Send ``Message(*args, **kwargs)``."""
        return self.send(Message(*args, **kwargs))

    def flush(self, timeout: float | None = None) -> None:
        """Wait until the messages queued by background sending are sent; raise
        :class:`~kolba_mail.BackgroundSendError` for those that failed. Returns at once
        without background sending."""
        if self._sender is not None:
            self._sender.flush(timeout)

    def close(self) -> None:
        """Send what is queued and stop the background thread (also when a second
        ``Mail(app)`` replaces this state)."""
        if self._sender is not None:
            self._sender.close()

    @contextmanager
    def record_messages(self) -> Iterator[list[Message]]:
        """Collect the messages this app dispatches inside the ``with`` block."""
        with _recording(self.app) as outbox:
            yield outbox

    def check(self) -> None:
        """Connect, log in and send NOOP; raise :class:`~kolba_mail.DeliveryError` if the
        server is not usable. ``kolba doctor`` runs this."""
        with Connection(self) as connection:
            connection.check()

    def _background(self) -> BackgroundSender:
        with self._lock:
            if self._sender is None:
                self._sender = BackgroundSender(self)
            return self._sender


@contextmanager
def _recording(app: Kolba | None) -> Iterator[list[Message]]:
    """Collect the messages dispatched by ``app`` (by any app when ``None``)."""
    outbox: list[Message] = []
    wanted = app

    def record(message: Message, app: Kolba) -> None:
        if wanted is None or app is wanted:
            outbox.append(message)

    email_dispatched.connect(record)
    try:
        yield outbox
    finally:
        email_dispatched.disconnect(record)


class Mail(kolba.Extension[MailState]):
    """Send email with Flask-Mail's API over smtplib, with timeouts and header checks.

    ``Mail(app)`` or ``mail = Mail()`` then ``mail.init_app(app)``; the methods act on the
    current app (or the app given to the constructor, outside an app context). As in
    Flask-Mail, ``init_app`` may run again on an app (``allow_reinit``): it reads the
    ``MAIL_*`` config again, so ``Mail(app)`` may come before and after the config is set.
    """

    name = "mail"
    config_keys = CONFIG_KEYS
    distribution = "kolba-mail"
    allow_reinit = True

    def __init__(self, app: Kolba | None = None) -> None:
        #: The app given to the constructor, used outside an app context (as in Flask-Mail).
        self.app = app
        super().__init__(app)

    def create_state(self, app: Kolba, options: t.Mapping[str, t.Any]) -> MailState:
        """Read the ``MAIL_*`` config keys into ``app.extensions["mail"]``."""
        return MailState(app)

    def init_mail(
        self, config: t.Mapping[str, t.Any], debug: bool | int = False, testing: bool = False
    ) -> MailState:
        """Flask-Mail's way to build a state from a config mapping alone: a state for an app
        of its own holding ``config`` (``debug`` and ``testing`` as its DEBUG and TESTING),
        not registered anywhere."""
        app = kolba.Kolba("kolba_mail")
        app.config.update(DEBUG=bool(debug), TESTING=testing)
        app.config.update({k: v for k, v in config.items() if k.startswith("MAIL_")})
        kolba.plugins.apply_config(app, self.config_keys)
        return MailState(app)

    def state(self, app: Kolba | None = None) -> MailState:
        """The state of ``app``, else of the current app, else of the app given to the
        constructor; a clear error when there is none or it lacks ``init_app``."""
        if app is None and not has_app_context():
            if self.app is None:
                raise RuntimeError(
                    "No app: call mail methods inside an app context (a view, or"
                    " `with app.app_context():`), or create the extension with Mail(app)."
                )
            app = self.app
        state = super().state(app)
        if not isinstance(state, MailState):
            raise RuntimeError("app.extensions['mail'] does not hold kolba-mail's state.")
        return state

    def send(self, message: Message) -> Refused:
        """Send ``message`` with the current app's settings; see :meth:`MailState.send`."""
        return self.state().send(message)

    def send_message(self, *args: t.Any, **kwargs: t.Any) -> Refused:
        """Send ``Message(*args, **kwargs)``."""
        return self.state().send_message(*args, **kwargs)

    def connect(self) -> Connection:
        """A :class:`Connection` for sending many messages over one session."""
        return self.state().connect()

    def flush(self, timeout: float | None = None) -> None:
        """Wait for background sending; see :meth:`MailState.flush`."""
        self.state().flush(timeout)

    @contextmanager
    def record_messages(self) -> Iterator[list[Message]]:
        """Collect every message dispatched inside the ``with`` block, sent or suppressed::

        with mail.record_messages() as outbox:
            client.post("/signup", data={"email": "ann@example.com"})
        assert outbox[0].subject == "Welcome"
        """
        with _recording(None) as outbox:
            yield outbox

    def __getattr__(self, name: str) -> t.Any:
        # Flask-Mail forwards unknown attributes to the app's state: mail.server, ...
        if name.startswith("_") or name in ("app", "options"):
            raise AttributeError(name)
        try:
            state = self.state()
        except RuntimeError:
            raise AttributeError(name) from None
        return getattr(state, name)

    @kolba.hookimpl
    def kolba_handle_exception(self, app: Kolba, error: Exception) -> t.Any | None:
        """Turn a mail server that is down or does not answer (:class:`MailConnectionError`,
        :class:`MailTimeoutError`) into a 503 for the request, logged with the server's
        message. The app's own error handlers come first; the 503 goes through its handlers
        for ``ServiceUnavailable`` (503) as any ``abort(503)`` would. Other mail errors are
        left alone: a bad message or a refused login is a fault of the app, a 500.
        """
        if not isinstance(error, MailConnectionError) or not has_request_context():
            return None
        # The client sees a plain 503; the server and the cause go to the log only.
        path = repr(request.path)[1:-1]
        logger.error("Mail server unavailable on %s [%s]: %s", path, request.method, error)
        unavailable = ServiceUnavailable(description=UNAVAILABLE)
        unavailable.__cause__ = error
        return app.handle_http_exception(unavailable)

    @kolba.hookimpl
    def kolba_health_checks(self, app: Kolba) -> list[HealthCheck]:
        state = app.extensions.get(self.name)
        if not isinstance(state, MailState) or state.transport != "smtp" or state.suppress:
            return []
        name = f"mail: SMTP {state.server}:{state.port}"
        # Connect, TLS, login, NOOP and QUIT may each take up to MAIL_TIMEOUT.
        return [HealthCheck(name, state.check, timeout=state.timeout * 5)]
