"""Responses: every value a view may return, make_response, cookies, jsonify, redirect and abort.
Assertions go through the test client's response (status, headers, body)."""

import pytest

from kolba import Kolba, Response, abort, jsonify, make_response, redirect, request, url_for


@pytest.fixture
def app():
    app = Kolba(__name__)
    app.testing = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def returns(app, client):
    """Registers GET / returning `value` and fetches it."""

    def fetch(value):
        app.add_url_rule("/", "index", lambda: value)
        return client.get("/")

    return fetch


def test_str_becomes_an_html_response(returns):
    response = returns("<h1>hello</h1>")

    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    assert response.data == b"<h1>hello</h1>"


def test_str_is_encoded_as_utf8(returns):
    assert returns("你好").data == "你好".encode()


def test_bytes_are_the_body(returns):
    response = returns(b"\x00raw")

    assert response.status_code == 200
    assert response.data == b"\x00raw"


def test_dict_becomes_json(returns):
    response = returns({"name": "xiaoming", "age": 16})

    assert response.mimetype == "application/json"
    assert response.json == {"name": "xiaoming", "age": 16}


def test_list_becomes_json(returns):
    response = returns([1, "two", None])

    assert response.mimetype == "application/json"
    assert response.json == [1, "two", None]


def test_generator_is_streamed(app, client):
    @app.route("/stream")
    def stream():
        def chunks():
            yield "a,"
            yield "b,"
            yield "c"

        return chunks()

    response = client.get("/stream")

    assert response.data == b"a,b,c"
    assert "Content-Length" not in response.headers


def test_response_object_is_returned_as_is(returns):
    response = returns(Response("made", status=201, mimetype="text/plain"))

    assert response.status == "201 CREATED"
    assert response.mimetype == "text/plain"
    assert response.data == b"made"


def test_wsgi_callable_is_called_as_the_response(returns):
    def wsgi_app(environ, start_response):
        start_response("202 Accepted", [("Content-Type", "text/plain")])
        return [b"from wsgi"]

    response = returns(wsgi_app)

    assert response.status_code == 202
    assert response.data == b"from wsgi"


def test_tuple_body_and_int_status(returns):
    response = returns(("<h1>hello</h1>", 400))

    assert response.status_code == 400
    assert response.data == b"<h1>hello</h1>"


def test_tuple_body_and_status_string(returns):
    assert returns(("made", "201 CREATED")).status == "201 CREATED"


def test_nonstandard_status_code_is_allowed(returns):
    assert returns(("odd", 666)).status_code == 666


def test_tuple_body_and_headers_dict(returns):
    response = returns(("body", {"Company": "flask.edu"}))

    assert response.status_code == 200
    assert response.headers["Company"] == "flask.edu"


def test_tuple_body_and_headers_list_keeps_repeated_headers(returns):
    response = returns(("body", [("X-Tag", "a"), ("X-Tag", "b")]))

    assert response.headers.getlist("X-Tag") == ["a", "b"]


def test_tuple_body_status_and_headers_dict(returns):
    response = returns(("Hello World!", 200, {"A": 1024}))

    assert response.status_code == 200
    assert response.headers["A"] == "1024"


def test_tuple_body_status_and_headers_list(returns):
    response = returns(("body", 201, [("Company", "flask.edu")]))

    assert response.status_code == 201
    assert response.headers["Company"] == "flask.edu"


def test_tuple_headers_can_set_the_content_type(returns):
    response = returns((b"\x89PNG", 200, {"Content-Type": "image/png"}))

    assert response.content_type == "image/png"


def test_tuple_status_overrides_a_returned_response(returns):
    response = returns((Response("r"), 201, {"X-Extra": "1"}))

    assert response.status_code == 201
    assert response.headers["X-Extra"] == "1"


def test_none_return_raises_type_error(returns):
    with pytest.raises(TypeError):
        returns(None)


def test_tuple_of_four_raises_type_error(returns):
    with pytest.raises(TypeError):
        returns(("body", 200, {}, "extra"))


def test_make_response_without_arguments_is_empty(app):
    with app.test_request_context():
        response = make_response()

    assert (response.status_code, response.data) == (200, b"")


def test_make_response_with_a_body(app):
    with app.test_request_context():
        response = make_response("body")

    assert (response.status_code, response.data) == (200, b"body")


def test_make_response_with_body_and_status(app):
    with app.test_request_context():
        response = make_response("<h1>hello</h1>", 201)

    assert (response.status_code, response.data) == (201, b"<h1>hello</h1>")


def test_make_response_with_body_status_and_headers(app):
    with app.test_request_context():
        response = make_response("body", 202, {"X-A": "1"})

    assert (response.status_code, response.headers["X-A"]) == (202, "1")


def test_make_response_with_body_and_headers(app):
    with app.test_request_context():
        response = make_response("body", {"X-A": "1"})

    assert (response.status_code, response.headers["X-A"]) == (200, "1")


def test_make_response_with_a_single_tuple(app):
    with app.test_request_context():
        response = make_response(("body", 404))

    assert (response.status_code, response.data) == (404, b"body")


def test_make_response_with_a_dict_is_json(app):
    with app.test_request_context():
        response = make_response({"a": 1})

    assert (response.mimetype, response.json) == ("application/json", {"a": 1})


def test_make_response_result_can_be_modified_in_a_view(app, client):
    @app.route("/")
    def index():
        response = make_response("body")
        response.headers["X-Modified"] = "yes"
        return response

    assert client.get("/").headers["X-Modified"] == "yes"


def test_header_value_with_newline_is_rejected(app):
    with app.test_request_context(), pytest.raises(ValueError):
        make_response("body", {"X-A": "a\r\nSet-Cookie: evil=1"})


def test_set_cookie_adds_a_set_cookie_header(app, client):
    @app.route("/")
    def index():
        response = make_response("cookie")
        response.set_cookie("user_id", "100")
        return response

    assert client.get("/").headers.getlist("Set-Cookie") == ["user_id=100; Path=/"]


def test_set_cookie_options_appear_in_the_header(app, client):
    @app.route("/")
    def index():
        response = make_response("cookie")
        response.set_cookie(
            "username", "xiaoming", max_age=3600, httponly=True, secure=True, samesite="Lax"
        )
        return response

    header = client.get("/").headers["Set-Cookie"]

    assert header.startswith("username=xiaoming;")
    for part in ("Max-Age=3600", "Secure", "HttpOnly", "SameSite=Lax", "Path=/", "Expires="):
        assert part in header


def test_delete_cookie_expires_the_cookie(app, client):
    @app.route("/")
    def index():
        response = make_response("bye")
        response.delete_cookie("username")
        return response

    header = client.get("/").headers["Set-Cookie"]

    assert header.startswith("username=;")
    assert "Max-Age=0" in header
    assert "Expires=Thu, 01 Jan 1970 00:00:00 GMT" in header


def test_cookie_set_by_a_response_is_sent_back_by_the_client(app, client):
    @app.route("/set")
    def set_cookie():
        response = make_response("set")
        response.set_cookie("flavor", "oatmeal")
        return response

    client.get("/set")

    assert client.get_cookie("flavor").value == "oatmeal"


def test_jsonify_a_dict(app):
    with app.test_request_context():
        response = jsonify({"name": "xiaoming", "age": 16})

    assert response.mimetype == "application/json"
    assert response.json == {"name": "xiaoming", "age": 16}


def test_jsonify_keyword_arguments_make_an_object(app):
    with app.test_request_context():
        assert jsonify(a=1, b=2).json == {"a": 1, "b": 2}


def test_jsonify_several_positional_arguments_make_a_list(app):
    with app.test_request_context():
        assert jsonify(1, "two").json == [1, "two"]


def test_jsonify_a_list(app):
    with app.test_request_context():
        assert jsonify([1, 2]).json == [1, 2]


def test_jsonify_sorts_keys(app):
    with app.test_request_context():
        assert jsonify({"z": 1, "a": 2}).data == b'{"a":2,"z":1}\n'


def test_jsonify_rejects_args_and_kwargs_together(app):
    with app.test_request_context(), pytest.raises(TypeError):
        jsonify(1, a=2)


def test_redirect_defaults_to_302_with_location(app):
    with app.test_request_context():
        response = redirect("/home")

    assert response.status_code == 302
    assert response.location == "/home"
    assert b'href="/home"' in response.data


def test_redirect_with_code_301(app):
    with app.test_request_context():
        response = redirect("https://www.qq.com", code=301)

    assert (response.status_code, response.location) == (301, "https://www.qq.com")


def test_redirect_returned_from_a_view_to_url_for(app, client):
    @app.route("/login")
    def login():
        return "login"

    @app.route("/user")
    def user():
        return redirect(url_for("login"))

    response = client.get("/user")

    assert response.status_code == 302
    assert response.location == "/login"


def test_abort_404_gives_a_not_found_page(app, client):
    @app.route("/")
    def index():
        abort(404)

    response = client.get("/")

    assert response.status_code == 404
    assert b"Not Found" in response.data


def test_abort_with_description_shows_it(app, client):
    @app.route("/")
    def index():
        abort(400, description="name is required")

    response = client.get("/")

    assert response.status_code == 400
    assert b"name is required" in response.data


def test_abort_with_a_response_sends_that_response(app, client):
    @app.route("/")
    def index():
        abort(Response("teapot", status=418))

    response = client.get("/")

    assert (response.status_code, response.data) == (418, b"teapot")


def test_abort_stops_the_view(app, client):
    reached = []

    @app.route("/")
    def index():
        abort(403)
        reached.append(True)

    assert client.get("/").status_code == 403
    assert reached == []


def test_redirect_to_a_target_with_a_line_break_is_a_400():  # kolba-specific
    app = Kolba(__name__)

    @app.route("/go")
    def go():
        return redirect(request.args["next"])

    rv = app.test_client().get("/go?next=/x%0d%0aSet-Cookie:%20a=b")
    assert rv.status_code == 400
    assert b"line break" in rv.data
    assert "Set-Cookie" not in rv.headers


# --- the short paths of Response give what werkzeug's general ones give ---------------------


def _wsgi(response, method="GET"):
    from werkzeug.test import EnvironBuilder

    environ = EnvironBuilder(method=method).get_environ()
    started = []
    body = b"".join(response(environ, lambda status, headers: started.append((status, headers))))
    return started[0][0], started[0][1], body


class _WerkzeugResponse(Response):
    """A subclass overriding set_data and get_app_iter: kolba must take werkzeug's paths."""

    def set_data(self, value):
        super().set_data(value)

    def get_app_iter(self, environ):
        return super().get_app_iter(environ)


@pytest.mark.parametrize(
    "args",
    [
        ("héllo",),
        (b"bytes",),
        ("created", 201),
        ("teapot", "418 I'M A TEAPOT"),
        ("plain", None, None, "text/plain"),
        ("", 204),
        ("not modified", 304),
        ("with header", 200, {"X-A": "1"}),
        ('{"a": 1}', None, None, "application/json"),
    ],
)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_short_paths_match_werkzeugs(args, method):
    ours = Response(*args)
    theirs = _WerkzeugResponse(*args)
    assert not _WerkzeugResponse._plain_init and not _WerkzeugResponse._plain_call
    assert ours.status == theirs.status and ours.status_code == theirs.status_code
    assert list(ours.headers) == list(theirs.headers)
    assert ours.get_data() == theirs.get_data()
    assert _wsgi(Response(*args), method) == _wsgi(_WerkzeugResponse(*args), method)


def test_a_response_with_a_location_gets_werkzeugs_header_fixes():
    response = Response("moved", 302)
    response.headers["Location"] = "/caf\u00e9"
    _, headers, _ = _wsgi(response)
    assert ("Location", "/caf%C3%A9") in headers


@pytest.mark.parametrize(
    "moved",
    [
        [("Location", "/caf\u00e9?q=\u00fc ber#top")],
        [("Location", "https://example.org/a b")],
        [("Content-Location", "/items/\u00e9")],
        [("Location", "/one"), ("Location", "/two")],
        [("Location", "/x"), ("X-A", "1"), ("Content-Location", "/y z")],
    ],
)
@pytest.mark.parametrize("status", [301, 302, 201, 204, 304])
def test_location_headers_match_werkzeugs(moved, status):
    def build(cls):
        response = cls("moved", status)
        for key, value in moved:
            response.headers.add(key, value)
        return response

    assert _wsgi(build(Response)) == _wsgi(build(_WerkzeugResponse))
    environ = __import__("werkzeug.test").test.EnvironBuilder().get_environ()
    ours = build(Response).get_wsgi_headers(environ)
    assert list(ours) == list(build(_WerkzeugResponse).get_wsgi_headers(environ))


def test_autocorrected_locations_are_werkzeugs():
    class Absolute(Response):
        autocorrect_location_header = True

    response = Absolute("moved", 302)
    response.headers["Location"] = "/next"
    _, headers, _ = _wsgi(response)
    assert ("Location", "http://localhost/next") in headers


def test_a_routing_redirect_is_the_apps_response_class(app, client):
    class Tagged(Response):
        pass

    app.response_class = Tagged
    seen = []

    @app.get("/cart/")
    def cart():
        return "cart"

    @app.after_request
    def record(response):
        seen.append(type(response))
        return response

    response = client.get("/cart?x=1")
    assert response.status_code == 308
    assert response.headers["Location"] == "http://localhost/cart/?x=1"
    assert b'href="http://localhost/cart/?x=1"' in response.data
    assert seen == [Tagged]


def test_close_callbacks_run_for_a_buffered_response():
    closed = []
    response = Response("bye")
    response.call_on_close(lambda: closed.append(True))
    app_iter = response(
        __import__("werkzeug.test").test.EnvironBuilder().get_environ(), lambda *a: None
    )
    assert b"".join(app_iter) == b"bye"
    app_iter.close()
    assert closed == [True]


def test_a_subclass_with_another_default_mimetype_is_honoured():
    class Plain(Response):
        default_mimetype = "text/plain"

    assert Plain("x").headers["Content-Type"] == "text/plain; charset=utf-8"
    assert Plain("x").content_length == 1


def test_changing_the_body_after_building_keeps_the_length_right():
    response = Response("short")
    response.set_data("a longer body")
    status, headers, body = _wsgi(response)
    assert body == b"a longer body"
    assert ("Content-Length", "13") in headers
