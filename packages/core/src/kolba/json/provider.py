"""JSON providers: how an app turns values into JSON text and responses, and back.

Swap the whole thing by setting ``json_provider_class`` on a :class:`~kolba.Kolba` subclass.
"""

from __future__ import annotations

import codecs
import dataclasses
import decimal
import json
import re
import typing as t
import uuid
import weakref
from datetime import date
from json import encoder as _json_encoder

from werkzeug.http import http_date

from .._bounded import remember

if t.TYPE_CHECKING:
    from ..app import Kolba
    from ..wrappers import Response


class JSONProvider:
    """The interface a JSON provider implements; subclass it to use another JSON library.

    Implement :meth:`dumps` and :meth:`loads`; :meth:`response` builds on them.
    """

    def __init__(self, app: Kolba | None) -> None:
        self._app: t.Callable[[], Kolba | None] = (
            weakref.ref(app) if app is not None else (lambda: None)
        )

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        """Serialize ``obj`` to a JSON string."""
        raise NotImplementedError

    def dump(self, obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
        """Serialize ``obj`` into the text file ``fp``."""
        fp.write(self.dumps(obj, **kwargs))

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        """Deserialize JSON text or bytes."""
        raise NotImplementedError

    def load(self, fp: t.IO[t.AnyStr], **kwargs: t.Any) -> t.Any:
        """Deserialize JSON read from ``fp``."""
        return self.loads(fp.read(), **kwargs)

    def _prepare_response_obj(self, args: tuple[t.Any, ...], kwargs: dict[str, t.Any]) -> t.Any:
        if args and kwargs:
            raise TypeError("app.json.response() takes either args or kwargs, not both")
        if not args and not kwargs:
            return None
        if len(args) == 1:
            return args[0]
        return args or kwargs

    def _response_class(self) -> type[Response]:
        app = self._app()
        if app is not None:
            return app.response_class
        from ..wrappers import Response

        return Response

    def response(self, *args: t.Any, **kwargs: t.Any) -> Response:
        """Return a JSON response: one argument as is, several as a list, keywords as a dict."""
        obj = self._prepare_response_obj(args, kwargs)
        return self._response_class()(self.dumps(obj), mimetype="application/json")


def _default(o: t.Any) -> t.Any:
    if isinstance(o, date):
        return http_date(o)
    if isinstance(o, decimal.Decimal | uuid.UUID):
        return str(o)
    if dataclasses.is_dataclass(o) and not isinstance(o, type):
        return dataclasses.asdict(o)
    if hasattr(o, "__html__"):
        return str(o.__html__())
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


class DefaultJSONProvider(JSONProvider):
    """JSON with the standard library, plus dates (HTTP format), ``Decimal``, ``UUID``,
    dataclasses and objects with ``__html__``.

    Input nested too deeply to parse is reported as invalid JSON, never as a crash.
    """

    #: Called for objects the ``json`` module cannot serialize itself.
    default: t.Callable[[t.Any], t.Any] = staticmethod(_default)
    #: Escape non-ASCII characters as ``\\uXXXX`` sequences.
    ensure_ascii = True
    #: Sort the keys of every dict.
    sort_keys = True
    #: ``None``: indented in debug mode only; ``True``: never indented; ``False``: always.
    compact: bool | None = None
    #: The mimetype of :meth:`response`.
    mimetype = "application/json"

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        kwargs.setdefault("default", self.default)
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        return json.dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: t.Any) -> t.Any:
        try:
            return json.loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON is nested too deeply.") from None

    def _pretty(self) -> bool:
        if self.compact is not None:
            return not self.compact
        app = self._app()
        return app is not None and app.debug

    def response(self, *args: t.Any, **kwargs: t.Any) -> Response:
        """Return a JSON response; indented in debug mode unless :attr:`compact` says otherwise."""
        obj = self._prepare_response_obj(args, kwargs)
        pretty = self._pretty()
        if type(self).dumps is DefaultJSONProvider.dumps:
            # What dumps gives, with the encoder built once per settings, not per response.
            body = self._encoder(pretty).encode(obj) if pretty else self._encode_compact(obj)
        elif pretty:
            body = self.dumps(obj, indent=2)
        else:
            body = self.dumps(obj, separators=(",", ":"))
        return self._response_class()(f"{body}\n", mimetype=self.mimetype)

    def _encode_compact(self, obj: t.Any) -> str:
        """``self._encoder(False).encode(obj)``, calling the standard library's C encoder
        directly: ``JSONEncoder.encode`` builds a new C encoder on every call.

        An encoder is taken out of the table while it encodes, because its table of the
        containers being encoded (the circular reference check) must serve one encoding at a
        time: two threads, or a ``default`` function that encodes JSON itself, get two
        encoders. An encoding that fails does not put its encoder back, since that table may
        still hold entries.
        """
        make = _c_make_encoder
        if make is None:  # a Python built without the _json accelerator
            return self._encoder(False).encode(obj)
        settings = (self.default, self.ensure_ascii, self.sort_keys)
        encode = _idle_encoders.pop(settings, None)
        if encode is None:
            encode = make(
                {},
                self.default,
                _json_encoder.encode_basestring_ascii
                if self.ensure_ascii
                else _json_encoder.encode_basestring,
                None,
                ":",
                ",",
                self.sort_keys,
                False,
                True,
            )
        body = "".join(encode(obj, 0))
        remember(_idle_encoders, settings, encode, 16)
        return body

    def _encoder(self, pretty: bool) -> json.JSONEncoder:
        settings = (self.default, self.ensure_ascii, self.sort_keys, pretty)
        encoders: dict[tuple[t.Any, ...], json.JSONEncoder] = self.__dict__.setdefault(
            "_encoders", {}
        )
        encoder = encoders.get(settings)
        if encoder is None:
            encoder = json.JSONEncoder(
                default=self.default,
                ensure_ascii=self.ensure_ascii,
                sort_keys=self.sort_keys,
                **({"indent": 2} if pretty else {"separators": (",", ":")}),
            )
            remember(encoders, settings, encoder, 16)
        return encoder


#: C encoders not encoding anything now, by settings: see ``DefaultJSONProvider._encode_compact``.
_idle_encoders: dict[tuple[t.Any, ...], t.Callable[..., t.Any]] = {}
#: The standard library's C encoder factory (``None`` without its accelerator module).
_c_make_encoder: t.Callable[..., t.Any] | None = getattr(_json_encoder, "c_make_encoder", None)

#: Where orjson writes a float differently from Python's ``json``: a one-digit negative exponent
#: (Python pads it: ``1e-08``), and ``0.0000...`` where Python writes an exponent. A match,
#: also one inside a string, sends the value to the standard library.
_ORJSON_SHORT_EXPONENT = re.compile(rb"e-\d(?!\d)")


class OrjsonProvider(DefaultJSONProvider):
    """:class:`DefaultJSONProvider` with JSON responses (``jsonify``, views returning a dict or
    list) encoded by orjson, several times faster for anything but the smallest values.

    Install it with ``pip install "kolba[speed]"`` and choose it with
    ``json_provider_class = OrjsonProvider`` on a :class:`~kolba.Kolba` subclass, or
    ``app.json = OrjsonProvider(app)``.

    The bytes sent are the ones :class:`DefaultJSONProvider` sends: sorted keys, non-ASCII
    escaped, compact (indented in debug mode, which the standard library writes), dates in HTTP
    format, ``Decimal`` and ``UUID`` as strings, dataclasses as objects, ``__html__``. A value
    orjson would write differently or refuses (non-ASCII text, floats written with small
    exponents, integers beyond 64 bits, keys that are not strings, subclasses of the built-in
    types, nesting deeper than 254) is encoded by the standard library instead. The one
    difference: ``NaN`` and the infinities are sent as ``null``, which is valid JSON, where the
    standard library writes ``NaN`` and ``Infinity``. :meth:`dumps` and :meth:`loads` are the
    standard library's.
    """

    def __init__(self, app: Kolba | None) -> None:
        super().__init__(app)
        try:
            import orjson
        except ImportError:
            raise RuntimeError("OrjsonProvider needs orjson: pip install 'kolba[speed]'") from None
        self._orjson = orjson

    def response(self, *args: t.Any, **kwargs: t.Any) -> Response:
        """Return a JSON response, encoded by orjson where it writes what the standard library
        writes."""
        if type(self).dumps is not DefaultJSONProvider.dumps or self._pretty():
            return super().response(*args, **kwargs)
        obj = self._prepare_response_obj(args, kwargs)
        body = self._orjson_body(obj)
        if body is None:
            return super().response(obj)
        return self._response_class()(body, mimetype=self.mimetype)

    def _orjson_body(self, obj: t.Any) -> bytes | None:
        """The compact encoding with a trailing newline; ``None`` when orjson's could differ
        from the standard library's."""
        orjson = self._orjson
        option = (
            orjson.OPT_APPEND_NEWLINE
            | orjson.OPT_PASSTHROUGH_DATETIME
            | orjson.OPT_PASSTHROUGH_DATACLASS
            | orjson.OPT_PASSTHROUGH_SUBCLASS
        )
        if self.sort_keys:
            option |= orjson.OPT_SORT_KEYS
        try:
            body: bytes = orjson.dumps(obj, default=self.default, option=option)
        except TypeError:  # orjson.JSONEncodeError; the standard library has its say
            return None
        if b"0.0000" in body or (b"e-" in body and _ORJSON_SHORT_EXPONENT.search(body)):
            return None
        if self.ensure_ascii and (not body.isascii() or b"\x7f" in body):
            # Non-ASCII can only be inside strings: escape it as the standard library does
            # (``\\u00e9``, surrogate pairs beyond the BMP, and DEL too).
            body = body.decode().encode("ascii", "kolba.json_ascii").replace(b"\x7f", b"\\u007f")
        return body


def _escape_non_ascii(error: UnicodeError) -> tuple[str, int]:
    """The codec error handler ``kolba.json_ascii``: ``\\uXXXX`` escapes for a run of
    non-ASCII characters, as ``json.dumps(..., ensure_ascii=True)`` writes them."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    escaped = []
    for char in error.object[error.start : error.end]:
        code = ord(char)
        if code > 0xFFFF:
            code -= 0x10000
            escaped.append(f"\\u{0xD800 | (code >> 10):04x}\\u{0xDC00 | (code & 0x3FF):04x}")
        else:
            escaped.append(f"\\u{code:04x}")
    return "".join(escaped), error.end


codecs.register_error("kolba.json_ascii", _escape_non_ascii)
