"""Application and request contexts, kept on ``contextvars``.

A request context is cheap to create: the request object, the URL adapter and the session are
built only when something asks for them.
"""

from __future__ import annotations

import sys
import typing as t
from functools import update_wrapper
from types import TracebackType

from . import signals
from .globals import _cv_app, _cv_request
from .helpers import _unset

if t.TYPE_CHECKING:
    import typing_extensions as te
    from werkzeug.exceptions import HTTPException
    from werkzeug.routing import MapAdapter, Rule

    from .app import Kolba
    from .sessions import SessionMixin
    from .typing import AfterRequestCallable
    from .wrappers import Request

F = t.TypeVar("F", bound=t.Callable[..., t.Any])

_sentinel: t.Any = object()


class _AppCtxGlobals:
    """The ``g`` namespace: a plain object for data that lives as long as one app context."""

    def __getattr__(self, name: str) -> t.Any:
        try:
            return self.__dict__[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: t.Any) -> None:
        self.__dict__[name] = value

    def __delattr__(self, name: str) -> None:
        try:
            del self.__dict__[name]
        except KeyError:
            raise AttributeError(name) from None

    def get(self, name: str, default: t.Any | None = None) -> t.Any:
        """Return attribute ``name``, or ``default`` when it is not set."""
        return self.__dict__.get(name, default)

    def pop(self, name: str, default: t.Any = _sentinel) -> t.Any:
        """Remove attribute ``name`` and return it; raise ``KeyError`` unless a default is given."""
        if default is _sentinel:
            return self.__dict__.pop(name)
        return self.__dict__.pop(name, default)

    def setdefault(self, name: str, default: t.Any = None) -> t.Any:
        """Return attribute ``name``, setting it to ``default`` first when it is missing."""
        return self.__dict__.setdefault(name, default)

    def __contains__(self, item: str) -> bool:
        return item in self.__dict__

    def __iter__(self) -> t.Iterator[str]:
        return iter(self.__dict__)

    def __repr__(self) -> str:
        ctx = _cv_app.get(None)
        if ctx is not None:
            return f"<kolba.g of '{ctx.app.name}'>"
        return object.__repr__(self)


def after_this_request(f: AfterRequestCallable[t.Any]) -> AfterRequestCallable[t.Any]:
    """Run ``f`` on the response of the current request only, after the view returned.

    ``f`` receives the response object and must return it or a replacement.
    """
    ctx = _cv_request.get(None)
    if ctx is None:
        raise RuntimeError(
            "'after_this_request' can only be used when a request context is active,"
            " such as in a view function."
        )
    ctx._after_request_functions.append(f)
    return f


def copy_current_request_context(f: F) -> F:
    """Decorate ``f`` so that it runs inside a copy of the current request context.

    Useful for work handed to a thread or greenlet that still needs ``request`` or ``session``.
    """
    ctx = _cv_request.get(None)
    if ctx is None:
        raise RuntimeError(
            "'copy_current_request_context' can only be used when a request context is"
            " active, such as in a view function."
        )
    ctx = ctx.copy()

    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        with ctx:
            return ctx.app.ensure_sync(f)(*args, **kwargs)

    return update_wrapper(wrapper, f)  # type: ignore[return-value]


def has_request_context() -> bool:
    """Return whether a request context is active (``request`` is usable)."""
    return _cv_request.get(None) is not None


def has_app_context() -> bool:
    """Return whether an application context is active (``current_app`` is usable)."""
    return _cv_app.get(None) is not None


class _PushPop:
    """``with ctx:`` pushes the context and pops it, passing on the exception."""

    def push(self) -> None:
        raise NotImplementedError

    def pop(self, exc: BaseException | None = _sentinel) -> None:
        raise NotImplementedError

    def __enter__(self) -> te.Self:
        self.push()
        return self

    def __exit__(
        self,
        exc_type: type | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.pop(exc_value)


class AppContext(_PushPop):
    """Holds ``g`` and the app-bound URL adapter while the app is handling work.

    Pushed automatically for every request and for CLI commands; push one by hand with
    ``with app.app_context():`` in scripts and tests.
    """

    def __init__(self, app: Kolba) -> None:
        self.app = app
        self.g: _AppCtxGlobals = app.app_ctx_globals_class()
        self._url_adapter: MapAdapter | None = _sentinel
        self._cv_tokens: list[t.Any] = []

    @property
    def url_adapter(self) -> MapAdapter | None:
        """The URL adapter bound to ``SERVER_NAME``, or ``None`` when that is not set."""
        adapter = self._url_adapter
        if adapter is _sentinel:
            adapter = self._url_adapter = self.app.create_url_adapter(None)
        return adapter

    @url_adapter.setter
    def url_adapter(self, value: MapAdapter | None) -> None:
        self._url_adapter = value

    def push(self) -> None:
        """Make this the current app context."""
        self._cv_tokens.append(_cv_app.set(self))
        if signals.appcontext_pushed.receivers:
            signals.appcontext_pushed.send(self.app, _async_wrapper=self.app.ensure_sync)

    def pop(self, exc: BaseException | None = _sentinel) -> None:
        """Pop this context; the outermost pop runs the app-context teardown functions."""
        try:
            if len(self._cv_tokens) == 1:
                if exc is _sentinel:
                    exc = sys.exc_info()[1]
                self.app.do_teardown_appcontext(exc)
        finally:
            ctx = _cv_app.get()
            try:
                _cv_app.reset(self._cv_tokens.pop())
            except ValueError:
                pass  # pushed in another Context; see RequestContext.pop
        if ctx is not self:
            raise AssertionError(f"Popped wrong app context. ({ctx!r} instead of {self!r})")
        if signals.appcontext_popped.receivers:
            signals.appcontext_popped.send(self.app, _async_wrapper=self.app.ensure_sync)

    def __repr__(self) -> str:
        return f"<AppContext of {self.app.name!r}>"


class RequestContext(_PushPop):
    """Everything about one request: the environ, the matched rule, the session and flashes.

    The :class:`~kolba.wrappers.Request` object, the bound URL adapter and the session are
    created on first access, so a view that never reads them never pays for them.
    """

    def __init__(
        self,
        app: Kolba,
        environ: dict[str, t.Any],
        request: Request | None = None,
        session: SessionMixin | None = None,
    ) -> None:
        self.app = app
        self.environ = environ
        self._request = request
        self._url_adapter: MapAdapter | None = _sentinel
        self._session = session
        self.url_rule: Rule | None = None
        self.view_args: dict[str, t.Any] | None = None
        self.routing_exception: HTTPException | None = None
        self._matched = False
        self.flashes: list[tuple[str, str]] | None = None
        self._after_request_functions: list[AfterRequestCallable[t.Any]] = []
        self._cv_tokens: list[tuple[t.Any, AppContext | None]] = []
        self._identity: t.Any = _unset

    @property
    def request(self) -> Request:
        """The request object, built from the environ the first time it is needed."""
        req = self._request
        if req is None:
            req = self._request = self.app.request_class(self.environ)
            req.url_rule = self.url_rule
            req.view_args = self.view_args
            req.routing_exception = self.routing_exception
            trusted_hosts = self.app.config["TRUSTED_HOSTS"]
            if trusted_hosts is not None:
                req.trusted_hosts = trusted_hosts
        return req

    @request.setter
    def request(self, value: Request) -> None:
        self._request = value

    @property
    def url_adapter(self) -> MapAdapter | None:
        """The URL map bound to this request's host and path, for matching and building."""
        adapter = self._url_adapter
        if adapter is _sentinel:
            app = self.app
            if app._binds_plainly():
                adapter = app._bind_environ(self.environ)
            else:
                adapter = app.create_url_adapter(self.request)
            self._url_adapter = adapter
        return adapter

    @url_adapter.setter
    def url_adapter(self, value: MapAdapter | None) -> None:
        self._url_adapter = value

    @property
    def session(self) -> SessionMixin:
        """The session, opened through ``app.session_interface`` on first access."""
        sess = self._session
        if sess is None:
            interface = self.app.session_interface
            sess = interface.open_session(self.app, self.request)
            if sess is None:
                sess = interface.make_null_session(self.app)
            # The session is opened because something used it: whatever the response is now
            # depends on the cookie (Vary: Cookie), even for reads the dict doesn't see.
            sess.accessed = True
            self._session = sess
        return sess

    @session.setter
    def session(self, value: SessionMixin) -> None:
        self._session = value

    def _carries_session_cookie(self) -> bool:
        name = self.app.session_interface.get_cookie_name(self.app)
        return name in self.environ.get("HTTP_COOKIE", "") and name in self.request.cookies

    def _session_to_refresh(self) -> SessionMixin | None:
        """The session of a request that carries a session cookie the view never touched, so
        a permanent session's cookie can be re-sent (sliding expiry, as Flask does); ``None``
        without a cookie, which keeps such requests free of any session work."""
        if not self._carries_session_cookie():
            return None
        sess = self.app.session_interface.open_session(self.app, self.request)
        if sess is not None:
            self._session = sess
        return sess

    def copy(self) -> RequestContext:
        """Return a new context for the same request object and session."""
        return self.__class__(
            self.app, environ=self.request.environ, request=self.request, session=self.session
        )

    def match_request(self) -> None:
        """Match the request against the URL map (done once, when the context is pushed)."""
        self.app._match(self)

    def push(self) -> None:
        """Make this the current request context, pushing an app context if needed."""
        app_ctx = _cv_app.get(None)
        if app_ctx is None or app_ctx.app is not self.app:
            app_ctx = self.app.app_context()
            app_ctx.push()
        else:
            app_ctx = None
        self._cv_tokens.append((_cv_request.set(self), app_ctx))
        if not self._matched:
            self.app._match(self)

    def pop(self, exc: BaseException | None = _sentinel) -> None:
        """Pop this context; the outermost pop runs teardown functions and closes the request."""
        clear_request = len(self._cv_tokens) == 1
        try:
            if clear_request:
                if exc is _sentinel:
                    exc = sys.exc_info()[1]
                self.app.do_teardown_request(exc)
                if self._request is not None:
                    self._request.close()
        finally:
            ctx = _cv_request.get()
            token, app_ctx = self._cv_tokens.pop()
            try:
                _cv_request.reset(token)
            except ValueError:
                # A push made inside an ``async def`` view (``stream_with_context`` does
                # one) happens in the view task's copy of the Context; popping it from the
                # WSGI thread cannot undo it there, and need not: the outer push's token,
                # reset later in this Context, restores the state.
                pass
            if app_ctx is not None:
                app_ctx.pop(exc)
            if ctx is not self:
                raise AssertionError(f"Popped wrong request context. ({ctx!r} instead of {self!r})")

    def __repr__(self) -> str:
        method = self.environ.get("REQUEST_METHOD")
        path = self.environ.get("PATH_INFO")
        return f"<RequestContext {method} {path!r} of {self.app.name!r}>"
