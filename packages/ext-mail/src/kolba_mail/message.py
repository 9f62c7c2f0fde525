"""``Message`` and ``Attachment``, Flask-Mail's message API, rendered with the standard library's
``email`` package: header checks up front, Unicode names, IDN domains, RFC 2231 file names."""

from __future__ import annotations

import dataclasses
import email
import email.errors
import email.policy
import mimetypes
import re
import time
import typing as t
import unicodedata
from datetime import datetime
from email.headerregistry import Address, AddressHeader, HeaderRegistry
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime, formatdate, make_msgid

from kolba import current_app, has_app_context

from .errors import BadHeaderError, MessageError

if t.TYPE_CHECKING:
    from .connection import Connection

#: An address as Flask-Mail takes it: ``"ann@example.com"``, ``"Ann <ann@example.com>"`` or
#: ``("Ann", "ann@example.com")``.
AddressLike = str | tuple[str, str]

# 7bit transfer encodings keep every body line safe for servers without 8BITMIME.
_POLICY = email.policy.SMTP.clone(cte_type="7bit")
# Only for messages whose address local parts are not ASCII: sent with the SMTPUTF8 extension.
_POLICY_UTF8 = email.policy.SMTPUTF8
_HEADER_NAME = re.compile(r"[!-9;-~]+")
_MIME_TOKEN = re.compile(r"[A-Za-z0-9!#$&^_.+-]+")
_MIME_TYPE = re.compile(rf"{_MIME_TOKEN.pattern}/{_MIME_TOKEN.pattern}")
_SPACES = re.compile(r"\s+")
_registry = HeaderRegistry()


def check_header(value: str, what: str) -> None:
    """Raise :class:`BadHeaderError` if ``value`` contains CR, LF or NUL."""
    if "\r" in value or "\n" in value:
        raise BadHeaderError(
            f"{what} contains a line break ({value!r}); line breaks in headers would let the"
            " text add headers of its own."
        )
    if "\0" in value:
        raise BadHeaderError(
            f"{what} contains a NUL character ({value!r}); mail servers and clients cut"
            " headers short at NUL or refuse the message."
        )


def _address_parts(value: object, what: str) -> tuple[str, ...]:
    """The text of an address as given: ``(address,)`` for a string, ``(name, address)`` for
    a pair, each checked with :func:`check_header`. :class:`MessageError` for another shape."""
    if isinstance(value, str):
        parts: tuple[str, ...] = (value,)
    elif isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) for v in value):
        parts = value
    elif isinstance(value, tuple):
        raise MessageError(f"{what}: expected (name, address) as two strings, got {value!r}.")
    else:
        raise MessageError(f"{what}: expected a string or (name, address), got {value!r}.")
    for part in parts:
        check_header(part, what)
    return parts


def _address_list(value: object, what: str) -> list[AddressLike]:
    """A list of addresses as given for ``recipients``, ``cc`` or ``bcc``; a string (one
    address where a list belongs) is a :class:`MessageError` saying to pass a list."""
    if not value:
        return []
    if isinstance(value, str):
        raise MessageError(
            f"{what} must be a list of addresses, got the string {value!r}; pass"
            f" {what}=[{value!r}]."
        )
    return list(t.cast(t.Iterable[AddressLike], value))


def parse_address(value: AddressLike, what: str) -> Address:
    """Parse one address (a string or a ``(name, address)`` pair) into an
    :class:`email.headerregistry.Address` with its domain in IDNA (``xn--``) form.

    Raises :class:`BadHeaderError` for CR, LF or NUL and :class:`MessageError` for anything
    that is not exactly one address.
    """
    parts = _address_parts(value, what)
    if len(parts) == 2:
        name, spec = parts
        try:
            parsed = Address(display_name=name, addr_spec=spec.strip())
        except (ValueError, IndexError, email.errors.MessageError) as e:
            raise MessageError(f"{what}: {spec!r} is not an email address ({e}).") from None
    else:
        try:
            header = _registry("to", parts[0])
        except (ValueError, IndexError, email.errors.MessageError):
            header = None
        addresses = t.cast(AddressHeader, header).addresses if header is not None else ()
        # A non-ASCII local part is fine: such messages are sent with SMTPUTF8.
        defects = [
            d
            for d in (header.defects if header is not None else ())
            if not isinstance(d, email.errors.NonASCIILocalPartDefect)
        ]
        if len(addresses) != 1 or defects:
            raise MessageError(
                f"{what}: {value!r} is not one email address; give each address as its own"
                " list item."
            )
        parsed = addresses[0]
    if not parsed.username or not parsed.domain:
        raise MessageError(f"{what}: {value!r} is not an email address (user@domain).")
    domain = parsed.domain
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            raise MessageError(f"{what}: {parsed.domain!r} is not a valid domain name.") from None
    return Address(parsed.display_name, parsed.username, domain)


@dataclasses.dataclass
class Attachment:
    """A file attached to a :class:`Message`.

    :param filename: the name shown to the recipient; non-ASCII names are sent RFC 2231
        encoded (or made ASCII with ``MAIL_ASCII_ATTACHMENTS``).
    :param content_type: the MIME type; guessed from ``filename`` when ``None``.
    :param data: the content; ``str`` is encoded in the message's charset.
    :param disposition: ``"attachment"`` (default) or ``"inline"``.
    :param headers: extra headers of this part, e.g. ``{"Content-ID": "<logo>"}``.
    """

    filename: str | None = None
    content_type: str | None = None
    data: bytes | str | None = None
    disposition: str | None = None
    headers: dict[str, str] | None = None

    def __post_init__(self) -> None:
        self.disposition = self.disposition or "attachment"
        self.headers = dict(self.headers or {})
        if self.content_type is None:
            guessed = mimetypes.guess_type(self.filename or "")[0]
            self.content_type = guessed or "application/octet-stream"


@dataclasses.dataclass(frozen=True)
class Envelope:
    """A message as it goes to the server: the SMTP envelope and the rendered bytes.

    The memory transport keeps these in ``app.extensions["mail"].outbox``.
    """

    message: Message
    sender: str
    recipients: list[str]
    data: bytes
    mail_options: list[str]
    rcpt_options: list[str]

    def parsed(self) -> EmailMessage:
        """The rendered message parsed back, as a receiving mail client would read it (with
        ``\n`` line ends)."""
        return email.message_from_bytes(
            self.data.replace(b"\r\n", b"\n"), policy=email.policy.default
        )


class Message:
    """An email message, with Flask-Mail's constructor and attributes.

    :param subject: the subject line; ``None`` or ``""`` for none.
    :param recipients: ``To`` addresses; more can be added with :meth:`add_recipient`.
    :param body: the plain text body.
    :param html: the HTML body; with ``body`` the message is ``multipart/alternative``.
    :param alts: more alternative bodies by subtype, e.g. ``{"html": ...}``.
    :param sender: the ``From`` address; ``MAIL_DEFAULT_SENDER`` when ``None``.
    :param cc: ``Cc`` addresses.
    :param bcc: ``Bcc`` addresses: in the envelope only, never in a header.
    :param attachments: a list of :class:`Attachment`.
    :param reply_to: the ``Reply-To`` address.
    :param date: a timestamp (``time.time()``) or ``datetime``; the send time when ``None``.
    :param charset: the charset of the text parts (``utf-8``).
    :param extra_headers: more headers; a name that is already set is replaced.
    :param mail_options: ESMTP options of the ``MAIL FROM`` command.
    :param rcpt_options: ESMTP options of each ``RCPT TO`` command.

    Addresses are ``"ann@example.com"``, ``"Ann <ann@example.com>"`` or
    ``("Ann", "ann@example.com")``.
    """

    def __init__(
        self,
        subject: str | None = "",
        recipients: list[AddressLike] | None = None,
        body: str | None = None,
        html: str | None = None,
        alts: dict[str, str] | t.Iterable[tuple[str, str]] | None = None,
        sender: AddressLike | None = None,
        cc: list[AddressLike] | None = None,
        bcc: list[AddressLike] | None = None,
        attachments: list[Attachment] | None = None,
        reply_to: AddressLike | None = None,
        date: float | datetime | None = None,
        charset: str | None = None,
        extra_headers: dict[str, str] | None = None,
        mail_options: list[str] | None = None,
        rcpt_options: list[str] | None = None,
    ) -> None:
        if sender is None and has_app_context():
            state = current_app.extensions.get("mail")
            sender = getattr(state, "default_sender", None)
        self.subject = subject
        self.recipients = _address_list(recipients, "recipients")
        self.body = body
        self.alts: dict[str, str] = dict(alts or {})
        self.html = html
        self.sender = sender
        self.cc = _address_list(cc, "cc")
        self.bcc = _address_list(bcc, "bcc")
        self.attachments: list[Attachment] = list(attachments or [])
        self.reply_to = reply_to
        self.date = date
        self.charset = charset
        self.extra_headers: dict[str, str] = dict(extra_headers or {})
        self.mail_options: list[str] = list(mail_options or [])
        self.rcpt_options: list[str] = list(rcpt_options or [])
        self._msg_id: str | None = None

    def __repr__(self) -> str:
        return f"<Message {self.subject!r} to {self.recipients!r}>"

    @property
    def html(self) -> str | None:
        """The HTML body (``alts["html"]``)."""
        return self.alts.get("html")

    @html.setter
    def html(self, value: str | None) -> None:
        if value is None:
            self.alts.pop("html", None)
        else:
            self.alts["html"] = value

    @property
    def msgId(self) -> str:
        """The ``Message-ID`` header, made on first use from the sender's domain (so no DNS
        lookup of this host's name is needed)."""
        if self._msg_id is None:
            domain = "localhost"
            if self.sender is not None:
                try:
                    domain = parse_address(self.sender, "sender").domain
                except MessageError:
                    pass
            self._msg_id = make_msgid(domain=domain)
        return self._msg_id

    @msgId.setter
    def msgId(self, value: str) -> None:
        self._msg_id = value

    @property
    def send_to(self) -> set[AddressLike]:
        """Every recipient: ``recipients``, ``cc`` and ``bcc``."""
        return {*self.recipients, *self.cc, *self.bcc}

    def add_recipient(self, recipient: AddressLike) -> None:
        """Add another ``To`` address."""
        self.recipients.append(recipient)

    def attach(
        self,
        filename: str | None = None,
        content_type: str | None = None,
        data: bytes | str | None = None,
        disposition: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Attach a file; the parameters are those of :class:`Attachment`."""
        self.attachments.append(Attachment(filename, content_type, data, disposition, headers))

    def has_bad_headers(self) -> bool:
        """Whether any header value contains CR, LF or NUL (``send`` raises
        :class:`BadHeaderError` for such a message)."""
        try:
            self._check_headers()
        except BadHeaderError:
            return True
        return False

    def send(self, connection: Connection) -> dict[str, tuple[int, bytes]]:
        """Send this message over an open ``connection`` (``mail.connect()``)."""
        return connection.send(self)

    def as_bytes(self) -> bytes:
        """The message as it is sent, in bytes with CRLF line ends."""
        self._check_headers()
        addresses = _Addresses.parse(self, self.sender)
        return self._build(addresses, _ascii_attachments())

    def as_string(self) -> str:
        """The message as it is sent, as text."""
        return self.as_bytes().decode("utf-8")

    def __bytes__(self) -> bytes:
        return self.as_bytes()

    def __str__(self) -> str:
        return self.as_string()

    def envelope(
        self,
        default_sender: AddressLike | None = None,
        ascii_attachments: bool = False,
        envelope_from: AddressLike | None = None,
    ) -> Envelope:
        """Check the message and render it for sending.

        Raises :class:`BadHeaderError` or :class:`MessageError` when the message cannot be
        sent. Sets :attr:`date` to now if it is unset, as sending does.
        """
        self._check_headers()
        sender = self.sender if self.sender is not None else default_sender
        if sender is None:
            raise MessageError(
                "The message has no sender. Pass sender= to Message or set MAIL_DEFAULT_SENDER."
            )
        if not self.send_to:
            raise MessageError("The message has no recipients; add one with add_recipient().")
        addresses = _Addresses.parse(self, sender)
        if envelope_from is None:
            envelope_sender = parse_address(sender, "sender")
        else:
            envelope_sender = parse_address(envelope_from, "envelope_from")
        if self.date is None:
            self.date = time.time()
        data = self._build(addresses, ascii_attachments)
        mail_options = list(self.mail_options)
        if addresses.needs_smtputf8() and "SMTPUTF8" not in (o.upper() for o in mail_options):
            mail_options.append("SMTPUTF8")
        return Envelope(
            message=self,
            sender=envelope_sender.addr_spec,
            recipients=_unique(a.addr_spec for a in (*addresses.to, *addresses.cc, *addresses.bcc)),
            data=data,
            mail_options=mail_options,
            rcpt_options=list(self.rcpt_options),
        )

    # -- rendering --------------------------------------------------------------------------

    def _check_headers(self) -> None:
        if self.subject is not None:  # None, as in Flask-Mail, is no Subject header
            if not isinstance(self.subject, str):
                raise MessageError(f"subject: expected a string, got {self.subject!r}.")
            check_header(self.subject, "subject")
        for what, value in self._addresses():
            _address_parts(value, what)
        for subtype, text in self.alts.items():
            if not isinstance(subtype, str) or not isinstance(text, str):
                raise MessageError(
                    f"alts: expected subtype -> text as strings, got {subtype!r}: {text!r}."
                )
            check_header(subtype, "alts subtype")
        for name, value in self.extra_headers.items():
            _check_header_field(name, value, "extra_headers")
        if self._msg_id is not None:
            check_header(self._msg_id, "msgId")
        if self.charset is not None:
            check_header(self.charset, "charset")
        for attachment in self.attachments:
            for field in (attachment.filename, attachment.content_type, attachment.disposition):
                if field is not None:
                    check_header(field, "attachment")
            for name, value in (attachment.headers or {}).items():
                _check_header_field(name, value, "attachment headers")

    def _addresses(self) -> t.Iterator[tuple[str, AddressLike]]:
        if self.sender is not None:
            yield "sender", self.sender
        if self.reply_to is not None:
            yield "reply_to", self.reply_to
        for what, group in (("recipients", self.recipients), ("cc", self.cc), ("bcc", self.bcc)):
            for value in _address_list(group, what):
                yield what, value

    def _build(self, addresses: _Addresses, ascii_attachments: bool) -> bytes:
        charset = self.charset or "utf-8"
        msg = MIMEPart(policy=_POLICY_UTF8 if addresses.needs_smtputf8() else _POLICY)
        if self.subject:
            msg["Subject"] = self.subject
        if addresses.sender is not None:
            msg["From"] = addresses.sender
        if addresses.to:
            msg["To"] = _unique_addresses(addresses.to)
        if addresses.cc:
            msg["Cc"] = _unique_addresses(addresses.cc)
        if addresses.reply_to is not None:
            msg["Reply-To"] = addresses.reply_to
        msg["Date"] = _format_date(self.date)
        msg["Message-ID"] = self.msgId
        msg["MIME-Version"] = "1.0"
        for name, value in self.extra_headers.items():
            del msg[name]
            msg[name] = value

        texts = list(self.alts.items())
        if self.body is not None or not texts:
            texts.insert(0, ("plain", self.body or ""))
        for subtype, _ in texts:
            if not _MIME_TOKEN.fullmatch(subtype):
                raise MessageError(f"alts: {subtype!r} is not a MIME subtype, like 'html'.")
        (subtype, text), *alternatives = texts
        msg.set_content(text, subtype=subtype, charset=charset)
        for subtype, text in alternatives:
            msg.add_alternative(text, subtype=subtype, charset=charset)
        for attachment in self.attachments:
            _add_attachment(msg, attachment, charset, ascii_attachments)
        return msg.as_bytes()


@dataclasses.dataclass(frozen=True)
class _Addresses:
    """A message's addresses, parsed."""

    sender: Address | None
    reply_to: Address | None
    to: list[Address]
    cc: list[Address]
    bcc: list[Address]

    @classmethod
    def parse(cls, message: Message, sender: AddressLike | None) -> _Addresses:
        reply_to = message.reply_to
        return cls(
            sender=parse_address(sender, "sender") if sender is not None else None,
            reply_to=parse_address(reply_to, "reply_to") if reply_to is not None else None,
            to=[parse_address(a, "recipients") for a in message.recipients],
            cc=[parse_address(a, "cc") for a in message.cc],
            bcc=[parse_address(a, "bcc") for a in message.bcc],
        )

    def needs_smtputf8(self) -> bool:
        """Whether a local part is not ASCII, so the message must go with SMTPUTF8."""
        everyone = (self.sender, self.reply_to, *self.to, *self.cc, *self.bcc)
        return not all(a.username.isascii() for a in everyone if a is not None)


def _check_header_field(name: str, value: str, what: str) -> None:
    if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
        raise BadHeaderError(f"{what}: {name!r} is not a valid header name.")
    if not isinstance(value, str):
        raise MessageError(f"{what}: the value of {name!r} must be a string, got {value!r}.")
    check_header(value, f"{what} {name!r}")


def _add_attachment(
    msg: MIMEPart, attachment: Attachment, charset: str, ascii_attachments: bool
) -> None:
    content_type = attachment.content_type or "application/octet-stream"
    if not _MIME_TYPE.fullmatch(content_type):
        raise MessageError(f"attachment: {content_type!r} is not a MIME type (type/subtype).")
    maintype, subtype = content_type.lower().split("/")
    filename = attachment.filename
    if filename is not None and ascii_attachments:
        filename = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
        filename = _SPACES.sub(" ", filename).strip()
    data = attachment.data if attachment.data is not None else b""
    if isinstance(data, str):
        data = data.encode(charset)
    if maintype == "multipart":
        raise MessageError(f"attachment: {content_type!r} cannot be attached as a file.")
    params: dict[str, t.Any] = {"disposition": attachment.disposition, "filename": filename}
    if maintype == "text":
        params["params"] = {"charset": charset}
    msg.add_attachment(data, maintype, subtype, cte="base64", **params)
    part = t.cast(list[MIMEPart], msg.get_payload())[-1]
    for name, value in (attachment.headers or {}).items():
        del part[name]
        part[name] = value


def _format_date(date: float | datetime | None) -> str:
    if isinstance(date, datetime):
        return format_datetime(date if date.tzinfo is not None else date.astimezone())
    return formatdate(date, localtime=True)


def _unique(items: t.Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _unique_addresses(addresses: list[Address]) -> tuple[Address, ...]:
    seen: dict[str, Address] = {}
    for address in addresses:
        seen.setdefault(address.addr_spec.lower(), address)
    return tuple(seen.values())


def _ascii_attachments() -> bool:
    """``MAIL_ASCII_ATTACHMENTS`` of the current app, for rendering outside ``send``."""
    if not has_app_context():
        return False
    return bool(getattr(current_app.extensions.get("mail"), "ascii_attachments", False))
