"""JSON helpers that use the current app's JSON provider when an app context is active.

Outside an app context they fall back to a default provider.
"""

from __future__ import annotations

import json as _json
import typing as t

from ..globals import _cv_app
from .provider import DefaultJSONProvider, JSONProvider, OrjsonProvider

if t.TYPE_CHECKING:
    from ..wrappers import Response

__all__ = [
    "DefaultJSONProvider",
    "JSONProvider",
    "OrjsonProvider",
    "dump",
    "dumps",
    "jsonify",
    "load",
    "loads",
]

_default_provider = DefaultJSONProvider(None)


def _provider() -> JSONProvider:
    ctx = _cv_app.get(None)
    if ctx is not None:
        return ctx.app.json
    return _default_provider


def dumps(obj: t.Any, **kwargs: t.Any) -> str:
    """Serialize ``obj`` to a JSON string with the current app's provider; outside an app
    context, with the standard library plus the provider's handling of dates, UUIDs etc."""
    ctx = _cv_app.get(None)
    if ctx is not None:
        return ctx.app.json.dumps(obj, **kwargs)
    kwargs.setdefault("default", DefaultJSONProvider.default)
    return _json.dumps(obj, **kwargs)


def dump(obj: t.Any, fp: t.IO[str], **kwargs: t.Any) -> None:
    """Serialize ``obj`` as JSON into the text file ``fp``."""
    fp.write(dumps(obj, **kwargs))


def loads(s: str | bytes, **kwargs: t.Any) -> t.Any:
    """Deserialize a JSON string or bytes with the current app's provider."""
    return _provider().loads(s, **kwargs)


def load(fp: t.IO[t.AnyStr], **kwargs: t.Any) -> t.Any:
    """Deserialize JSON read from the file ``fp``."""
    return loads(fp.read(), **kwargs)


def jsonify(*args: t.Any, **kwargs: t.Any) -> Response:
    """Return a JSON response for the arguments: one value, several (a list) or keywords (a dict).

    Uses the current app's provider, so its ``sort_keys``, ``compact`` and ``mimetype`` apply.
    """
    return _provider().response(*args, **kwargs)
