"""The request's short paths (urlencoded forms, the body stream, Content-Length, the context
proxies) give what werkzeug's general paths give, and step aside for customised requests."""

import io

import pytest
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser
from werkzeug.local import LocalProxy
from werkzeug.test import EnvironBuilder
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
    assert not request and repr(request) == "<_Proxy unbound>"
