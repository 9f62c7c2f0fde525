"""The app's logger: named after the app, writing to the WSGI error stream during requests."""

from __future__ import annotations

import logging
import sys
import typing as t

from werkzeug.local import LocalProxy

from .globals import _cv_request

if t.TYPE_CHECKING:
    from .app import Kolba


@LocalProxy
def wsgi_errors_stream() -> t.TextIO:
    """The request's ``wsgi.errors`` stream inside a request, else ``sys.stderr``."""
    ctx = _cv_request.get(None)
    if ctx is not None:
        return ctx.environ["wsgi.errors"]  # type: ignore[no-any-return]
    return sys.stderr


def has_level_handler(logger: logging.Logger) -> bool:
    """Whether a handler on ``logger`` or its parents handles the logger's effective level."""
    level = logger.getEffectiveLevel()
    current: logging.Logger | None = logger
    while current:
        if any(handler.level <= level for handler in current.handlers):
            return True
        if not current.propagate:
            break
        current = current.parent
    return False


#: The handler added to an app's logger when nothing else would show its messages.
default_handler: logging.Handler = logging.StreamHandler(wsgi_errors_stream)  # type: ignore[call-overload]
default_handler.setFormatter(
    logging.Formatter("[%(asctime)s] %(levelname)s in %(module)s: %(message)s")
)


def create_logger(app: Kolba) -> logging.Logger:
    """Return the logger for ``app``; DEBUG level in debug mode unless a level is set."""
    logger = logging.getLogger(app.name)
    if app.debug and not logger.level:
        logger.setLevel(logging.DEBUG)
    if not has_level_handler(logger):
        logger.addHandler(default_handler)
    return logger
