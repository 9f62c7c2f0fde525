"""Flask-Mail's header helpers under the kolba name: ``sanitize_address``,
``sanitize_addresses``, ``sanitize_subject`` and ``force_text``, which turn names, addresses and
subjects into ASCII header text (RFC 2047 encoded words, IDNA domains)."""

from __future__ import annotations

import typing as t
from email.header import Header
from email.utils import formataddr

from .message import AddressLike, parse_address


class KolbaMailUnicodeDecodeError(UnicodeDecodeError):
    """:func:`force_text` could not decode bytes; the message shows the object too (Flask-Mail's
    ``FlaskMailUnicodeDecodeError``)."""

    def __init__(self, obj: t.Any, *args: t.Any) -> None:
        self.obj = obj
        super().__init__(*args)

    def __str__(self) -> str:
        return f"{super().__str__()}. You passed in {self.obj!r} ({type(self.obj)})"


def force_text(s: t.Any, encoding: str = "utf-8", errors: str = "strict") -> str:
    """``s`` as a string: bytes are decoded with ``encoding``, anything else goes through
    ``str()``."""
    if isinstance(s, str):
        return s
    if isinstance(s, bytes):
        try:
            return s.decode(encoding, errors)
        except UnicodeDecodeError as e:
            raise KolbaMailUnicodeDecodeError(s, *e.args) from None
    return str(s)


def sanitize_subject(subject: str, encoding: str = "utf-8") -> str:
    """The subject as header text: as it is when ASCII, else an RFC 2047 encoded word."""
    if subject.isascii():
        return subject
    return Header(subject, encoding).encode()


def sanitize_address(addr: AddressLike, encoding: str = "utf-8") -> str:
    """One address (``"ann@example.com"``, ``"Ann <ann@example.com>"`` or ``(name, address)``)
    as ASCII header text: a non-ASCII name (or local part) as an encoded word, the domain
    in IDNA form.

    Raises :class:`~kolba_mail.BadHeaderError` for CR, LF or NUL and
    :class:`~kolba_mail.MessageError` for anything that is not one address.
    """
    address = parse_address(addr, "address")
    name, local = address.display_name, address.username
    if name and not name.isascii():
        name = Header(name, encoding).encode()
    if not local.isascii():
        local = Header(local, encoding).encode()
    return formataddr((name, f"{local}@{address.domain}"))


def sanitize_addresses(addresses: t.Iterable[AddressLike], encoding: str = "utf-8") -> list[str]:
    """:func:`sanitize_address` of each address."""
    return [sanitize_address(addr, encoding) for addr in addresses]
