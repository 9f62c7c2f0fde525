"""``Connection``: one open channel to the transport, reused for many messages
(``with mail.connect() as conn``), reconnecting every ``MAIL_MAX_EMAILS`` messages."""

from __future__ import annotations

import smtplib
import typing as t
from types import TracebackType

from .errors import MailConnectionError
from .message import AddressLike, Envelope, Message
from .signals import email_dispatched
from .transports import Refused, SMTPTransport, Transport, open_transport

if t.TYPE_CHECKING:
    from .extension import MailState


class Connection:
    """Sends messages over one transport session, opened at the first message (so a message
    that fails its checks never causes a connection) and closed on leaving the ``with``
    block.

    ``host`` is the :class:`smtplib.SMTP` object while an SMTP session is open, else ``None``.
    """

    def __init__(self, mail: MailState) -> None:
        self.mail = mail
        self.host: smtplib.SMTP | None = None
        self.num_emails = 0
        self._transport: Transport | None = None

    def __enter__(self) -> Connection:
        self.num_emails = 0
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def send(self, message: Message, envelope_from: AddressLike | None = None) -> Refused:
        """Check, render and send ``message``; return the recipients the server refused (the
        others got it). ``envelope_from`` replaces the sender in ``MAIL FROM``.

        Raises :class:`~kolba_mail.BadHeaderError` or :class:`~kolba_mail.MessageError`
        before anything is sent, :class:`~kolba_mail.DeliveryError` when delivery fails.
        """
        envelope = message.envelope(
            self.mail.default_sender, self.mail.ascii_attachments, envelope_from
        )
        return self.deliver(envelope)

    def send_message(self, *args: t.Any, **kwargs: t.Any) -> Refused:
        """Send ``Message(*args, **kwargs)``."""
        return self.send(Message(*args, **kwargs))

    def deliver(self, envelope: Envelope) -> Refused:
        """Send an already rendered message, then send ``email_dispatched``."""
        refused: Refused = {}
        if not self.mail.suppress:
            transport = self._open()
            try:
                refused = transport.deliver(envelope)
            except MailConnectionError:
                self.close()
                raise
        email_dispatched.send(envelope.message, app=self.mail.app)
        self.num_emails += 1
        if self.mail.max_emails and self.num_emails >= self.mail.max_emails:
            self.num_emails = 0
            self.close()
        return refused

    def check(self) -> None:
        """Open the session and check that the server answers (NOOP for SMTP)."""
        transport = self._open()
        if isinstance(transport, SMTPTransport):
            transport.check()

    def close(self) -> None:
        """Close the session; the next message opens a new one."""
        if self._transport is not None:
            transport, self._transport, self.host = self._transport, None, None
            transport.close()

    def _open(self) -> Transport:
        if self._transport is None:
            self._transport = open_transport(self.mail)
            self.host = getattr(self._transport, "host", None)
        return self._transport
