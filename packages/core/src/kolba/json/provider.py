"""JSON providers: how an app turns values into JSON text and responses, and back.

Swap the whole thing by setting ``json_provider_class`` on a :class:`~kolba.Kolba` subclass.
"""

from __future__ import annotations

import dataclasses
import decimal
import json
import typing as t
import uuid
import weakref
from datetime import date

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
            body = self._encoder(pretty).encode(obj)
        elif pretty:
            body = self.dumps(obj, indent=2)
        else:
            body = self.dumps(obj, separators=(",", ":"))
        return self._response_class()(f"{body}\n", mimetype=self.mimetype)

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
