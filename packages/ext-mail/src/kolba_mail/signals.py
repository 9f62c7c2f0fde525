"""kolba-mail's blinker signals, in a namespace of their own."""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

#: Sent after each message is handed to the transport, and also when sending is suppressed
#: (``MAIL_SUPPRESS_SEND``, testing), with the :class:`~kolba_mail.Message` as sender and the
#: app as ``app``: ``email_dispatched.connect(lambda message, app: ...)``.
email_dispatched = signals.signal(
    "email-dispatched",
    doc="Sent when a message is dispatched, even when sending is suppressed.",
)
