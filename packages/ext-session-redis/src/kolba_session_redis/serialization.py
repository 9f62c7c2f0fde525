"""How a session is stored in Redis: the core's tagged JSON, or msgpack of the same tagged values,
and the reader that refuses anything else, pickle above all."""

from __future__ import annotations

import importlib
import importlib.util
import typing as t

from kolba.sessions import session_json_serializer as _tagged

#: The values of ``SESSION_SERIALIZATION_FORMAT``.
FORMATS = ("json", "msgpack")

# A msgpack map of 1 to 15 items is one byte 0x81..0x8f; larger maps start with 0xde or 0xdf. An
# empty map (0x80) is never stored, and 0x80 followed by a protocol number is how pickle starts.
_MSGPACK_MAP_MARKERS = frozenset((*range(0x81, 0x90), 0xDE, 0xDF))
_PICKLE_PROTOCOLS = frozenset(range(2, 6))


class PayloadRefused(ValueError):
    """A value found in Redis is not a session this package wrote; it is never executed."""


def msgpack_available() -> bool:
    """Whether the optional ``msgpack`` dependency (the ``msgpack`` extra) is installed."""
    return importlib.util.find_spec("msgpack") is not None


def _msgpack() -> t.Any:
    # Imported by name: msgpack is optional and has no type information.
    return importlib.import_module("msgpack")


def dumps(data: dict[str, t.Any], format: str) -> bytes:
    """Serialize a session's items in ``format`` (``"json"`` or ``"msgpack"``)."""
    if format == "msgpack":
        packed: bytes = _msgpack().packb(_tagged.tag(data), use_bin_type=True)
        return packed
    return _tagged.dumps(data).encode()


def loads(raw: bytes) -> dict[str, t.Any]:
    """Read a stored session in either format, whichever ``SESSION_SERIALIZATION_FORMAT`` is now,
    so changing the format keeps existing sessions.

    Raises :class:`PayloadRefused` for anything else: a pickle payload (which Flask-Session used
    to write) is recognised and refused without being unpickled.
    """
    if raw[:1] == b"{":
        try:
            data = _tagged.loads(raw)
        except Exception as e:  # a crafted tag can fail in many ways; none may become a 500
            raise PayloadRefused(f"invalid tagged JSON ({type(e).__name__}: {e})") from None
    elif raw[:1] == b"\x80" and len(raw) > 1 and raw[1] in _PICKLE_PROTOCOLS:
        raise PayloadRefused("a pickle payload; sessions are never unpickled")
    elif raw[:1] and raw[0] in _MSGPACK_MAP_MARKERS:
        if not msgpack_available():
            raise PayloadRefused("msgpack data, but the msgpack package is not installed")
        try:
            # object_hook runs on every map from the innermost out, as untagging needs.
            data = _msgpack().unpackb(raw, raw=False, object_hook=_tagged.untag)
        except Exception as e:
            raise PayloadRefused(f"invalid msgpack ({type(e).__name__}: {e})") from None
    else:
        raise PayloadRefused("neither a JSON nor a msgpack object")
    if not isinstance(data, dict):
        raise PayloadRefused(f"a {type(data).__name__}, not a dict")
    return data
