"""The request object: query, form, JSON, raw body, files, cookies, headers, URL parts and routing
information, plus the size limits and error statuses for bad request bodies."""

import io

import pytest

from kolba import Kolba, request


@pytest.fixture
def app():
    app = Kolba(__name__)
    app.testing = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def echo(app):
    """Registers GET/POST /echo answering repr(fn()) for a function of the request."""

    def register(fn):
        app.add_url_rule("/echo", "echo", lambda: repr(fn()), methods=["GET", "POST"])

    return register


def test_args_holds_query_parameters(client, echo):
    echo(lambda: request.args.to_dict())

    assert client.get("/echo?name=zs&age=20").text == "{'name': 'zs', 'age': '20'}"


def test_args_getlist_returns_every_value(client, echo):
    echo(lambda: request.args.getlist("fav"))

    assert client.get("/echo?fav=a&fav=b&fav=c").text == "['a', 'b', 'c']"


def test_args_get_of_missing_key_is_none(client, echo):
    echo(lambda: request.args.get("missing"))

    assert client.get("/echo").text == "None"


def test_args_subscript_of_missing_key_is_400(client, echo):
    echo(lambda: request.args["missing"])

    assert client.get("/echo").status_code == 400


def test_query_string_is_the_raw_bytes(client, echo):
    echo(lambda: request.query_string)

    assert client.get("/echo?user=xiaoming&age=16").text == "b'user=xiaoming&age=16'"


def test_form_holds_urlencoded_fields(client, echo):
    echo(lambda: request.form.to_dict())

    response = client.post("/echo", data={"name": "zs", "age": "20"})

    assert response.text == "{'name': 'zs', 'age': '20'}"


def test_form_holds_multipart_fields(client, echo):
    echo(lambda: request.form.to_dict())

    response = client.post("/echo", data={"name": "zs", "file": (io.BytesIO(b"x"), "a.txt")})

    assert response.text == "{'name': 'zs'}"


def test_form_getlist_returns_every_value(client, echo):
    echo(lambda: request.form.getlist("fav"))

    assert client.post("/echo", data={"fav": ["swimming", "TV"]}).text == "['swimming', 'TV']"


def test_values_combines_args_and_form(client, echo):
    echo(lambda: request.values.to_dict(flat=False))

    response = client.post("/echo?a=1&b=query", data={"b": "form"})

    assert response.text == "{'a': ['1'], 'b': ['query', 'form']}"


def test_json_property_parses_a_json_body(client, echo):
    echo(lambda: (request.json["name"], request.json["age"]))

    assert client.post("/echo", json={"name": "zs", "age": 20}).text == "('zs', 20)"


def test_get_json_parses_a_json_body(client, echo):
    echo(lambda: request.get_json())

    assert client.post("/echo", json=[1, 2]).text == "[1, 2]"


def test_get_json_on_non_json_content_type_is_415(client, echo):
    echo(lambda: request.get_json())

    response = client.post("/echo", data='{"a": 1}', content_type="text/plain")

    assert response.status_code == 415


def test_json_property_on_non_json_content_type_is_415(client, echo):
    echo(lambda: request.json)

    assert client.post("/echo", data={"a": "1"}).status_code == 415


def test_get_json_force_ignores_the_content_type(client, echo):
    echo(lambda: request.get_json(force=True))

    response = client.post("/echo", data='{"a": 1}', content_type="text/plain")

    assert response.text == "{'a': 1}"


def test_get_json_silent_returns_none_for_malformed_json(client, echo):
    echo(lambda: request.get_json(silent=True))

    response = client.post("/echo", data="{bad", content_type="application/json")

    assert response.text == "None"


def test_get_json_silent_returns_none_for_non_json_content_type(client, echo):
    echo(lambda: request.get_json(silent=True))

    assert client.post("/echo", data="x", content_type="text/plain").text == "None"


def test_malformed_json_is_400(client, echo):
    echo(lambda: request.get_json())

    response = client.post("/echo", data="{bad", content_type="application/json")

    assert response.status_code == 400


# kolba-specific: Flask lets the RecursionError escape (500); bad input must be a 4xx.
def test_absurdly_nested_json_is_400(client, echo):
    echo(lambda: request.get_json())

    response = client.post("/echo", data="[" * 100_000, content_type="application/json")

    assert response.status_code == 400


# kolba-specific: Flask lets the RecursionError escape even with silent=True.
def test_absurdly_nested_json_with_silent_is_none(client, echo):
    echo(lambda: request.get_json(silent=True))

    response = client.post("/echo", data="[" * 100_000, content_type="application/json")

    assert response.text == "None"


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [("application/json", True), ("application/vnd.api+json", True), ("text/plain", False)],
)
def test_is_json_follows_the_content_type(client, echo, content_type, expected):
    echo(lambda: request.is_json)

    assert client.post("/echo", data="{}", content_type=content_type).text == str(expected)


def test_data_holds_a_body_of_unknown_type(client, echo):
    echo(lambda: request.data)

    response = client.post("/echo", data=b"\x01raw", content_type="application/octet-stream")

    assert response.text == "b'\\x01raw'"


def test_data_holds_the_raw_json_body(client, echo):
    echo(lambda: request.data)

    response = client.post("/echo", data='{"a": 1}', content_type="application/json")

    assert response.text == "b'{\"a\": 1}'"


def test_data_is_empty_after_form_parsing(client, echo):
    echo(lambda: request.data)

    assert client.post("/echo", data={"a": "1"}).text == "b''"


def test_get_data_as_text_decodes_the_body(client, echo):
    echo(lambda: request.get_data(as_text=True))

    assert client.post("/echo", data="héllo", content_type="text/plain").text == "'héllo'"


def test_files_holds_an_uploaded_file(client, echo):
    def describe():
        upload = request.files["avatar"]
        return upload.filename, upload.content_type, upload.read()

    echo(describe)

    response = client.post("/echo", data={"avatar": (io.BytesIO(b"PNGDATA"), "s.png", "image/png")})

    assert response.text == "('s.png', 'image/png', b'PNGDATA')"


def test_files_getlist_returns_every_upload_for_a_field(client, echo):
    echo(lambda: [f.filename for f in request.files.getlist("avatar")])

    uploads = [(io.BytesIO(b"a"), "a.png"), (io.BytesIO(b"s"), "s.png")]
    response = client.post("/echo", data={"avatar": uploads})

    assert response.text == "['a.png', 's.png']"


def test_uploaded_file_can_be_saved(client, echo, tmp_path):
    target = tmp_path / "saved.txt"
    echo(lambda: request.files["file"].save(target))

    client.post("/echo", data={"file": (io.BytesIO(b"contents"), "up.txt")})

    assert target.read_bytes() == b"contents"


def test_files_is_empty_for_urlencoded_forms(client, echo):
    echo(lambda: len(request.files))

    assert client.post("/echo", data={"file": "not a file"}).text == "0"


def test_cookies_holds_request_cookies(client, echo):
    echo(lambda: request.cookies.get("user_id"))
    client.set_cookie("user_id", "100")

    assert client.get("/echo").text == "'100'"


def test_headers_lookup_ignores_case(client, echo):
    echo(lambda: (request.headers["company"], request.headers.get("COMPANY")))

    response = client.get("/echo", headers={"Company": "flask.edu"})

    assert response.text == "('flask.edu', 'flask.edu')"


def test_method_is_the_http_method(client, echo):
    echo(lambda: request.method)

    assert client.post("/echo").text == "'POST'"


def test_url_parts(client, echo):
    echo(
        lambda: (
            request.url,
            request.base_url,
            request.url_root,
            request.host_url,
            request.host,
            request.path,
            request.full_path,
        )
    )

    response = client.get("/echo?a=1", base_url="http://example.com:5000")

    assert response.text == repr(
        (
            "http://example.com:5000/echo?a=1",
            "http://example.com:5000/echo",
            "http://example.com:5000/",
            "http://example.com:5000/",
            "example.com:5000",
            "/echo",
            "/echo?a=1",
        )
    )


def test_script_root_comes_from_the_mount_point(client, echo):
    echo(lambda: (request.script_root, request.path, request.url_root))

    response = client.get("/echo", base_url="http://localhost/app")

    assert response.text == repr(("/app", "/echo", "http://localhost/app/"))


def test_remote_addr_is_the_client_address(client, echo):
    echo(lambda: request.remote_addr)

    assert client.get("/echo").text == "'127.0.0.1'"
    assert client.get("/echo", environ_base={"REMOTE_ADDR": "10.0.0.7"}).text == "'10.0.0.7'"


def test_user_agent_comes_from_the_header(client, echo):
    echo(lambda: request.user_agent.string)

    response = client.get("/echo", headers={"User-Agent": "PostmanRuntime/7.26.10"})

    assert response.text == "'PostmanRuntime/7.26.10'"


def test_content_type_and_mimetype(client, echo):
    echo(lambda: (request.content_type, request.mimetype))

    response = client.post("/echo", data="x", content_type="text/plain; charset=utf-8")

    assert response.text == "('text/plain; charset=utf-8', 'text/plain')"


def test_routing_information_of_the_matched_rule(app, client):
    @app.route("/items/<int:item_id>")
    def item(item_id):
        return repr((request.endpoint, request.view_args, request.url_rule.rule, request.blueprint))

    assert client.get("/items/3").text == repr(
        ("item", {"item_id": 3}, "/items/<int:item_id>", None)
    )


def test_max_content_length_rejects_a_larger_body_with_413(app, client, echo):
    app.config["MAX_CONTENT_LENGTH"] = 100
    echo(lambda: request.form.to_dict())

    assert client.post("/echo", data={"a": "x" * 10}).status_code == 200
    assert client.post("/echo", data={"a": "x" * 200}).status_code == 413


def test_max_content_length_applies_to_json_bodies(app, client, echo):
    app.config["MAX_CONTENT_LENGTH"] = 100
    echo(lambda: request.get_json())

    assert client.post("/echo", json=["x" * 200]).status_code == 413


def test_max_form_memory_size_rejects_a_large_form_field_with_413(app, client, echo):
    app.config["MAX_FORM_MEMORY_SIZE"] = 1000
    echo(lambda: request.form.to_dict())

    small = {"a": "x" * 10, "f": (io.BytesIO(b"file"), "f.txt")}
    big = {"a": "x" * 5000, "f": (io.BytesIO(b"file"), "f.txt")}
    assert client.post("/echo", data=small).status_code == 200
    assert client.post("/echo", data=big).status_code == 413


def test_max_form_parts_rejects_too_many_parts_with_413(app, client, echo):
    app.config["MAX_FORM_PARTS"] = 3
    echo(lambda: request.form.to_dict())

    few = {"a": "1", "f": (io.BytesIO(b"file"), "f.txt")}
    many = {"a": "1", "b": "2", "c": "3", "d": "4", "f": (io.BytesIO(b"file"), "f.txt")}
    assert client.post("/echo", data=few).status_code == 200
    assert client.post("/echo", data=many).status_code == 413


def test_request_outside_a_request_context_raises_runtime_error():
    with pytest.raises(RuntimeError):
        request.args  # noqa: B018
