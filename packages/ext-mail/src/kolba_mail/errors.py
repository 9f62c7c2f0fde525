"""The exceptions kolba-mail raises: bad messages before anything is sent, delivery failures
after. Delivery errors are also ``smtplib`` exceptions, so code written for Flask-Mail that
catches ``smtplib.SMTPException`` (or ``OSError``) keeps working."""

from __future__ import annotations

import smtplib


class MailError(Exception):
    """Base class of every kolba-mail error."""


class MessageError(MailError, ValueError):
    """The message cannot be sent as it is: no recipient, no sender, a malformed address or
    attachment. Raised before any connection is made."""


class BadHeaderError(MessageError):
    """A header (subject, address, extra header, attachment header, ``alts`` subtype)
    contains CR or LF, which would let its text start a new header, or NUL. Raised before any
    connection is made."""


class DeliveryError(MailError, smtplib.SMTPException):
    """The mail server could not be reached, or did not accept the message."""


class MailConnectionError(DeliveryError):
    """No usable connection: the server is down, refused the connection, failed the TLS
    handshake or closed the connection."""


class MailTimeoutError(MailConnectionError, TimeoutError):
    """The server did not answer within ``MAIL_TIMEOUT`` seconds."""


class MailAuthenticationError(DeliveryError, smtplib.SMTPAuthenticationError):
    """The server refused ``MAIL_USERNAME`` / ``MAIL_PASSWORD``."""

    def __init__(self, message: str, code: int, reply: bytes | str) -> None:
        smtplib.SMTPAuthenticationError.__init__(self, code, reply)
        self.message = message

    def __str__(self) -> str:
        return self.message


class RecipientsRefusedError(DeliveryError, smtplib.SMTPRecipientsRefused):
    """The server refused every recipient; ``recipients`` maps each address to the server's
    ``(code, reply)``. When only some are refused the message goes to the others, and
    ``send`` returns the refused ones instead."""

    def __init__(self, message: str, recipients: dict[str, tuple[int, bytes]]) -> None:
        smtplib.SMTPRecipientsRefused.__init__(self, recipients)
        self.message = message

    def __str__(self) -> str:
        return self.message


class BackgroundSendError(MailError):
    """Raised by ``mail.flush()`` when messages queued for background sending failed;
    ``failures`` lists ``(message, error)`` pairs."""

    def __init__(self, failures: list[tuple[object, BaseException]]) -> None:
        lines = [f"{len(failures)} queued message(s) could not be sent:"]
        lines += [f"  {getattr(m, 'subject', m)!r}: {e}" for m, e in failures]
        super().__init__("\n".join(lines))
        self.failures = failures
