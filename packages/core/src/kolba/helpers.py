"""Helpers used from views: URL building, redirects, aborts, flashing and file responses.

They act on the current app and request through the context-local proxies.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import typing as t
from datetime import datetime
from functools import cache, update_wrapper

import werkzeug.utils
from werkzeug.exceptions import abort as _wz_abort
from werkzeug.utils import redirect as _wz_redirect

from .globals import _cv_app, _cv_request, current_app, request, request_ctx, session
from .signals import message_flashed

_unset: t.Any = object()

if t.TYPE_CHECKING:
    from werkzeug.wrappers import Response as BaseResponse

    from .wrappers import Response


def get_debug_flag() -> bool:
    """Whether debug mode is asked for by ``KOLBA_DEBUG`` (or ``FLASK_DEBUG``)."""
    val = os.environ.get("KOLBA_DEBUG") or os.environ.get("FLASK_DEBUG")
    return bool(val and val.lower() not in {"0", "false", "no"})


def get_load_dotenv(default: bool = True) -> bool:
    """Whether ``.env`` files should be loaded; ``KOLBA_SKIP_DOTENV`` turns it off."""
    val = os.environ.get("KOLBA_SKIP_DOTENV") or os.environ.get("FLASK_SKIP_DOTENV")
    if not val:
        return default
    return val.lower() in ("0", "false", "no")


def stream_with_context(
    generator_or_function: t.Iterator[t.AnyStr] | t.Callable[..., t.Iterator[t.AnyStr]],
) -> t.Iterator[t.AnyStr]:
    """Keep the request context active while a streamed response's generator runs.

    Use it on a generator object, or as a decorator on a generator function.
    """
    try:
        gen = iter(generator_or_function)  # type: ignore[arg-type]
    except TypeError:

        def decorator(*args: t.Any, **kwargs: t.Any) -> t.Any:
            gen = generator_or_function(*args, **kwargs)  # type: ignore[operator]
            return stream_with_context(gen)

        return update_wrapper(decorator, generator_or_function)  # type: ignore[arg-type,return-value]

    def generator() -> t.Iterator[t.AnyStr | None]:
        ctx = _cv_request.get(None)
        if ctx is None:
            raise RuntimeError(
                "'stream_with_context' can only be used when a request context is active,"
                " such as in a view function."
            )
        with ctx:
            yield None
            try:
                yield from gen
            finally:
                close = getattr(gen, "close", None)
                if close is not None:
                    close()

    wrapped = generator()
    next(wrapped)
    return wrapped  # type: ignore[return-value]


def make_response(*args: t.Any) -> Response:
    """Turn a view's return value (or the same arguments a view may return) into a response.

    With no arguments, return an empty response.
    """
    if not args:
        return current_app.response_class()
    if len(args) == 1:
        args = args[0]
    return current_app.make_response(args)


def url_for(
    endpoint: str,
    *,
    _anchor: str | None = None,
    _method: str | None = None,
    _scheme: str | None = None,
    _external: bool | None = None,
    **values: t.Any,
) -> str:
    """Build the URL of ``endpoint`` with ``values`` for its rule's arguments.

    Unknown keys become the query string. ``_external`` gives an absolute URL (the default
    outside a request), ``_scheme`` its scheme, ``_anchor`` a fragment and ``_method`` picks
    the rule for that method. ``'.name'`` is relative to the current blueprint.
    """
    return current_app.url_for(
        endpoint,
        _anchor=_anchor,
        _method=_method,
        _scheme=_scheme,
        _external=_external,
        **values,
    )


def redirect(
    location: str, code: int = 302, Response: type[BaseResponse] | None = None
) -> BaseResponse:
    """Return a redirect response to ``location`` (302 unless ``code`` says otherwise)."""
    ctx = _cv_app.get(None)
    if ctx is not None:
        return ctx.app.redirect(location, code=code)
    return _wz_redirect(location, code=code, Response=Response)


def abort(code: int | BaseResponse, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    """Raise the HTTP exception for ``code``, or stop with the given response object."""
    ctx = _cv_app.get(None)
    if ctx is not None:
        ctx.app.aborter(code, *args, **kwargs)
    _wz_abort(code, *args, **kwargs)


def get_template_attribute(template_name: str, attribute: str) -> t.Any:
    """Return a macro or variable exported by a template, callable from Python."""
    return getattr(current_app.jinja_env.get_template(template_name).module, attribute)


def flash(message: str, category: str = "message") -> None:
    """Store a message in the session for the next request to show.

    ``category`` groups messages (``"error"``, ``"info"`` ...).
    """
    flashes = session.get("_flashes", [])
    flashes.append((category, message))
    session["_flashes"] = flashes
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if message_flashed.receivers:
        message_flashed.send(
            app, _async_wrapper=app.ensure_sync, message=message, category=category
        )


def get_flashed_messages(
    with_categories: bool = False, category_filter: t.Iterable[str] = ()
) -> list[str] | list[tuple[str, str]]:
    """Return the flashed messages and remove them from the session.

    Repeated calls in one request return the same messages. ``with_categories`` returns
    ``(category, message)`` pairs; ``category_filter`` keeps only the given categories.
    """
    flashes = request_ctx.flashes
    if flashes is None:
        flashes = session.pop("_flashes") if "_flashes" in session else []
        request_ctx.flashes = flashes
    if category_filter:
        flashes = [f for f in flashes if f[0] in category_filter]
    if not with_categories:
        return [f[1] for f in flashes]
    return flashes


def view_decorator(
    around: t.Callable[..., t.Any],
) -> t.Callable[[t.Callable[..., t.Any]], t.Callable[..., t.Any]]:
    """Build a view decorator that works the same on ``def`` and ``async def`` views.

    ``around(call_view, *args, **kwargs)`` receives the view's URL arguments and a
    ``call_view()`` that runs the view (an ``async def`` view runs on the thread's event loop)
    and returns its value. ``around`` may return something else instead of calling it::

        @view_decorator
        def login_required(call_view, **kwargs):
            if g.user is None:
                return redirect(url_for("auth.login"))
            return call_view()

    The decorated view keeps the original's name, docstring and attributes.
    """

    def decorator(view: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
            def call_view() -> t.Any:
                return current_app.ensure_sync(view)(*args, **kwargs)

            return around(call_view, *args, **kwargs)

        return update_wrapper(wrapper, view)

    return update_wrapper(decorator, around)


def get_identity() -> t.Any:
    """Return who is calling, as the first plugin implementing ``kolba_identify`` says
    (``None`` when no plugin recognises the request). Asked once per request."""
    ctx = request_ctx._get_current_object()  # type: ignore[attr-defined]
    identity = ctx._identity
    if identity is _unset:
        app = ctx.app
        identity = None
        if app.plugins.implemented("kolba_identify"):
            identity = app.plugins.hook.kolba_identify(app=app, request=ctx.request)
        ctx._identity = identity
    return identity


def _prepare_send_file_kwargs(**kwargs: t.Any) -> dict[str, t.Any]:
    if kwargs.get("max_age") is None:
        kwargs["max_age"] = current_app.get_send_file_max_age
    kwargs.update(
        environ=request.environ,
        use_x_sendfile=current_app.config["USE_X_SENDFILE"],
        response_class=current_app.response_class,
        _root_path=current_app.root_path,
    )
    return kwargs


def send_file(
    path_or_file: os.PathLike[t.AnyStr] | str | t.BinaryIO,
    mimetype: str | None = None,
    as_attachment: bool = False,
    download_name: str | None = None,
    conditional: bool = True,
    etag: bool | str = True,
    last_modified: datetime | int | float | None = None,
    max_age: None | (int | t.Callable[[str | None], int | None]) = None,
) -> Response:
    """Send a file (a path, relative to the app's root, or a binary file object).

    Conditional requests (ETag, Last-Modified) and byte ranges are answered; ``as_attachment``
    with ``download_name`` makes browsers save it. ``max_age`` defaults to
    ``SEND_FILE_MAX_AGE_DEFAULT``.
    """
    return werkzeug.utils.send_file(  # type: ignore[return-value]
        **_prepare_send_file_kwargs(
            path_or_file=path_or_file,
            mimetype=mimetype,
            as_attachment=as_attachment,
            download_name=download_name,
            conditional=conditional,
            etag=etag,
            last_modified=last_modified,
            max_age=max_age,
        )
    )


def send_from_directory(
    directory: os.PathLike[str] | str, path: os.PathLike[str] | str, **kwargs: t.Any
) -> Response:
    """Send ``path`` from inside ``directory``; anything that escapes the directory is a 404.

    ``path`` may come from the URL: ``..``, absolute paths and NUL bytes are refused.
    """
    return werkzeug.utils.send_from_directory(  # type: ignore[return-value]
        directory, path, **_prepare_send_file_kwargs(**kwargs)
    )


def get_root_path(import_name: str) -> str:
    """Return the folder of the module or package ``import_name`` (the cwd if unknown)."""
    mod = sys.modules.get(import_name)
    if mod is not None and hasattr(mod, "__file__") and mod.__file__ is not None:
        return os.path.dirname(os.path.abspath(mod.__file__))
    try:
        spec = importlib.util.find_spec(import_name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or spec.loader is None:
        return os.getcwd()
    if spec.origin in (None, "namespace", "built-in", "frozen"):
        locations = spec.submodule_search_locations
        if locations:
            return os.path.abspath(next(iter(locations)))
        return os.getcwd()
    filepath = spec.origin
    if filepath is None:
        raise RuntimeError(
            f"No root path can be found for the provided module {import_name!r}. Pass the"
            " folder explicitly as 'root_path'."
        )
    return os.path.dirname(os.path.abspath(filepath))


@cache
def _split_blueprint_path(name: str) -> list[str]:
    out: list[str] = [name]
    if "." in name:
        out.extend(_split_blueprint_path(name.rpartition(".")[0]))
    return out
