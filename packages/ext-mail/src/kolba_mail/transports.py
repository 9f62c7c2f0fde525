"""Where messages go, chosen by ``MAIL_TRANSPORT``: an SMTP server (``smtp``), standard output
(``console``), ``.eml`` files (``file``) or a list in memory (``memory``)."""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import ssl
import sys
import threading
import time
import typing as t
import uuid

from .errors import (
    DeliveryError,
    MailAuthenticationError,
    MailConnectionError,
    MailTimeoutError,
    RecipientsRefusedError,
)

if t.TYPE_CHECKING:
    from .extension import MailState
    from .message import Envelope

logger = logging.getLogger("kolba_mail")

#: What ``deliver`` returns: the recipients the server refused, with its ``(code, reply)``.
Refused = dict[str, tuple[int, bytes]]


class Transport(t.Protocol):
    """An open channel that delivers rendered messages."""

    def deliver(self, envelope: Envelope) -> Refused:
        """Deliver one message; return the recipients that were refused."""

    def close(self) -> None:
        """Release the channel; never raises."""


def open_transport(state: MailState) -> Transport:
    """Open the transport ``state.transport`` names."""
    if state.transport == "smtp":
        return SMTPTransport(state)
    if state.transport == "console":
        return ConsoleTransport()
    if state.transport == "file":
        return FileTransport(state.file_path)
    return MemoryTransport(state.outbox)


class SMTPTransport:
    """One SMTP session: connected, upgraded to TLS and logged in as configured.

    Every network operation waits at most ``MAIL_TIMEOUT`` seconds; failures raise a
    :class:`~kolba_mail.DeliveryError` that names the server and the config keys to check.
    """

    def __init__(self, state: MailState) -> None:
        self.state = state
        self.where = f"SMTP server {state.server}:{state.port}"
        self.host = self._connect()

    def _connect(self) -> smtplib.SMTP:
        state = self.state
        host: smtplib.SMTP | None = None
        step = "connecting"
        try:
            if state.use_ssl:
                host = smtplib.SMTP_SSL(
                    state.server, state.port, timeout=state.timeout, context=state.tls_context()
                )
            else:
                host = smtplib.SMTP(state.server, state.port, timeout=state.timeout)
            host.set_debuglevel(state.debug)
            if state.use_tls:
                step = "starting TLS (STARTTLS)"
                host.starttls(context=state.tls_context())
            if state.username and state.password:
                step = "logging in"
                host.login(state.username, state.password)
        except smtplib.SMTPAuthenticationError as e:
            _close(host)
            raise MailAuthenticationError(
                f"{self.where} refused the login of {state.username!r}:"
                f" {_reply(e.smtp_code, e.smtp_error)}. Check MAIL_USERNAME and MAIL_PASSWORD.",
                e.smtp_code,
                e.smtp_error,
            ) from e
        except smtplib.SMTPNotSupportedError as e:
            _close(host)
            hint = (
                "Set MAIL_USE_TLS = False, or MAIL_USE_SSL = True for a port with implicit TLS."
                if step.startswith("starting TLS")
                else "Some servers offer AUTH only after STARTTLS: set MAIL_USE_TLS = True."
            )
            raise MailConnectionError(f"{self.where} failed while {step}: {e} {hint}") from e
        except (smtplib.SMTPException, OSError) as e:
            _close(host)
            raise self.error(e, step) from e
        return host

    def error(self, e: BaseException, step: str) -> DeliveryError:
        """The clear exception for a failure of ``step``."""
        state = self.state
        # smtplib turns a timeout while reading a reply into SMTPServerDisconnected.
        if isinstance(e, TimeoutError) or isinstance(e.__context__, TimeoutError):
            return MailTimeoutError(
                f"{self.where} did not answer within {state.timeout:g} s (MAIL_TIMEOUT) while"
                f" {step}."
            )
        if isinstance(e, ConnectionRefusedError):
            return MailConnectionError(
                f"{self.where} refused the connection. Is it running, and are MAIL_SERVER and"
                " MAIL_PORT right?"
            )
        if isinstance(e, socket.gaierror):
            return MailConnectionError(
                f"Cannot resolve MAIL_SERVER {state.server!r}: {e.strerror or e}."
            )
        if isinstance(e, ssl.SSLError):
            return MailConnectionError(
                f"TLS with {self.where} failed while {step}: {e}. For a certificate your system"
                " does not trust, set MAIL_SSL_CONTEXT to an ssl.SSLContext that does; check"
                " MAIL_USE_SSL (implicit TLS) against MAIL_USE_TLS (STARTTLS)."
            )
        if isinstance(e, smtplib.SMTPServerDisconnected):
            return MailConnectionError(f"{self.where} closed the connection while {step}.")
        if isinstance(e, smtplib.SMTPResponseException):
            return DeliveryError(
                f"{self.where} refused {step}: {_reply(e.smtp_code, e.smtp_error)}"
            )
        if isinstance(e, OSError):
            return MailConnectionError(f"Could not talk to {self.where} while {step}: {e}")
        return DeliveryError(f"{self.where} failed while {step}: {e}")

    def deliver(self, envelope: Envelope) -> Refused:
        try:
            refused = self.host.sendmail(
                envelope.sender,
                envelope.recipients,
                envelope.data,
                envelope.mail_options,
                envelope.rcpt_options,
            )
        except smtplib.SMTPRecipientsRefused as e:
            listed = "; ".join(f"{a}: {_reply(*r)}" for a, r in e.recipients.items())
            raise RecipientsRefusedError(
                f"{self.where} refused every recipient: {listed}", dict(e.recipients)
            ) from e
        except smtplib.SMTPSenderRefused as e:
            raise DeliveryError(
                f"{self.where} refused the sender {e.sender!r}: {_reply(e.smtp_code, e.smtp_error)}"
            ) from e
        except (smtplib.SMTPException, OSError) as e:
            raise self.error(e, "sending the message") from e
        if refused:
            listed = "; ".join(f"{a}: {_reply(*r)}" for a, r in refused.items())
            logger.warning(
                "%s refused some recipients of %r (sent to the others): %s",
                self.where,
                envelope.message.subject,
                listed,
            )
        return refused

    def check(self) -> None:
        """Raise unless the server answers NOOP with 250."""
        try:
            code, reply = self.host.noop()
        except (smtplib.SMTPException, OSError) as e:
            raise self.error(e, "checking the connection (NOOP)") from e
        if code != 250:
            raise DeliveryError(f"{self.where} answered NOOP with {_reply(code, reply)}")

    def close(self) -> None:
        try:
            self.host.quit()
        except (smtplib.SMTPException, OSError):
            self.host.close()


class ConsoleTransport:
    """Writes each message to standard output, headers and text parts decoded: for
    development, when no mail server is at hand."""

    _lock = threading.Lock()

    def deliver(self, envelope: Envelope) -> Refused:
        parsed = envelope.parsed()
        lines = [
            "---------- kolba-mail (console transport) ----------",
            f"Envelope-From: {envelope.sender}",
            f"Envelope-To: {', '.join(envelope.recipients)}",
        ]
        lines += [f"{name}: {value}" for name, value in parsed.items() if name.lower() in _SHOWN]
        for part in parsed.walk():
            if part.is_multipart():
                continue
            content_type = part.get_content_type()
            filename = part.get_filename()
            shown_as_text = part.get_content_maintype() == "text" and filename is None
            if not shown_as_text or part.get_content_disposition() == "attachment":
                size = len(part.get_payload(decode=True) or b"")
                lines += ["", f"[attachment {filename!r}, {content_type}, {size} bytes]"]
            else:
                lines += ["", f"[{content_type}]", str(part.get_content()).rstrip("\n")]
        lines += ["---------- end of message ----------", ""]
        with self._lock:
            sys.stdout.write("\n".join(lines))
            sys.stdout.flush()
        return {}

    def close(self) -> None:
        pass


_SHOWN = {"from", "to", "cc", "reply-to", "subject", "date", "message-id"}


class FileTransport:
    """Writes each message to its own ``.eml`` file in ``MAIL_FILE_PATH``, named so that the
    files sort in sending order; a ``Return-Path`` and an ``X-Envelope-To`` line on top keep
    the envelope (so ``Bcc`` recipients can be checked)."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def deliver(self, envelope: Envelope) -> Refused:
        os.makedirs(self.folder, exist_ok=True)
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}"
        path = os.path.join(self.folder, f"{name}.eml")
        head = (
            f"Return-Path: <{envelope.sender}>\r\n"
            f"X-Envelope-To: {', '.join(envelope.recipients)}\r\n"
        ).encode()
        partial = f"{path}.part"
        with open(partial, "wb") as f:
            f.write(head + envelope.data)
        os.replace(partial, path)
        return {}

    def close(self) -> None:
        pass


class MemoryTransport:
    """Appends each :class:`~kolba_mail.Envelope` to ``app.extensions["mail"].outbox``."""

    def __init__(self, outbox: list[Envelope]) -> None:
        self.outbox = outbox

    def deliver(self, envelope: Envelope) -> Refused:
        self.outbox.append(envelope)
        return {}

    def close(self) -> None:
        pass


def _close(host: smtplib.SMTP | None) -> None:
    if host is not None:
        host.close()


def _reply(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return f"{code} {' '.join(text.split())}".strip()
