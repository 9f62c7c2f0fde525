"""Errors and helpers that explain common mistakes in debug mode, at Flask's ``debughelpers``
path: a file field read from a form sent without ``multipart/form-data``, a redirect that would
drop a form body, and the log of where a template was looked for."""

from __future__ import annotations

import typing as t

from jinja2.loaders import BaseLoader
from werkzeug.routing import RequestRedirect

if t.TYPE_CHECKING:
    from .app import Kolba
    from .scaffold import Scaffold
    from .wrappers import Request


class UnexpectedUnicodeError(AssertionError, UnicodeError):
    """Raised in places where bytes were expected and text was given."""


class DebugFilesKeyError(KeyError, AssertionError):
    """Raised in debug mode for a key missing from ``request.files`` when the form was not
    sent as ``multipart/form-data``, so the file was sent as a plain form field."""

    def __init__(self, request: Request, key: str) -> None:
        form_matches = request.form.getlist(key)
        buf = [
            f"You tried to access the file {key!r} in the request.files dictionary but it"
            " does not exist. The mimetype for the request is"
            f" {request.mimetype!r} instead of 'multipart/form-data' which means that no"
            " file contents were transmitted. To fix this error you should provide"
            ' enctype="multipart/form-data" in your form.'
        ]
        if form_matches:
            names = ", ".join(repr(x) for x in form_matches)
            buf.append(
                f"\n\nThe browser instead transmitted some file names. This was submitted: {names}"
            )
        self.msg = "".join(buf)

    def __str__(self) -> str:
        return self.msg


class FormDataRoutingRedirect(AssertionError):
    """Raised in debug mode when routing would redirect a request that carries a form body
    with a 301 or 302, which browsers follow without the body; 307 and 308 keep it."""

    def __init__(self, request: Request) -> None:
        exc = request.routing_exception
        assert isinstance(exc, RequestRedirect)
        buf = [
            f"A request was sent to '{request.url}', but routing issued a redirect to the"
            f" canonical URL '{exc.new_url}'."
        ]
        if f"{request.base_url}/" == exc.new_url.partition("?")[0]:
            buf.append(
                " The URL was defined with a trailing slash. Kolba will redirect to the URL"
                " with a trailing slash if it was accessed without one."
            )
        buf.append(
            " Send requests to the canonical URL, or use 307 or 308 for routing redirects."
            " Otherwise, browsers will drop form data.\n\nThis exception is only raised in"
            " debug mode."
        )
        super().__init__("".join(buf))


def attach_enctype_error_multidict(request: Request) -> None:
    """Make ``request.files[key]`` raise :class:`DebugFilesKeyError` instead of a plain
    ``KeyError`` for a key that was sent as a form field."""
    oldcls = request.files.__class__

    class newcls(oldcls):  # type: ignore[valid-type,misc]
        def __getitem__(self, key: str) -> t.Any:
            try:
                return super().__getitem__(key)
            except KeyError as e:
                if key not in request.form:
                    raise
                raise DebugFilesKeyError(request, key).with_traceback(e.__traceback__) from None

    newcls.__name__ = oldcls.__name__
    newcls.__module__ = oldcls.__module__
    request.files.__class__ = newcls


def explain_template_loading_attempts(
    app: Kolba,
    template: str,
    attempts: list[tuple[BaseLoader, Scaffold, tuple[str, str | None, t.Any] | None]],
) -> None:
    """Log, at info level on the app's logger, each loader tried for ``template`` and what it
    found (``EXPLAIN_TEMPLATE_LOADING``); ``attempts`` are (loader, app or blueprint, what
    its ``get_source`` returned or ``None``)."""
    lines = [f"Locating template {template!r}:"]
    found = 0
    for idx, (loader, srcobj, triple) in enumerate(attempts, 1):
        kind = "application" if srcobj is app else "blueprint"
        lines.append(f"{idx:5}: trying loader of {kind} {srcobj.name!r} ({srcobj.import_name})")
        lines.append(f"       class: {type(loader).__module__}.{type(loader).__name__}")
        if triple is None:
            lines.append("       -> no match")
        else:
            found += 1
            lines.append(f"       -> found ({triple[1] or '<string>'!r})")
    if found == 0:
        lines.append("Error: the template could not be found.")
        lines.append(
            "  Make sure the template is in a folder named 'templates' next to the app or"
            " blueprint module, or set template_folder."
        )
    elif found > 1:
        lines.append("Warning: multiple loaders returned a match; the first one is used.")
    app.logger.info("\n".join(lines))
