"""The test client: requests, JSON, redirects, cookies, sessions and preserved contexts.
app.test_client() returns a KolbaClient bound to the app."""

import pytest

from kolba import (
    Kolba,
    g,
    has_request_context,
    make_response,
    redirect,
    request,
    session,
    url_for,
)
from kolba.testing import KolbaClient


@pytest.fixture
def app():
    app = Kolba(__name__)
    app.secret_key = "test secret"

    @app.route("/")
    def index():
        g.seen = "index"
        return "home"

    @app.route("/echo", methods=["GET", "POST"])
    def echo():
        return {
            "args": request.args.to_dict(),
            "form": request.form.to_dict(),
            "json": request.get_json(silent=True),
            "header": request.headers.get("X-Test"),
        }

    @app.route("/old")
    def old():
        return redirect(url_for("new"))

    @app.route("/new")
    def new():
        return "new page"

    @app.route("/chain")
    def chain():
        return redirect("/old")

    @app.route("/set-cookie")
    def set_cookie():
        response = make_response("set")
        response.set_cookie("flavour", "chocolate")
        return response

    @app.route("/read-cookie")
    def read_cookie():
        return request.cookies.get("flavour", "none")

    @app.route("/whoami")
    def whoami():
        return session.get("user", "anonymous")

    return app


@pytest.fixture
def client(app):
    return app.test_client()


def test_test_client_is_a_kolba_client(client):
    assert isinstance(client, KolbaClient)


def test_test_client_class_is_named_kolba_client(client):
    # kolba-specific: Flask calls this class FlaskClient.
    assert type(client).__name__ == "KolbaClient"


def test_test_client_class_attribute_selects_client_class(app):
    class ApiClient(KolbaClient):
        pass

    app.test_client_class = ApiClient
    assert isinstance(app.test_client(), ApiClient)


def test_get_returns_response_with_status_and_body(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.data == b"home"
    assert response.text == "home"


def test_query_string_argument(client):
    response = client.get("/echo", query_string={"q": "kolba"})
    assert response.get_json()["args"] == {"q": "kolba"}


def test_data_dict_is_sent_as_form(client):
    response = client.post("/echo", data={"name": "alice"})
    assert response.get_json()["form"] == {"name": "alice"}


def test_headers_argument(client):
    assert client.get("/echo", headers={"X-Test": "yes"}).get_json()["header"] == "yes"


def test_json_argument_sends_json_body(client):
    response = client.post("/echo", json={"a": [1, 2]})
    assert response.get_json()["json"] == {"a": [1, 2]}


def test_json_argument_sets_content_type(app, client):
    app.add_url_rule("/ct", "ct", lambda: request.content_type, methods=["POST"])
    assert client.post("/ct", json={}).data == b"application/json"


def test_response_get_json_and_json_property(client):
    response = client.get("/echo?x=1")
    assert response.is_json
    assert response.get_json() == response.json
    assert response.json["args"] == {"x": "1"}


def test_response_get_json_is_none_for_non_json(client):
    assert client.get("/").get_json(silent=True) is None


# -- redirects ---------------------------------------------------------------------------------


def test_redirect_is_not_followed_by_default(client):
    response = client.get("/old")
    assert response.status_code == 302
    assert response.location == "/new"


def test_follow_redirects_returns_final_response(client):
    response = client.get("/old", follow_redirects=True)
    assert response.status_code == 200
    assert response.data == b"new page"
    assert response.request.path == "/new"


def test_follow_redirects_records_history(client):
    response = client.get("/chain", follow_redirects=True)
    assert [r.status_code for r in response.history] == [302, 302]
    assert response.history[0].location == "/old"


# -- cookies -----------------------------------------------------------------------------------


def test_client_stores_cookies_from_responses(client):
    client.get("/set-cookie")
    assert client.get_cookie("flavour").value == "chocolate"


def test_client_sends_stored_cookies(client):
    client.get("/set-cookie")
    assert client.get("/read-cookie").data == b"chocolate"


def test_client_set_cookie_is_sent_with_requests(client):
    client.set_cookie("flavour", "vanilla")
    assert client.get("/read-cookie").data == b"vanilla"


def test_client_delete_cookie(client):
    client.set_cookie("flavour", "vanilla")
    client.delete_cookie("flavour")
    assert client.get_cookie("flavour") is None
    assert client.get("/read-cookie").data == b"none"


def test_get_cookie_returns_none_for_unknown_cookie(client):
    assert client.get_cookie("nope") is None


def test_client_without_cookies_does_not_store_them(app):
    client = app.test_client(use_cookies=False)
    client.get("/set-cookie")
    assert client.get("/read-cookie").data == b"none"


def test_session_transaction_sets_session_for_next_request(client):
    with client.session_transaction() as sess:
        sess["user"] = "alice"
    assert client.get("/whoami").data == b"alice"


def test_session_transaction_reads_session_set_by_view(app, client):
    @app.route("/login")
    def login():
        session["user"] = "bob"
        return ""

    client.get("/login")
    with client.session_transaction() as sess:
        assert sess["user"] == "bob"


# -- preserved context -------------------------------------------------------------------------


def test_with_client_keeps_request_context_after_request(client):
    with client:
        client.get("/echo?q=kept")
        assert request.args["q"] == "kept"
        assert request.path == "/echo"


def test_with_client_keeps_g_of_last_request(client):
    with client:
        client.get("/")
        assert g.seen == "index"


def test_with_client_keeps_session_of_last_request(app, client):
    with client.session_transaction() as sess:
        sess["user"] = "carol"
    with client:
        client.get("/whoami")
        assert session["user"] == "carol"


def test_with_client_still_runs_teardown_at_end_of_request(app, client):
    torn_down = []
    app.teardown_request(lambda exc: torn_down.append(request.path))
    with client:
        client.get("/")
        assert torn_down == ["/"]


def test_with_client_pops_context_on_exit(client):
    with client:
        client.get("/")
    assert not has_request_context()


def test_without_with_block_context_is_gone_after_request(client):
    client.get("/")
    assert not has_request_context()


def test_test_request_context_builds_request_without_client(app):
    with app.test_request_context("/echo", method="POST", json={"k": "v"}):
        assert request.get_json() == {"k": "v"}
        assert request.url == "http://localhost/echo"
