"""The request and response objects: werkzeug's, with kolba's routing and config attached.

Limits such as ``MAX_CONTENT_LENGTH`` are read from the current app's config.
"""

from __future__ import annotations

import typing as t
from http import HTTPStatus
from io import BytesIO
from urllib.parse import unquote

from werkzeug.datastructures import (
    Authorization,
    EnvironHeaders,
    Headers,
    ImmutableMultiDict,
)
from werkzeug.exceptions import (
    BadHost,
    BadRequest,
    ClientDisconnected,
    HTTPException,
    RequestEntityTooLarge,
)
from werkzeug.formparser import FormDataParser
from werkzeug.http import parse_cookie, parse_options_header
from werkzeug.urls import iri_to_uri
from werkzeug.utils import cached_property, get_content_type
from werkzeug.wrappers import Request as _WRequest
from werkzeug.wrappers import Response as _WResponse
from werkzeug.wsgi import LimitedStream, _get_server
from werkzeug.wsgi import get_content_length as _wsgi_content_length

from . import json
from ._bounded import remember
from .globals import _cv_app
from .helpers import _split_blueprint_path

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment
    from werkzeug.routing import Rule


def checked_host(host: str, header: str | None) -> str:
    """``host``, werkzeug's ``get_host`` value, unless it is a name IDNA rejects (``BadHost``,
    a 400). werkzeug's ``""`` (no Host header, or characters werkzeug does not allow) passes,
    as in Flask, unless the header itself is a name IDNA rejects."""
    if host:
        if not host_is_valid(host):
            raise BadHost(f"Invalid host name {host!r}.")
    elif header and not host_is_valid(header):
        raise BadHost(f"Invalid host name {header!r}.")
    return host


def host_is_valid(host: str) -> bool:
    """Whether ``host`` (``name[:port]``) is a name IDNA accepts both ways: labels of 1 to 63
    characters and ``xn--`` labels that decode. A Host header failing this is a 400 wherever
    the host is used, instead of a ``UnicodeError`` deep in URL building."""
    if host.startswith("["):
        return True  # an IPv6 literal; werkzeug checks its shape
    name = host.rpartition(":")[0] if host.count(":") == 1 else host
    if name.endswith("."):
        name = name[:-1]  # a trailing dot is allowed
    if not name:
        return False
    for label in name.split("."):
        if not 0 < len(label) <= 63:
            return False
        if label.isascii():
            if label[:4].lower() != "xn--":
                continue
            try:
                decoded = label.encode("ascii").decode("idna")
            except UnicodeError:
                return False
            if not decoded or decoded.encode("idna").decode("ascii").lower() != label.lower():
                return False
        else:
            try:
                if not 0 < len(label.encode("idna")) <= 63:
                    return False
            except UnicodeError:
                return False
    return True


_parsed_cookies: dict[str, ImmutableMultiDict[str, str]] = {}
_parsed_queries: dict[bytes, ImmutableMultiDict[str, str]] = {}


class _GuardedStream:
    """The request body stream, turning a failure of the server to deliver the body (a
    malformed or cut-off chunked body, a dropped connection) into a 400 with one log line
    instead of a 500 with a traceback, and holding a body without a Content-Length (chunked)
    to ``limit`` bytes: reading past it raises 413, so a view never sees a cut body as whole."""

    def __init__(self, stream: t.IO[bytes], limit: int | None, expected: int | None) -> None:
        self._stream = stream
        self._limit = limit
        self._expected = expected
        self._count = 0

    def _fail(self, e: Exception) -> t.NoReturn:
        # werkzeug reports a server's read error as ClientDisconnected; name the cause.
        cause = e.__cause__ if isinstance(e, ClientDisconnected) and e.__cause__ else e
        if isinstance(cause, HTTPException) and not isinstance(cause, ClientDisconnected):
            raise e  # 413 and the like pass unchanged
        ctx = _cv_app.get(None)
        if ctx is not None:
            ctx.app.logger.warning(
                "The request body could not be read: %s: %s",
                type(cause).__name__,
                repr(str(cause))[1:-1][:200],
            )
        raise BadRequest("The request body could not be read completely.") from e

    def _counted(self, data: bytes, size: int | None = -1) -> bytes:
        self._count += len(data)
        if self._limit is not None and self._count > self._limit:
            raise RequestEntityTooLarge()
        if not data and size != 0 and self._expected is not None and self._count < self._expected:
            # The server ended the body before its Content-Length: the client went away.
            raise OSError(f"the body ended after {self._count} of {self._expected} bytes")
        return data

    def _want(self, size: int | None) -> int | None:
        # With a limit, never ask for more than one byte past it.
        if self._limit is None:
            return size
        room = self._limit - self._count + 1
        return room if size is None or size < 0 else min(size, room)

    def read(self, size: int | None = -1) -> bytes:
        try:
            if size is not None and size >= 0:
                return self._counted(self._stream.read(self._want(size)), size)  # type: ignore[arg-type]
            parts = []
            while chunk := self._counted(self._stream.read(self._want(65536))):  # type: ignore[arg-type]
                parts.append(chunk)
            return b"".join(parts)
        except Exception as e:
            self._fail(e)

    def readline(self, size: int | None = -1) -> bytes:
        try:
            return self._counted(self._stream.readline(self._want(size)), size)  # type: ignore[arg-type]
        except Exception as e:
            self._fail(e)

    def readinto(self, buffer: t.Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def __iter__(self) -> t.Iterator[bytes]:
        while True:
            line = self.readline(65536)
            if not line:
                return
            yield line

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()

    def __getattr__(self, name: str) -> t.Any:
        return getattr(self._stream, name)


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

    def __init__(
        self, environ: WSGIEnvironment, populate_request: bool = True, shallow: bool = False
    ) -> None:
        # werkzeug's attributes, set as its constructor sets them (``headers`` and ``server``
        # on first use); the UTF-8 decoding of the WSGI path strings is skipped when they are
        # ASCII, where it changes nothing.
        self.method = environ.get("REQUEST_METHOD", "GET").upper()
        self.scheme = environ.get("wsgi.url_scheme", "http")
        root_path = environ.get("SCRIPT_NAME") or ""
        if not root_path.isascii():
            root_path = root_path.encode("latin1").decode(errors="replace")
        self.root_path = root_path.rstrip("/")
        path = environ.get("PATH_INFO") or ""
        if not path.isascii():
            path = path.encode("latin1").decode(errors="replace")
        self.path = "/" + path.lstrip("/")
        self.query_string = environ.get("QUERY_STRING", "").encode("latin1")
        self.remote_addr = environ.get("REMOTE_ADDR")
        self.environ = environ
        self.shallow = shallow
        if populate_request and not shallow:
            environ["werkzeug.request"] = self

    @cached_property
    def headers(self) -> EnvironHeaders:  # type: ignore[override]
        """The request headers, read from the environ."""
        return EnvironHeaders(self.environ)

    @cached_property
    def server(self) -> tuple[str, int | None] | None:
        """The server's ``(host, port)`` from ``SERVER_NAME`` and ``SERVER_PORT``."""
        return _get_server(self.environ)

    def close(self) -> None:
        """Close the uploaded files' handles; a request that parsed no files has none."""
        if self.__dict__.get("files"):
            super().close()

    max_content_length = _ConfigLimit("MAX_CONTENT_LENGTH")
    max_form_memory_size = _ConfigLimit("MAX_FORM_MEMORY_SIZE")
    max_form_parts = _ConfigLimit("MAX_FORM_PARTS")

    @cached_property
    def stream(self) -> t.IO[bytes]:
        """The body, limited by ``MAX_CONTENT_LENGTH`` (also when it is chunked), that turns a
        body the server cannot deliver into a 400."""
        if self.shallow:
            return _WRequest.stream.fget(self)  # type: ignore[attr-defined,no-any-return]
        # werkzeug's get_input_stream, step by step.
        environ = self.environ
        raw = environ["wsgi.input"]
        length = _environ_content_length(environ)
        limit = self.max_content_length
        if length is not None and limit is not None and length > limit:
            raise RequestEntityTooLarge()
        stream: t.IO[bytes]
        if "wsgi.input_terminated" in environ:
            stream = raw if limit is None else LimitedStream(raw, limit, is_max=True)  # type: ignore[assignment]
        elif length is None:
            stream = BytesIO()
        else:
            stream = LimitedStream(raw, length)  # type: ignore[assignment]
        length = self.content_length
        return _GuardedStream(stream, limit if length is None else None, length)  # type: ignore[return-value]

    def _headers_are_environ(self) -> bool:
        """Whether :attr:`headers` are this request's environ, read as they are (so a header
        can be read from the environ key directly)."""
        headers = self.__dict__.get("headers")
        if headers is None:
            return type(self).headers is _LAZY_HEADERS  # not built yet, or overridden
        return type(headers) is EnvironHeaders and headers.environ is self.environ

    @property
    def content_length(self) -> int | None:
        """The ``Content-Length`` as an int; ``None`` when absent or the body is chunked."""
        if self._headers_are_environ():
            return _environ_content_length(self.environ)
        return super().content_length

    def _parse_content_type(self) -> None:
        # werkzeug's, with the parse of a Content-Type value done once per value.
        d = self.__dict__
        if "_parsed_content_type" not in d:
            if self._headers_are_environ():
                header = self.environ.get("CONTENT_TYPE", "")
            else:
                header = self.headers.get("Content-Type", "")
            parsed = _parsed_content_types.get(header)
            if parsed is None:
                parsed = parse_options_header(header)
                if len(header) <= 256:
                    remember(_parsed_content_types, header, parsed, 512)
            # The parameters dict is the request's own: a view may change it.
            d["_parsed_content_type"] = (parsed[0], dict(parsed[1]))

    @cached_property
    def args(self) -> ImmutableMultiDict[str, str]:
        """The parsed query string. Like :attr:`cookies`, the parsed form of a query string
        is immutable and shared by the requests that send the same one."""
        query = self.query_string
        if not query or len(query) > 2048 or self.parameter_storage_class is not ImmutableMultiDict:
            return super().args  # type: ignore[return-value]
        args = _parsed_queries.get(query)
        if args is None:
            parsed: ImmutableMultiDict[str, str] = super().args  # type: ignore[assignment]
            args = remember(_parsed_queries, query, parsed, 512)
        return args

    @cached_property
    def cookies(self) -> ImmutableMultiDict[str, str]:
        """The request's cookies. The parsed form of a ``Cookie`` header is immutable and
        shared by the requests that send the same header."""
        header = self.environ.get("HTTP_COOKIE")
        if (
            header is None
            or len(header) > 8192
            or self.dict_storage_class is not ImmutableMultiDict
            or not self._headers_are_environ()
        ):
            return super().cookies
        cookies = _parsed_cookies.get(header)
        if cookies is None:
            parsed: ImmutableMultiDict[str, str] = parse_cookie(header, cls=ImmutableMultiDict)  # type: ignore[assignment]
            cookies = remember(_parsed_cookies, header, parsed, 512)
        return cookies

    @property
    def host(self) -> str:
        """The host the client asked for; a name IDNA rejects is a 400 (``BadHost``).

        werkzeug gives ``""`` when there is no Host header or it holds characters werkzeug
        does not allow in a host (any non-ASCII ones among them). As in Flask, the request
        goes on without a host then (routing works; subdomains and external URLs do not),
        unless the header is a name IDNA rejects.
        """
        return checked_host(super().host, self.environ.get("HTTP_HOST"))

    def _load_form_data(self) -> None:
        if not self._load_urlencoded():
            super()._load_form_data()
        # In debug mode, a file field read from a form sent without multipart/form-data
        # says so, instead of a bare KeyError.
        ctx = _cv_app.get(None)
        if (
            ctx is not None
            and ctx.app.debug
            and self.mimetype != "multipart/form-data"
            and not self.files
        ):
            from .debughelpers import attach_enctype_error_multidict

            attach_enctype_error_multidict(self)

    def _load_urlencoded(self) -> bool:
        """Parse an ``application/x-www-form-urlencoded`` body as werkzeug's form parser does
        (the same limits, items and silent failure on bad input), without building the
        parser; ``False`` leaves other bodies, and customised parsing, to werkzeug."""
        d = self.__dict__
        if (
            "form" in d
            or self.mimetype != "application/x-www-form-urlencoded"
            or self.form_data_parser_class is not FormDataParser
            or type(self).make_form_data_parser is not _WRequest.make_form_data_parser
            or type(self)._get_stream_for_parsing is not _WRequest._get_stream_for_parsing
        ):
            return False
        length = self.content_length
        limit = self.max_content_length
        if limit is not None and length is not None and length > limit:
            raise RequestEntityTooLarge()
        environ = self.environ
        if (
            length is None
            or "stream" in d
            or "_cached_data" in d
            or self.shallow
            or "wsgi.input_terminated" in environ
        ):
            stream = self._get_stream_for_parsing()
            body = stream.read()
        else:
            # The common case, a body of known length nobody has read: read it from the
            # server's stream directly. A body cut short is a 400, as from `stream`; what is
            # left for `stream` is the nothing werkzeug's exhausted stream would give.
            reader = _GuardedStream(environ["wsgi.input"], None, length)
            chunks = []
            remaining = length
            while remaining > 0:
                chunk = reader.read(remaining)  # an empty read before the end raises a 400
                chunks.append(chunk)
                remaining -= len(chunk)
            body = b"".join(chunks)
            stream = BytesIO()
        cls = self.parameter_storage_class
        try:
            form = cls(_form_items(body.decode()))
        except ValueError:
            form = cls()
        d["stream"], d["form"], d["files"] = stream, form, cls()
        return True

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


_LAZY_HEADERS = Request.__dict__["headers"]
_parsed_content_types: dict[str, tuple[str, dict[str, str]]] = {}


def _environ_content_length(environ: WSGIEnvironment) -> int | None:
    """werkzeug's ``get_content_length(environ)``, with a plain number read directly."""
    value = environ.get("CONTENT_LENGTH")
    if (
        value is not None
        and value.isdigit()
        and value.isascii()
        and environ.get("HTTP_TRANSFER_ENCODING") is None
    ):
        return int(value)
    return _wsgi_content_length(environ)


def _form_items(text: str) -> list[tuple[str, str]]:
    """``parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote")``, as werkzeug
    parses form bodies, with the unquoting skipped for fields that have nothing to unquote."""
    items = []
    for field in text.split("&"):
        if field:
            name, _, value = field.partition("=")
            if "%" in field:
                name = unquote(name.replace("+", " "), errors="werkzeug.url_quote")
                value = unquote(value.replace("+", " "), errors="werkzeug.url_quote")
            elif "+" in field:
                name = name.replace("+", " ")
                value = value.replace("+", " ")
            items.append((name, value))
    return items


_content_types: dict[str, str] = {}


def _content_type(mimetype: str) -> str:
    """``get_content_type(mimetype, "utf-8")``, computed once per mimetype."""
    ct = _content_types.get(mimetype)
    if ct is None:
        ct = _content_types[mimetype] = get_content_type(mimetype, "utf-8")
    return ct


_statuses: dict[t.Any, tuple[str, int]] = {}

#: The methods whose werkzeug versions the constant-time paths of ``Response`` stand in for;
#: a subclass that overrides any of them gets werkzeug's general path.
_INIT_METHODS = ("set_data", "status", "_clean_status")
_CALL_METHODS = ("get_wsgi_response", "get_wsgi_headers", "get_app_iter", "iter_encoded", "close")


def _ready_headers(response: Response) -> list[tuple[str, str]] | None:
    """A copy of the header list werkzeug's ``get_wsgi_headers`` would send for ``response``,
    when the only fix-ups that apply are turning a ``Location`` or ``Content-Location`` into a
    URI; ``None`` when the length must be computed or dropped, or a header is repeated.
    """
    status = response._status_code
    if status < 200 or status == 204 or status == 304:
        return None
    headers = response.headers._list
    if len(headers) == 2 and headers[1][0] == "Content-Length" and headers[0][0] == "Content-Type":
        return headers.copy()  # what Response builds from a str or bytes body
    has_length = False
    moved = False
    for key, _ in headers:
        lower = key.lower()
        if lower == "content-length":
            has_length = True
        elif lower == "location" or lower == "content-location":
            moved = True
    if not has_length:
        return None
    if not moved:
        return headers.copy()
    if response.autocorrect_location_header:
        return None
    ready = []
    seen = set()
    for key, value in headers:
        lower = key.lower()
        if lower == "location" or lower == "content-location":
            if lower in seen:
                return None
            seen.add(lower)
            value = _uri(value)
        ready.append((key, value))
    return ready


_uris: dict[str, str] = {}


def _uri(iri: str) -> str:
    """``iri_to_uri(iri)``, remembered for the few redirect targets an app sends."""
    uri = _uris.get(iri)
    if uri is None:
        uri = remember(_uris, iri, iri_to_uri(iri), 1024)
    return uri


class Response(_WResponse):
    """The response object used by default in kolba: HTML unless told otherwise.

    Building a response from a ``str`` or ``bytes`` body and sending a buffered response
    whose headers need no fix-up take short paths that give what werkzeug's general ones
    give; a subclass that overrides the methods those paths stand in for gets werkzeug's.
    """

    default_mimetype: str | None = "text/html"
    json_module: t.Any = json
    autocorrect_location_header = False
    _plain_init = True
    _plain_call = True

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._plain_init = all(
            getattr(cls, name) is getattr(Response, name) for name in _INIT_METHODS
        )
        cls._plain_call = all(
            getattr(cls, name) is getattr(Response, name) for name in _CALL_METHODS
        )

    def __init__(
        self,
        response: t.Iterable[bytes] | bytes | t.Iterable[str] | str | None = None,
        status: int | str | HTTPStatus | None = None,
        headers: t.Mapping[str, str | t.Iterable[str]] | t.Iterable[tuple[str, str]] | None = None,
        mimetype: str | None = None,
        content_type: str | None = None,
        direct_passthrough: bool = False,
    ) -> None:
        if (
            headers is None
            and content_type is None
            and not direct_passthrough
            and self._plain_init
            and self.automatically_set_content_length
        ):
            body_class = response.__class__
            if body_class is str:
                body: bytes = response.encode()  # type: ignore[union-attr]
            elif body_class is bytes:
                body = response  # type: ignore[assignment]
            else:
                body = None  # type: ignore[assignment]
            if body is not None:
                if mimetype is None:
                    mimetype = self.default_mimetype
                if status is None:
                    status = self.default_status
                cleaned = _statuses.get(status)
                if cleaned is None:
                    cleaned = self._clean_status(status)
                    if status.__class__ is int:
                        _statuses[status] = cleaned
                self._status, self._status_code = cleaned
                headers_ = self.headers = Headers.__new__(Headers)
                if mimetype is None:
                    headers_._list = [("Content-Length", str(len(body)))]
                else:
                    headers_._list = [
                        ("Content-Type", _content_type(mimetype)),
                        ("Content-Length", str(len(body))),
                    ]
                self.direct_passthrough = False
                self._on_close = []
                self.response = [body]
                return
        super().__init__(response, status, headers, mimetype, content_type, direct_passthrough)

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> t.Iterable[bytes]:
        """Send this response as a WSGI application.

        A buffered body of bytes whose headers already carry its length, with no Location
        header and a status that keeps its body, goes out as it is: that is what werkzeug's
        fix-ups would leave of it.
        """
        body = self.response
        if (
            self._plain_call
            and body.__class__ is list
            and not self._on_close
            and not self.direct_passthrough
            and (
                body[0].__class__ is bytes
                if len(body) == 1
                else all(chunk.__class__ is bytes for chunk in body)
            )
        ):
            headers = _ready_headers(self)
            if headers is not None:
                start_response(self._status, headers)
                if environ["REQUEST_METHOD"] == "HEAD":
                    return []
                return body
        return super().__call__(environ, start_response)

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
        ready = _ready_headers(self)
        if ready is None:
            return super().get_wsgi_headers(environ)
        # A copy, as werkzeug gives, without re-validating values that were checked when set.
        headers = Headers.__new__(Headers)
        headers._list = ready
        return headers

    @property
    def max_cookie_size(self) -> int:  # type: ignore[override]
        """Cookies larger than this warn; ``MAX_COOKIE_SIZE`` from the current app's config."""
        ctx = _cv_app.get(None)
        if ctx is not None:
            return ctx.app.config["MAX_COOKIE_SIZE"]  # type: ignore[no-any-return]
        return super().max_cookie_size
