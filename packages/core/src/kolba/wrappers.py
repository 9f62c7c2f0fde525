"""The request and response objects: werkzeug's, with kolba's routing and config attached.

Limits such as ``MAX_CONTENT_LENGTH`` are read from the current app's config.
"""

from __future__ import annotations

import typing as t

from werkzeug.datastructures import Authorization, Headers
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Request as _WRequest
from werkzeug.wrappers import Response as _WResponse

from . import json
from .globals import _cv_app
from .helpers import _split_blueprint_path

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment
    from werkzeug.exceptions import HTTPException
    from werkzeug.routing import Rule


class _ConfigLimit:
    """A request size limit read from the current app's config key of the same meaning.

    Assigning on a request overrides it for that request; outside an app context werkzeug's
    default applies. Larger input gives 413.
    """

    def __init__(self, key: str) -> None:
        self.key = key

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.attr = f"_{name}"

    def __get__(self, request: _WRequest | None, owner: type | None = None) -> t.Any:
        if request is None:
            return self
        value = request.__dict__.get(self.attr)
        if value is not None:
            return value
        ctx = _cv_app.get(None)
        if ctx is None:
            return getattr(_WRequest, self.name)
        return ctx.app.config[self.key]

    def __set__(self, request: _WRequest, value: int | None) -> None:
        request.__dict__[self.attr] = value


class Request(_WRequest):
    """The request object used by default in kolba.

    Adds the matched :attr:`url_rule` and :attr:`view_args`, the :attr:`endpoint` and
    :attr:`blueprint` names, and size limits taken from the app's config.
    """

    json_module: t.Any = json

    #: The rule that matched the request, or ``None`` when matching failed.
    url_rule: Rule | None = None
    #: The arguments matched from the URL, or ``None`` when matching failed.
    view_args: dict[str, t.Any] | None = None
    #: The HTTP exception raised while matching (404, 405, a redirect), if any.
    routing_exception: HTTPException | None = None

    max_content_length = _ConfigLimit("MAX_CONTENT_LENGTH")
    max_form_memory_size = _ConfigLimit("MAX_FORM_MEMORY_SIZE")
    max_form_parts = _ConfigLimit("MAX_FORM_PARTS")

    @property
    def authorization(self) -> Authorization | None:
        """The parsed ``Authorization`` header; ``None`` when absent or malformed (a
        malformed header must not turn into a server error)."""
        try:
            return super().authorization
        except ValueError:
            return None

    @property
    def endpoint(self) -> str | None:
        """The endpoint of the matched rule, or ``None``."""
        if self.url_rule is not None:
            return t.cast(str, self.url_rule.endpoint)
        return None

    @property
    def blueprint(self) -> str | None:
        """The registered name of the blueprint that handles the request, or ``None``."""
        endpoint = self.endpoint
        if endpoint is not None and "." in endpoint:
            return endpoint.rpartition(".")[0]
        return None

    @property
    def blueprints(self) -> list[str]:
        """The current blueprint's name and its parents' names, innermost first."""
        name = self.blueprint
        if name is None:
            return []
        return list(_split_blueprint_path(name))

    def on_json_loading_failed(self, e: ValueError | None) -> t.Any:
        try:
            return super().on_json_loading_failed(e)
        except BadRequest as ebr:
            ctx = _cv_app.get(None)
            if ctx is not None and ctx.app.debug:
                raise
            raise BadRequest() from ebr


class Response(_WResponse):
    """The response object used by default in kolba: HTML unless told otherwise."""

    default_mimetype: str | None = "text/html"
    json_module: t.Any = json
    autocorrect_location_header = False

    def set_cookie(self, key: str, value: str | bytes = "", *args: t.Any, **kwargs: t.Any) -> None:
        """Set a cookie; ``value`` may also be bytes (decoded as UTF-8), as older code
        passes."""
        if isinstance(value, bytes):
            value = value.decode("utf-8")
        super().set_cookie(key, value, *args, **kwargs)

    def get_wsgi_headers(self, environ: WSGIEnvironment) -> Headers:
        """The headers to send: werkzeug's fix-ups (Location and Content-Location as URIs,
        Content-Length computed or dropped by status) only when one applies.

        Responses kolba builds carry their Content-Length already; for those, with no
        Location header and a status that keeps its body, the headers go out as they are.
        """
        status = self.status_code
        if status < 200 or status == 204 or status == 304:
            return super().get_wsgi_headers(environ)
        has_length = False
        for key, _ in self.headers:
            lower = key.lower()
            if lower == "content-length":
                has_length = True
            elif lower == "location" or lower == "content-location":
                return super().get_wsgi_headers(environ)
        if not has_length:
            return super().get_wsgi_headers(environ)
        # A copy, as werkzeug gives, without re-validating values that were checked when set.
        headers = Headers.__new__(Headers)
        headers._list = self.headers._list.copy()
        return headers

    @property
    def max_cookie_size(self) -> int:  # type: ignore[override]
        """Cookies larger than this warn; ``MAX_COOKIE_SIZE`` from the current app's config."""
        ctx = _cv_app.get(None)
        if ctx is not None:
            return ctx.app.config["MAX_COOKIE_SIZE"]  # type: ignore[no-any-return]
        return super().max_cookie_size
