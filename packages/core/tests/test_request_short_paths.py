"""The request's short paths (urlencoded forms, the body stream, Content-Length, the context
proxies) give what werkzeug's general paths give, and step aside for customised requests."""

import io

import pytest
from werkzeug.datastructures import Headers
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser
from werkzeug.local import LocalProxy
from werkzeug.test import EnvironBuilder, run_wsgi_app
from werkzeug.wrappers import Request as WerkzeugRequest

from kolba import Kolba, Request, g, request, session


class _Parser(FormDataParser):
    """A parser subclass: kolba must hand the body to werkzeug's parser."""


class GeneralRequest(Request):
    form_data_parser_class = _Parser


BODIES = [
    b"name=Ada+Lovelace&email=ada%40example.org&age=36",
    b"a=1&a=2&b=&c&=d&&e=%",
    b"text=Engines+%26+numbers%2C+100%25+analytical.",
    b"bad=%ff%fe&ok=1",
    b"raw=\xff\xfe",
    b"caf%C3%A9=th%C3%A9&plus=a+b+c",
    b"semi=1;2&x=y",
    b"",
]


def _environ(body, content_type="application/x-www-form-urlencoded", **extra):
    environ = EnvironBuilder(method="POST", data=body, content_type=content_type).get_environ()
    environ.update(extra)
    return environ


@pytest.fixture
def app():
    app = Kolba(__name__)
    app.secret_key = "test"
    return app


@pytest.mark.parametrize("body", BODIES)
def test_urlencoded_forms_parse_as_werkzeug_parses_them(app, body):
    with app.app_context():
        ours = Request(_environ(body))
        theirs = GeneralRequest(_environ(body))
        plain = WerkzeugRequest(_environ(body))
        assert list(ours.form.items(multi=True)) == list(theirs.form.items(multi=True))
        assert list(ours.form.items(multi=True)) == list(plain.form.items(multi=True))
        assert not ours.files and type(ours.form) is type(theirs.form)
        assert ours.get_data() == theirs.get_data() == b""


def test_a_form_read_after_the_body_is_parsed_from_the_cached_body(app):
    with app.app_context():
        req = Request(_environ(b"a=1&b=2"))
        assert req.get_data() == b"a=1&b=2"
        assert req.form.to_dict() == {"a": "1", "b": "2"}


def test_a_form_over_max_content_length_is_413(app):
    app.config["MAX_CONTENT_LENGTH"] = 10
    client = app.test_client()

    @app.post("/")
    def view():
        return str(len(request.form))

    response = client.post("/", data={"field": "x" * 50})
    assert response.status_code == 413
    assert client.post("/", data={"f": "x"}).text == "1"


@pytest.mark.parametrize(
    ("length", "encoding", "expected"),
    [
        ("12", None, 12),
        ("012", None, 12),
        (" 12\t", None, 12),
        ("-3", None, 0),
        ("+3", None, 0),
        ("1_0", None, 0),
        ("\uff11", None, 0),
        ("", None, 0),
        (None, None, None),
        ("12", "chunked", None),
        ("12", "gzip", 12),
    ],
)
def test_content_length_is_werkzeugs(length, encoding, expected):
    environ = EnvironBuilder().get_environ()
    environ.pop("CONTENT_LENGTH", None)
    if length is not None:
        environ["CONTENT_LENGTH"] = length
    if encoding is not None:
        environ["HTTP_TRANSFER_ENCODING"] = encoding
    assert Request(environ).content_length == WerkzeugRequest(environ).content_length == expected


@pytest.mark.parametrize("terminated", [False, True])
@pytest.mark.parametrize("limit", [None, 4, 100])
def test_the_stream_keeps_werkzeugs_limits(app, terminated, limit):
    app.config["MAX_CONTENT_LENGTH"] = limit
    body = b"0123456789"
    extra = {"wsgi.input_terminated": True} if terminated else {}
    with app.app_context():

        def read(cls):
            environ = _environ(body, "application/octet-stream", **extra)
            environ["wsgi.input"] = io.BytesIO(body)
            req = cls(environ)
            req.max_content_length = limit
            try:
                return req.stream.read()
            except RequestEntityTooLarge:
                return 413

        assert read(Request) == read(WerkzeugRequest)


def test_a_shallow_request_refuses_its_stream(app):
    with app.app_context(), pytest.raises(RuntimeError, match="shallow"):
        Request(_environ(b"a=1"), shallow=True).stream  # noqa: B018


def test_the_context_proxies_are_werkzeug_proxies(app):
    @app.get("/")
    def view():
        g.user = "ada"
        session["visits"] = 1
        assert "visits" in session and session["visits"] == 1
        assert isinstance(request, Request) and isinstance(request, LocalProxy)
        assert request._get_current_object() is request._get_current_object()
        del g.user
        assert "user" not in g
        return request.args.get("q", "")

    assert app.test_client().get("/?q=hi").text == "hi"
    with pytest.raises(RuntimeError, match="outside of request context"):
        request.args  # noqa: B018
    with pytest.raises(RuntimeError, match="outside of request context"):
        session["x"]
    with pytest.raises(RuntimeError, match="outside of application context"):
        g.user  # noqa: B018
    assert not request and repr(request) == "<LocalProxy unbound>"


class _Trickle(io.RawIOBase):
    """A server's input stream that hands out at most `step` bytes per read, like a socket."""

    def __init__(self, data, step):
        self._data, self._step = data, step

    def readable(self):
        return True

    def read(self, size=-1):
        size = self._step if size is None or size < 0 else min(size, self._step)
        chunk, self._data = self._data[:size], self._data[size:]
        return chunk


def test_a_form_body_delivered_in_pieces_is_read_whole(app):
    body = b"name=Ada+Lovelace&email=ada%40example.org"
    environ = _environ(body)
    environ["wsgi.input"] = _Trickle(body, 3)
    with app.app_context():
        req = Request(environ)
        assert req.form.to_dict() == {"name": "Ada Lovelace", "email": "ada@example.org"}
        assert req.stream.read() == b"" and req.get_data() == b""


def test_a_form_body_cut_short_is_a_400_naming_the_cause(app, caplog):
    @app.post("/")
    def view():
        return str(len(request.form))

    environ = _environ(b"a=1&b=2")
    environ["wsgi.input"] = _Trickle(b"a=1", 2)  # the client went away after 3 of 7 bytes
    body, status, _ = run_wsgi_app(app, environ, buffered=True)
    assert status.startswith("400")
    assert b"could not be read completely" in b"".join(body)
    assert "ended after 3 of 7 bytes" in caplog.text


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "Application/X-WWW-Form-Urlencoded; charset=UTF-8",
        'multipart/form-data; boundary="abc"',
        "text/plain;format=flowed; charset=latin-1",
        "",
        "garbage;;;=",
    ],
)
def test_the_mimetype_and_its_parameters_are_werkzeugs_and_the_requests_own(app, content_type):
    def environ():
        return {**_environ(b""), "CONTENT_TYPE": content_type}

    first, second, plain = Request(environ()), Request(environ()), WerkzeugRequest(environ())
    assert first.mimetype == second.mimetype == plain.mimetype
    assert first.mimetype_params == plain.mimetype_params
    first.mimetype_params["changed"] = "yes"
    assert "changed" not in second.mimetype_params
    assert "changed" not in Request(environ()).mimetype_params


class _OwnHeaders(Request):
    """A request whose headers are not the environ's: kolba must read them, not the environ."""

    @property
    def headers(self):
        return Headers({"Content-Type": "application/json", "Content-Length": "2"})


def test_a_request_with_its_own_headers_is_read_through_them(app):
    req = _OwnHeaders(_environ(b"a=1"))
    assert req.mimetype == "application/json" and req.content_length == 2
    replaced = Request(_environ(b"a=1"))
    replaced.headers = Headers({"Content-Length": "5", "Content-Type": "text/plain"})
    assert replaced.content_length == 5 and replaced.mimetype == "text/plain"


def test_headers_and_server_are_werkzeugs(app):
    environ = EnvironBuilder(
        "/p", base_url="http://example.org:8080", headers={"X-Thing": "1"}
    ).get_environ()
    ours, plain = Request(environ), WerkzeugRequest(environ)
    assert ours.server == plain.server == ("example.org", 8080)
    assert dict(ours.headers) == dict(plain.headers) and ours.headers["X-Thing"] == "1"
    assert ours.headers is ours.headers


def test_uploaded_files_are_closed_with_the_request(app):
    environ = EnvironBuilder(
        method="POST", data={"f": (io.BytesIO(b"x" * 10), "a.txt")}
    ).get_environ()
    req = Request(environ)
    upload = req.files["f"]
    req.close()
    assert upload.stream.closed
    Request(_environ(b"a=1")).close()  # nothing parsed, nothing to close


def test_the_proxies_reach_public_and_underscore_names_of_the_current_object(app):
    @app.get("/items/<int:id>")
    def view(id):
        g._private = "p"
        g.public = "q"
        assert (g._private, g.public) == ("p", "q")
        assert request._cached_json == (Ellipsis, Ellipsis)
        assert request.path == "/items/7" and request.view_args == {"id": 7}
        assert request._get_current_object().path == "/items/7"
        with pytest.raises(AttributeError):
            g.missing  # noqa: B018
        with pytest.raises(AttributeError):
            g._missing  # noqa: B018
        return "ok"

    assert app.test_client().get("/items/7").text == "ok"


def test_a_host_werkzeug_blanks_but_idna_accepts_is_served_as_in_flask(app):
    @app.get("/")
    def view():
        return repr(request.host)

    def get(host):
        # Straight to the app: werkzeug's test client cannot build URLs for such hosts.
        environ = {**EnvironBuilder().get_environ(), "HTTP_HOST": host}
        body, status, _ = run_wsgi_app(app, environ, buffered=True)
        return int(status.split()[0]), b"".join(body).decode()

    # werkzeug gives "" for non-ASCII host characters; IDNA accepts these, so Flask serves it.
    assert get("ąśźäüжŠßя.com") == (200, "''")
    assert get("example.org") == (200, "'example.org'")
    status, text = get("xn--a.example")
    assert status == 400 and "Invalid host name &#39;xn--a.example&#39;" in text
    assert get("ж" * 70 + ".com")[0] == 400
