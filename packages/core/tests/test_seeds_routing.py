"""The tutorials' examples of routing, converters, request data, responses and redirects, ported
with `flask` renamed to `kolba`; each test asserts what the tutorial says the output is."""

import io
import json
import uuid
from urllib.parse import parse_qs

import pytest
from werkzeug.routing import BaseConverter

from kolba import Kolba, Response, abort, jsonify, make_response, redirect, request, url_for


@pytest.fixture
def app():
    app = Kolba(__name__)
    app.testing = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def printed(capsys):
    return capsys.readouterr().out.splitlines()


# Seed 000: 开始 / 路由 / 请求 / 响应


def test_seed000_minimal_app(app, client):
    @app.route("/")
    def index():
        return "<h1>Hello World!</h1>"

    assert client.get("/").text == "<h1>Hello World!</h1>"


def test_seed000_route_methods(app, client):
    @app.route("/", methods=["GET", "POST", "PATH", "DELETE"])
    def index():
        return "<h1>Hello World!</h1>"

    for method in ("get", "post", "delete"):
        assert getattr(client, method)("/").text == "<h1>Hello World!</h1>"
    assert client.put("/").status_code == 405


def test_seed000_url_map_and_iter_rules(app, capsys):
    @app.route("/")
    def index():
        return "<h1>Hello World!</h1>"

    @app.route("/swiper", methods=["POST", "PATCH", "DELETE"])
    def swiper():
        return "<h1>Swiper!</h1>"

    print(app.url_map)
    for item in app.url_map.iter_rules():
        print(f"URL：{item.rule}  请求方式：{item.methods}  视图函数：{item.endpoint}")

    out = capsys.readouterr().out
    assert "-> swiper>" in out
    assert "URL：/swiper  请求方式：" in out
    assert "视图函数：swiper" in out
    assert {r.rule: r.methods for r in app.url_map.iter_rules()}["/swiper"] == {
        "POST",
        "PATCH",
        "DELETE",
        "OPTIONS",
    }


def test_seed000_route_variable(app, client, capsys):
    @app.route("/<id>")
    def index(id):
        print(id)  # 100
        return f"<h1>{id}</h1>"

    assert client.get("/100").text == "<h1>100</h1>"
    assert printed(capsys) == ["100"]


def test_seed000_route_variable_is_a_str(app, client, capsys):
    @app.route("/<id>")
    def index(id):
        print(type(id))  # <class 'str'>
        return f"<h1>{id}</h1>"

    client.get("/100")
    assert printed(capsys) == ["<class 'str'>"]


def test_seed000_int_converter(app, client, capsys):
    @app.route("/<int:id>")
    def index(id):
        print(type(id))  # <class 'int'>
        return f"<h1>{id}</h1>"

    assert client.get("/100").text == "<h1>100</h1>"
    assert printed(capsys) == ["<class 'int'>"]


def test_seed000_converters_listing(app):
    assert list(app.url_map.converters) == [
        "default",
        "string",
        "any",
        "path",
        "int",
        "float",
        "uuid",
    ]


def test_seed000_request_args(app, client, capsys):
    @app.route("/")
    def index():
        print(request.args)
        print(request.args.get("name"))  # zs
        print(request.args.get("age"))  # 20
        return "<h1>Hello World!</h1>"

    client.get("/?name=zs&age=20")
    assert printed(capsys) == [
        "ImmutableMultiDict([('name', 'zs'), ('age', '20')])",
        "zs",
        "20",
    ]


def test_seed000_request_form(app, client, capsys):
    @app.route("/", methods=["POST"])
    def index():
        print(request.form)
        print(request.form.get("name"))  # zs
        print(request.form.get("age"))  # 20
        return "<h1>Hello World!</h1>"

    client.post("/", data={"name": "zs", "age": "20"})
    assert printed(capsys) == [
        "ImmutableMultiDict([('name', 'zs'), ('age', '20')])",
        "zs",
        "20",
    ]


def test_seed000_request_json(app, client, capsys):
    @app.route("/", methods=["POST"])
    def index():
        print(request.json)
        print(request.json.get("name"))  # zs
        print(request.json.get("age"))  # 20
        return "<h1>Hello World!</h1>"

    client.post("/", data='{"name": "zs", "age": 20}', content_type="application/json")
    assert printed(capsys) == ["{'name': 'zs', 'age': 20}", "zs", "20"]


def test_seed000_request_files(app, client, capsys):
    @app.route("/", methods=["POST"])
    def index():
        print(request.files)
        print(request.files.get("file"))
        return "<h1>Hello World!</h1>"

    name = "b553f564f81a80dc338695acb1b475d2.jpg"
    client.post("/", data={"file": (io.BytesIO(b"JPEG"), name, "image/jpeg")})
    storage = f"<FileStorage: '{name}' ('image/jpeg')>"
    assert printed(capsys) == [f"ImmutableMultiDict([('file', {storage})])", storage]


def test_seed000_static_folder(tmp_path):
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "avatar.jpg").write_bytes(b"JPEG")
    app = Kolba(__name__, root_path=str(tmp_path))

    assert app.test_client().get("/static/avatar.jpg").data == b"JPEG"


def test_seed000_custom_static_folder(tmp_path):
    (tmp_path / "image").mkdir()
    (tmp_path / "image" / "avatar.jpg").write_bytes(b"JPEG")
    app = Kolba(__name__, static_folder="image", root_path=str(tmp_path))

    assert app.test_client().get("/image/avatar.jpg").data == b"JPEG"


def test_seed000_custom_static_url_path(tmp_path):
    (tmp_path / "image").mkdir()
    (tmp_path / "image" / "avatar.jpg").write_bytes(b"JPEG")
    app = Kolba(__name__, static_folder="image", static_url_path="/", root_path=str(tmp_path))

    assert app.test_client().get("/avatar.jpg").data == b"JPEG"


def test_seed000_three_return_values(app, client):
    @app.route("/")
    def index():
        return "Hello World!", 200, {"A": 1024}

    response = client.get("/")
    assert (response.text, response.status_code, response.headers["A"]) == (
        "Hello World!",
        200,
        "1024",
    )


def test_seed000_redirect(app, client):
    @app.route("/home")
    def index():
        return "Hello World!"

    @app.route("/www")
    def www():
        return redirect("/home")

    response = client.get("/www")
    assert (response.status_code, response.location) == (302, "/home")
    assert client.get("/www", follow_redirects=True).text == "Hello World!"


# Seed 001: 路由的基本定义 ... 自定义状态码和响应头


def test_seed001_manage_py(app, client):
    @app.route("/")
    def index():
        return "<h1>hello flask</h1>"

    assert client.get("/").text == "<h1>hello flask</h1>"


def test_seed001_lowercase_methods(app, client):
    app.config["DEBUG"] = True

    @app.route(rule="/", methods=["get", "post"])
    def index():
        return "<h1>hello flask1</h1>"

    assert client.get("/").text == client.post("/").text == "<h1>hello flask1</h1>"


def test_seed001_any_route_parameters(app, client, capsys):
    @app.route("/goods/<cid>/<gid>")
    def goods(gid, cid):
        print(gid, type(gid))
        print(cid, type(cid))
        return f"显示cid={cid},gid={gid}的商品信息"

    assert client.get("/goods/10/20").text == "显示cid=10,gid=20的商品信息"
    assert printed(capsys) == ["20 <class 'str'>", "10 <class 'str'>"]


def test_seed001_typed_route_parameters(app, client, capsys):
    @app.route("/goods/<float:cid>/<uuid:gid>")
    def goods(gid, cid):
        print(gid, type(gid))
        print(cid, type(cid))
        return f"显示cid={cid},gid={gid}的商品信息"

    gid = uuid.uuid4()
    assert client.get(f"/goods/1.5/{gid}").text == f"显示cid=1.5,gid={gid}的商品信息"
    assert printed(capsys) == [f"{gid} <class 'uuid.UUID'>", "1.5 <class 'float'>"]
    assert client.get(f"/goods/1/{gid}").status_code == 404
    assert client.get("/goods/1.5/abc").status_code == 404


def test_seed001_regex_converter(app, client):
    class RegexConverter(BaseConverter):
        def __init__(self, map, *args, **kwargs):
            super().__init__(map, *args, **kwargs)
            self.regex = args[0]

    app.url_map.converters["re"] = RegexConverter

    @app.route(r"/sms/<re('1[3-9]\d{9}'):mobile>")
    def sms(mobile):
        return f"发送短信给手机号：{mobile}的用户"

    @app.route(r"/goods/<re('\d+'):id>")
    def goods(id):
        return f"显示商品id={id}的信息"

    assert client.get("/sms/13012345671").text == "发送短信给手机号：13012345671的用户"
    assert client.get("/goods/12").text == "显示商品id=12的信息"
    assert client.get("/sms/12012345671").status_code == 404
    assert client.get("/goods/abc").status_code == 404


def test_seed001_query_string(app, client, capsys):
    @app.route("/qs")
    def qs():
        print(request.query_string)
        query_string = parse_qs(request.query_string.decode())
        print(query_string)
        print(query_string["user"][0])
        print(request.args)
        print(request.args["user"])
        print(request.args.get("age"))
        return "hello, flask"

    assert client.get("/qs?user=xiaoming&age=16").text == "hello, flask"
    assert printed(capsys) == [
        "b'user=xiaoming&age=16'",
        "{'user': ['xiaoming'], 'age': ['16']}",
        "xiaoming",
        "ImmutableMultiDict([('user', 'xiaoming'), ('age', '16')])",
        "xiaoming",
        "16",
    ]


def test_seed001_query_string_getlist(app, client, capsys):
    @app.route("/qs")
    def qs():
        print(request.args["fav"])  # 'shopping'
        print(request.args.getlist("fav"))  # ['shopping', 'coding', 'rap']
        return "hello, flask"

    client.get("/qs?user=xiaoming&fav=shopping&fav=coding&fav=rap")
    assert printed(capsys) == ["shopping", "['shopping', 'coding', 'rap']"]


def test_seed001_form_body(app, client, capsys):
    @app.route("/form1", methods=["post"])
    def form1():
        print(request.form)
        print(request.form.get("username"))  # root
        print(request.form.getlist("fav"))  # ['swimming', 'watch TV']
        return "hello, flask"

    data = {"username": "root", "password": "123456", "fav": ["swimming", "watch TV"]}
    client.post("/form1", data=data)
    assert printed(capsys) == [
        "ImmutableMultiDict([('username', 'root'), ('password', '123456'),"
        " ('fav', 'swimming'), ('fav', 'watch TV')])",
        "root",
        "['swimming', 'watch TV']",
    ]


def test_seed001_form_files(app, client, capsys):
    @app.route("/form1", methods=["post"])
    def form1():
        print(request.form.get("username"))
        print(request.files.get("avatar"))  # <FileStorage: 's.png' ('image/png')>
        print(request.files.getlist("avatar"))
        return "hello, flask"

    avatars = [(io.BytesIO(b"a"), "a.png"), (io.BytesIO(b"s"), "s.png")]
    client.post("/form1", data={"username": "root", "avatar": avatars})
    assert printed(capsys) == [
        "root",
        "<FileStorage: 'a.png' ('image/png')>",
        "[<FileStorage: 'a.png' ('image/png')>, <FileStorage: 's.png' ('image/png')>]",
    ]


def test_seed001_json_body(app, client, capsys):
    @app.route("/data", methods=["post"])
    def data():
        print(request.is_json)
        print(request.json)
        print(request.data)
        print(json.loads(request.data))
        return "hello, flask"

    body = '{\n  "username": "root",\n  "password": "123456"\n}'
    client.post("/data", data=body, content_type="application/json")
    assert printed(capsys) == [
        "True",
        "{'username': 'root', 'password': '123456'}",
        repr(body.encode()),
        "{'username': 'root', 'password': '123456'}",
    ]


def test_seed001_other_body_formats(app, client, capsys):
    @app.route("/data", methods=["post"])
    def data():
        print(request.data)
        return "hello, flask"

    client.post("/data", data="<xml>1</xml>", content_type="application/xml")
    assert printed(capsys) == ["b'<xml>1</xml>'"]


def test_seed001_save_uploaded_file(app, client, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    @app.route("/file", methods=["post", "put", "patch"])
    def file():
        avatar = request.files.get("avatar")
        avatar.save("./avatar.png")
        return "hello, flask"

    response = client.put("/file", data={"avatar": (io.BytesIO(b"PNG"), "avatar.png")})
    assert response.text == "hello, flask"
    assert (tmp_path / "avatar.png").read_bytes() == b"PNG"


def test_seed001_headers_and_other_request_info(app, client, capsys):
    @app.route("/header", methods=["get", "post", "put", "patch", "delete"])
    def header():
        print(request.headers.get("User-Agent"))
        print(request.user_agent)
        print(request.host)
        print(request.content_type)
        print(request.path)
        print(request.url)
        print(request.root_url)
        print(request.method)
        print(request.remote_addr)
        print(request.server)
        print(request.headers.get("company"))
        return "hello, flask"

    response = client.post(
        "/header",
        base_url="http://127.0.0.1:5000",
        headers={"User-Agent": "PostmanRuntime/7.26.10", "Company": "flask.edu"},
        data={"f": (io.BytesIO(b""), "f.txt")},
    )
    lines = printed(capsys)
    assert response.text == "hello, flask"
    assert lines[:3] == ["PostmanRuntime/7.26.10", "PostmanRuntime/7.26.10", "127.0.0.1:5000"]
    assert lines[3].startswith("multipart/form-data;")
    assert lines[4:] == [
        "/header",
        "http://127.0.0.1:5000/header",
        "http://127.0.0.1:5000/",
        "POST",
        "127.0.0.1",
        "('127.0.0.1', 5000)",
        "flask.edu",
    ]


def test_seed001_html_with_status(app, client):
    @app.route("/")
    def index():
        return "<h1>hello, flask</h1>", 400

    response = client.get("/")
    assert (response.status_code, response.text) == (400, "<h1>hello, flask</h1>")


def test_seed001_make_response(app, client):
    @app.route("/")
    def index():
        response = make_response("<h1>hello, flask</h1>", 201)
        return response

    response = client.get("/")
    assert (response.status_code, response.text) == (201, "<h1>hello, flask</h1>")


def test_seed001_response_object(app, client):
    @app.route("/")
    def index():
        response = Response("<h1>hello, flask</h1>", 201)
        return response

    response = client.get("/")
    assert (response.status_code, response.text) == (201, "<h1>hello, flask</h1>")


def test_seed001_json_by_hand(app, client):
    @app.route("/jsonapi")
    def jsonapi():
        data = {"name": "xiaoming", "age": 16}
        return json.dumps(data), 200, {"Content-Type": "application/json"}

    response = client.get("/jsonapi")
    assert response.content_type == "application/json"
    assert response.json == {"name": "xiaoming", "age": 16}


def test_seed001_json_response_object(app, client):
    @app.route("/jsonapi")
    def jsonapi():
        data = {"name": "xiaoming", "age": 16}
        return Response(json.dumps(data), 200, {"Content-Type": "application/json"})

    assert client.get("/jsonapi").json == {"name": "xiaoming", "age": 16}


def test_seed001_jsonify(app, client):
    @app.route("/jsonapi")
    def jsonapi():
        data = {"name": "xiaoming", "age": 16}
        response = jsonify(data)
        print(response)
        return response

    response = client.get("/jsonapi")
    assert response.mimetype == "application/json"
    assert response.json == {"name": "xiaoming", "age": 16}


def test_seed001_image_response(app, client, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "avatar.png").write_bytes(b"\x89PNG")

    @app.route("/img")
    def img():
        with open("avatar.png", "rb") as f:
            data = f.read()
        return data, 200, {"Content-Type": "image/png"}

    response = client.get("/img")
    assert (response.content_type, response.data) == ("image/png", b"\x89PNG")


def test_seed001_redirect_off_site(app, client):
    @app.route("/jump")
    def jump():
        response = redirect("https://www.qq.com", 302)
        return response

    response = client.get("/jump")
    assert (response.status_code, response.location) == (302, "https://www.qq.com")


def test_seed001_redirect_by_hand(app, client):
    @app.route("/jump")
    def jump():
        response = Response("", 302, {"Location": "https://www.163.com"})
        return response

    response = client.get("/jump")
    assert (response.status_code, response.location) == (302, "https://www.163.com")


def test_seed001_redirect_to_view_with_url_for(app, client, capsys):
    @app.route("/user")
    def index():
        if request.args.get("token"):
            return "个人中心"
        url = url_for("login")
        print(url)
        return redirect(url)

    @app.route("/login")
    def login():
        return "登录视图"

    assert client.get("/user?token=1").text == "个人中心"
    response = client.get("/user")
    assert (response.status_code, response.location) == (302, "/login")
    assert printed(capsys) == ["/login"]
    assert client.get("/user", follow_redirects=True).text == "登录视图"


def test_seed001_redirect_to_view_with_route_parameter(app, client, capsys):
    @app.route("/mobile/<int:mobile>")
    def sms(mobile):
        return f"发送短信给{mobile}"

    @app.route("/info")
    def info():
        url = url_for("sms", mobile="13012345677")
        print(url)
        return redirect(url)

    # The tutorial's comment says /sms/...; the rule is /mobile/<int:mobile>, so that is the URL.
    assert client.get("/info").location == "/mobile/13012345677"
    assert printed(capsys) == ["/mobile/13012345677"]
    assert client.get("/info", follow_redirects=True).text == "发送短信给13012345677"


def test_seed001_custom_status_and_headers(app, client):
    @app.route("/")
    def index():
        return "hello, flask", 201, {"Company": "flask.edu"}

    response = client.get("/")
    assert (response.status_code, response.headers["Company"]) == (201, "flask.edu")


def test_seed001_nonstandard_status_code(app, client):
    @app.route("/")
    def index():
        return "hello, flask", 666

    assert client.get("/").status_code == 666


# Seed 002: hello world / 路由 / HTTP 方法 / URL构建 / 重定向 / 错误码


def test_seed002_hello_world(app, client):
    @app.route("/")
    def hello_world():
        return "Hello World"

    assert client.get("/").text == "Hello World"


def test_seed002_route(app, client):
    @app.route("/hello")
    def hello_world():
        return "hello world"

    assert client.get("/hello").text == "hello world"


def test_seed002_add_url_rule(app, client):
    def hello_world():
        return "hello world"

    app.add_url_rule("/", "hello", hello_world)

    assert client.get("/").text == "hello world"


def test_seed002_dynamic_url(app, client):
    @app.route("/hello/<name>")
    def hello_name(name):
        return "Hello %s!" % name  # noqa: UP031

    assert client.get("/hello/kolba").text == "Hello kolba!"


def test_seed002_converter_table(app, client):
    @app.route("/post/<int:postID>")
    def post(postID):
        return repr(postID)

    @app.route("/rev/<float:revNo>")
    def rev(revNo):
        return repr(revNo)

    @app.route("/file/<path:path>")
    def file(path):
        return path

    assert client.get("/post/7").text == "7"
    assert client.get("/rev/1.1").text == "1.1"
    assert client.get("/file/a/b/c").text == "a/b/c"


def test_seed002_canonical_trailing_slash(app, client):
    @app.route("/python/")
    def python():
        return "python"

    @app.route("/flask")
    def flask():
        return "flask"

    assert client.get("/python", follow_redirects=True).text == "python"
    assert client.get("/python/").text == "python"
    assert client.get("/flask").text == "flask"
    assert client.get("/flask/").status_code == 404


def test_seed002_url_building(app, client):
    @app.route("/success/<guest>")
    def hello_guest(guest):
        return "Hello %s as Guest" % guest  # noqa: UP031

    @app.route("/user/<name>")
    def hello_user(name):
        return redirect(url_for("hello_guest", guest=name))

    assert client.get("/user/ann").location == "/success/ann"
    assert client.get("/user/ann", follow_redirects=True).text == "Hello ann as Guest"


def test_seed002_http_methods(app, client):
    @app.route("/login", methods=["POST", "GET"])
    def login():
        if request.method == "POST":
            return "posted " + request.form["nm"]
        return "form " + request.args.get("nm", "")

    assert client.post("/login", data={"nm": "ann"}).text == "posted ann"
    assert client.get("/login?nm=bob").text == "form bob"
    assert client.head("/login").data == b""


def test_seed002_redirect_status_code(app, client):
    @app.route("/a")
    def a():
        return redirect("/b")

    @app.route("/moved")
    def moved():
        return redirect("/b", 301)

    assert client.get("/a").status_code == 302
    assert client.get("/moved").status_code == 301


@pytest.mark.parametrize("code", [400, 401, 403, 404, 406, 415, 429])
def test_seed002_abort_codes(app, client, code):
    @app.route("/")
    def index():
        abort(code)

    assert client.get("/").status_code == code


# Seed 004: 基本路由系统 / 自定义路由匹配(正则匹配)


def auth(func):
    def inner(*args, **kwargs):
        print("before")
        result = func(*args, **kwargs)
        print("after")
        return result

    return inner


def test_seed004_route_with_endpoint_and_decorator(app, client, capsys):
    @app.route("/index.html", methods=["GET", "POST"], endpoint="index")
    @auth
    def index():
        return "Index"

    assert client.post("/index.html").text == "Index"
    assert printed(capsys) == ["before", "after"]


def test_seed004_add_url_rule_with_keywords(app, client):
    def index():
        return "Index"

    app.add_url_rule(rule="/index.html", endpoint="index", view_func=index, methods=["GET", "POST"])

    assert client.get("/index.html").text == "Index"


def test_seed004_view_functions_assignment(app, client):
    def index():
        return "Index"

    app.add_url_rule(rule="/index.html", endpoint="index", methods=["GET", "POST"])
    app.view_functions["index"] = index

    assert client.get("/index.html").text == "Index"


def test_seed004_strict_slashes(app, client):
    @app.route("/index", strict_slashes=False)
    def index():
        return "Index"

    @app.route("/strict", strict_slashes=True)
    def strict():
        return "Strict"

    assert client.get("/index").text == client.get("/index/").text == "Index"
    assert client.get("/strict").text == "Strict"
    assert client.get("/strict/").status_code == 404


def test_seed004_redirect_to_string(app, client):
    @app.route("/index/<int:nid>", redirect_to="/home/<nid>")
    def index(nid):
        return "Index"

    assert client.get("/index/5").location.endswith("/home/5")


def test_seed004_redirect_to_function(app, client):
    def func(adapter, nid):
        return "/home/888"

    @app.route("/index/<int:nid>", redirect_to=func)
    def index(nid):
        return "Index"

    assert client.get("/index/5").location.endswith("/home/888")


def test_seed004_subdomains():
    # Since Flask 1.0 (and in kolba) subdomain routes need subdomain_matching=True;
    # the tutorial predates that switch.
    app = Kolba(import_name=__name__, subdomain_matching=True)
    app.config["SERVER_NAME"] = "wupeiqi.com:5000"

    @app.route("/", subdomain="admin")
    def static_index():
        return "static.your-domain.tld"

    @app.route("/dynamic", subdomain="<username>")
    def username_index(username):
        return username + ".your-domain.tld"

    client = app.test_client()
    assert client.get("http://admin.wupeiqi.com:5000/").text == "static.your-domain.tld"
    assert client.get("http://user1.wupeiqi.com:5000/dynamic").text == "user1.your-domain.tld"
    with app.app_context():
        assert url_for("username_index", username="user1") == (
            "http://user1.wupeiqi.com:5000/dynamic"
        )


def test_seed004_regex_converter(capsys):
    app = Kolba(import_name=__name__)

    class RegexConverter(BaseConverter):
        """
        自定义URL匹配正则表达式
        """

        def __init__(self, map, regex):
            super(RegexConverter, self).__init__(map)  # noqa: UP008
            self.regex = regex

        def to_python(self, value):
            return int(value)

        def to_url(self, value):
            val = super(RegexConverter, self).to_url(value)  # noqa: UP008
            return val

    app.url_map.converters["regex"] = RegexConverter

    @app.route(r'/index/<regex("\d+"):nid>')
    def index(nid):
        print(url_for("index", nid="888"))
        return f"Index {nid!r}"

    client = app.test_client()
    assert client.get("/index/42").text == "Index 42"
    assert printed(capsys) == ["/index/888"]
    assert client.get("/index/abc").status_code == 404
