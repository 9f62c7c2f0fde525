"""CSRFProtect: every unsafe request needs a token, from the form, a header (AJAX) or a JSON
body; exemptions by view or blueprint object; protect() by hand; CSRFError and its handler."""

import logging

import pytest

from kolba import Blueprint, g, request
from kolba_forms import CSRFProtect, KolbaForm
from kolba_forms.csrf import CSRFError, generate_csrf


@pytest.fixture
def index(app, csrf):
    @app.route("/", methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
    def index():
        return generate_csrf() if request.method == "GET" else "done"


@pytest.fixture
def token(index, client):
    return client.get("/").text


def test_post_without_a_token_is_a_400_with_the_reason(client, token):
    response = client.post("/")
    assert response.status_code == 400
    assert "The CSRF token is missing." in response.text


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_every_unsafe_method_is_checked(client, token, method):
    assert client.open("/", method=method).status_code == 400
    assert client.open("/", method=method, data={"csrf_token": token}).status_code == 200


def test_safe_methods_are_not_checked(client, token):
    assert client.get("/").status_code == 200
    assert client.options("/").status_code == 200
    assert client.head("/").status_code == 200


def test_token_in_the_form_field(client, token):
    assert client.post("/", data={"csrf_token": token}).text == "done"


def test_token_in_a_prefixed_form_field(client, token):
    assert client.post("/", data={"signup-csrf_token": token}).text == "done"


@pytest.mark.parametrize("header", ["X-CSRFToken", "X-CSRF-Token"])
def test_token_in_a_header_for_ajax(client, token, header):
    response = client.post("/", json={"name": "Ada"}, headers={header: token})
    assert response.text == "done"


def test_token_in_a_json_body(client, token):
    assert client.post("/", json={"csrf_token": token}).text == "done"


def test_json_request_gets_a_json_error(client, token):
    response = client.post("/", json={"name": "Ada"})
    assert response.status_code == 400
    assert response.get_json() == {"error": "csrf", "reason": "The CSRF token is missing."}


def test_ajax_asking_for_json_gets_a_json_error(client, token):
    response = client.post("/", headers={"Accept": "application/json"})
    assert response.get_json()["reason"] == "The CSRF token is missing."


def test_configured_headers(app, client, token):
    app.config["WTF_CSRF_HEADERS"] = ["X-My-Token"]
    assert client.post("/", headers={"X-CSRFToken": token}).status_code == 400
    assert client.post("/", headers={"X-My-Token": token}).status_code == 200


def test_configured_field_name(app, csrf, client):
    app.config["WTF_CSRF_FIELD_NAME"] = "authenticity"

    @app.route("/", methods=["GET", "POST"])
    def index():
        return generate_csrf()

    token = client.get("/").text
    assert client.post("/", data={"csrf_token": token}).status_code == 400
    assert client.post("/", data={"authenticity": token}).status_code == 200


def test_configured_methods(app, client, token):
    app.config["WTF_CSRF_METHODS"] = ["DELETE"]
    assert client.post("/").status_code == 200
    assert client.delete("/").status_code == 400


def test_disabled_or_not_checked_by_default(app, client, token):
    app.config["WTF_CSRF_ENABLED"] = False
    assert client.post("/").status_code == 200
    app.config["WTF_CSRF_ENABLED"] = True
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    assert client.post("/").status_code == 200


def test_unknown_url_stays_a_404(client, token):
    assert client.post("/nowhere").status_code == 404


def test_form_is_not_checked_twice(app, client, index):
    @app.post("/form")
    def form():
        assert g.csrf_valid
        return {"valid": KolbaForm(None).validate()}

    token = client.get("/").text
    response = client.post("/form", headers={"X-CSRFToken": token})
    assert response.get_json() == {"valid": True}


def test_registered_handler_replaces_the_error(app, client, index):
    @app.errorhandler(CSRFError)
    def csrf_failed(e):
        return {"refused": e.description}, 419

    response = client.post("/")
    assert response.status_code == 419
    assert response.get_json() == {"refused": "The CSRF token is missing."}


def test_refusal_is_logged_with_its_reason(client, token, caplog):
    with caplog.at_level(logging.INFO, logger="kolba_forms.csrf"):
        client.post("/")
    assert [r.getMessage() for r in caplog.records] == ["The CSRF token is missing."]


def test_exempt_view(app, csrf, client):
    @app.post("/hook")
    @csrf.exempt
    def hook():
        return "ok"

    assert client.post("/hook").text == "ok"


def test_exempt_view_decorated_above_the_route(app, csrf, client):
    @csrf.exempt
    @app.post("/hook")
    def hook():
        return "ok"

    assert client.post("/hook").text == "ok"


def test_exempt_blueprint_and_the_blueprints_nested_in_it(app, csrf, client):
    api = Blueprint("api", __name__, url_prefix="/api")
    v1 = Blueprint("v1", __name__, url_prefix="/v1")
    csrf.exempt(api)

    @api.post("/ping")
    def ping():
        return "api"

    @v1.post("/ping")
    def ping_v1():
        return "v1"

    api.register_blueprint(v1)
    app.register_blueprint(api)
    assert client.post("/api/ping").text == "api"
    assert client.post("/api/v1/ping").text == "v1"


def test_exempt_nested_blueprint_leaves_its_parent_checked(app, csrf, client):
    outer = Blueprint("outer", __name__, url_prefix="/outer")
    inner = Blueprint("inner", __name__, url_prefix="/inner")
    csrf.exempt(inner)

    @outer.post("/")
    def outer_view():
        return "outer"

    @inner.post("/")
    def inner_view():
        return "inner"

    outer.register_blueprint(inner)
    app.register_blueprint(outer)
    assert client.post("/outer/inner/").text == "inner"
    assert client.post("/outer/").status_code == 400


def test_views_named_alike_in_two_blueprints_stay_separate(app, csrf, client):
    shop = Blueprint("shop", __name__, url_prefix="/shop")
    admin = Blueprint("admin", __name__, url_prefix="/admin")

    @shop.post("/save")
    @csrf.exempt
    def save():
        return "shop"

    @admin.post("/save")
    def save():  # noqa: F811 - the same name on purpose
        return "admin"

    app.register_blueprint(shop)
    app.register_blueprint(admin)
    assert client.post("/shop/save").text == "shop"
    assert client.post("/admin/save").status_code == 400


def test_exempt_by_name_is_refused(csrf):
    with pytest.raises(TypeError, match="not 'views.index'"):
        csrf.exempt("views.index")


def test_exemptions_belong_to_the_extension_object_across_apps():
    from conftest import make_app

    csrf = CSRFProtect()

    @csrf.exempt
    def hook():
        return "ok"

    first, second = make_app(), make_app()
    for app in (first, second):
        csrf.init_app(app)
        app.add_url_rule("/hook", view_func=hook, methods=["POST"])
        assert app.test_client().post("/hook").text == "ok"


def test_manual_protect_in_an_exempt_view(app, csrf, client):
    @app.route("/manual", methods=["GET", "POST"])
    @csrf.exempt
    def manual():
        csrf.protect()
        return "checked"

    assert client.get("/manual").text == "checked"
    assert client.post("/manual").status_code == 400


def test_protect_from_a_hook_with_exemptions(app, csrf, client):
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False

    @app.before_request
    def check_unless_bearer():
        if not request.headers.get("Authorization", "").startswith("Bearer "):
            app.extensions["csrf"].protect(apply_exemptions=True)

    @app.post("/api")
    def api():
        return "api"

    @app.post("/webhook")
    @app.extensions["csrf"].exempt
    def webhook():
        return "webhook"

    assert client.post("/api").status_code == 400
    assert client.post("/api", headers={"Authorization": "Bearer x"}).text == "api"
    assert client.post("/webhook").text == "webhook"
    assert client.post("/missing").status_code == 404
