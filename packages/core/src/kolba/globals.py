"""The context variables behind kolba's context-local proxies.

``current_app``, ``g``, ``request`` and ``session`` resolve against the innermost pushed context.
"""

from __future__ import annotations

import typing as t
from contextvars import ContextVar

from werkzeug.local import LocalProxy as _WerkzeugLocalProxy

if t.TYPE_CHECKING:
    from .app import Kolba
    from .ctx import AppContext, RequestContext, _AppCtxGlobals
    from .sessions import SessionMixin
    from .wrappers import Request

_no_app_msg = """\
Working outside of application context.

This typically means that you attempted to use functionality that needed the current
application. To solve this, set up an application context with app.app_context().\
"""
_no_req_msg = """\
Working outside of request context.

This typically means that you attempted to use functionality that needed an active HTTP
request. Use app.test_request_context() to set up a request context while testing.\
"""


_own = object.__getattribute__


class LocalProxy(_WerkzeugLocalProxy[t.Any]):
    """werkzeug's ``LocalProxy``, under its name (``isinstance`` checks, ``repr``,
    ``_get_current_object`` and every operator behave the same), with attribute and item
    access done in one call instead of through a descriptor and a bound partial: views read
    ``request.form`` and ``session["user"]`` many times per request.

    A public name (``request.path``, ``g.user``) is looked up on the current object
    straight away, not first on the proxy, where it is never found; names starting with
    ``_`` take the usual way (the proxy's own, then the object's).
    """

    __slots__ = ()

    def __getattribute__(self, name: str) -> t.Any:
        if name[0] == "_":
            return _own(self, name)
        return getattr(_own(self, "_get_current_object")(), name)

    def __getattr__(self, name: str) -> t.Any:
        return getattr(_own(self, "_get_current_object")(), name)

    def __getitem__(self, key: t.Any) -> t.Any:
        return _own(self, "_get_current_object")()[key]

    def __setitem__(self, key: t.Any, value: t.Any) -> None:
        _own(self, "_get_current_object")()[key] = value

    def __contains__(self, key: t.Any) -> bool:
        return key in _own(self, "_get_current_object")()


_cv_app: ContextVar[AppContext] = ContextVar("kolba.app_ctx")
_cv_request: ContextVar[RequestContext] = ContextVar("kolba.request_ctx")

app_ctx: AppContext = LocalProxy(_cv_app, unbound_message=_no_app_msg)  # type: ignore[assignment]
current_app: Kolba = LocalProxy(_cv_app, "app", unbound_message=_no_app_msg)  # type: ignore[assignment]
g: _AppCtxGlobals = LocalProxy(_cv_app, "g", unbound_message=_no_app_msg)  # type: ignore[assignment]

request_ctx: RequestContext = LocalProxy(_cv_request, unbound_message=_no_req_msg)  # type: ignore[assignment]
request: Request = LocalProxy(_cv_request, "request", unbound_message=_no_req_msg)  # type: ignore[assignment]
session: SessionMixin = LocalProxy(_cv_request, "session", unbound_message=_no_req_msg)  # type: ignore[assignment]
