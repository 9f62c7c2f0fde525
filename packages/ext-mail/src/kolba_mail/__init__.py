"""kolba-mail: send email from kolba apps with Flask-Mail's API, on the standard library's
smtplib and email packages, with timeouts, header-injection checks and test transports."""

from __future__ import annotations

from .connection import Connection as Connection
from .errors import BackgroundSendError as BackgroundSendError
from .errors import BadHeaderError as BadHeaderError
from .errors import DeliveryError as DeliveryError
from .errors import MailAuthenticationError as MailAuthenticationError
from .errors import MailConnectionError as MailConnectionError
from .errors import MailError as MailError
from .errors import MailTimeoutError as MailTimeoutError
from .errors import MessageError as MessageError
from .errors import RecipientsRefusedError as RecipientsRefusedError
from .extension import Mail as Mail
from .extension import MailState as MailState
from .headers import KolbaMailUnicodeDecodeError as KolbaMailUnicodeDecodeError
from .headers import force_text as force_text
from .headers import sanitize_address as sanitize_address
from .headers import sanitize_addresses as sanitize_addresses
from .headers import sanitize_subject as sanitize_subject
from .message import Attachment as Attachment
from .message import Envelope as Envelope
from .message import Message as Message
from .signals import email_dispatched as email_dispatched
from .signals import signals as signals

__version__ = "0.1.0"
