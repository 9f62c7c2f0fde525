"""``@cross_origin``: CORS for one view, on def and async def views, its own preflight answers,
error responses, the app's config as defaults, and precedence over the app-wide extension."""

import pytest
from cors_helpers import ACAC, ACAH, ACAM, ACAO, ACMA, ORIGIN, OTHER, cors_headers, preflight

from kolba import ConfigError, Kolba, abort
from kolba_cors import CORS, cross_origin


@pytest.fixture
def app():
    app = Kolba(__name__)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/sync", methods=["GET", "PUT"])
    @cross_origin(origins=[ORIGIN], max_age=30, supports_credentials=True)
    def sync_view():
        """A sync view."""
        return {"kind": "sync"}

    @app.route("/async", methods=["GET", "PUT"])
    @cross_origin(origins=[ORIGIN], allow_headers=["X-Token"])
    async def async_view():
        return {"kind": "async"}

    @app.get("/plain")
    def plain():
        return "no cors"

    @app.get("/missing/<int:n>")
    @cross_origin(origins=[ORIGIN])
    def missing(n):
        abort(404)

    @app.get("/crash")
    @cross_origin(origins=[ORIGIN])
    async def crash():
        raise RuntimeError("boom")

    return app


def test_decorated_def_view_gets_cors_headers(app):
    response = app.test_client().get("/sync", headers={"Origin": ORIGIN})
    assert response.get_json() == {"kind": "sync"}
    assert response.headers[ACAO] == ORIGIN
    assert response.headers[ACAC] == "true"
    assert "Origin" in response.vary


def test_decorated_async_view_gets_cors_headers(app):
    response = app.test_client().get("/async", headers={"Origin": ORIGIN})
    assert response.get_json() == {"kind": "async"}
    assert response.headers[ACAO] == ORIGIN


def test_decorated_view_refuses_other_origins(app):
    response = app.test_client().get("/async", headers={"Origin": OTHER})
    assert response.status_code == 200
    assert cors_headers(response) == {}


def test_undecorated_view_gets_nothing(app):
    assert cors_headers(app.test_client().get("/plain", headers={"Origin": ORIGIN})) == {}


def test_decorated_view_keeps_its_name_and_docstring(app):
    view = app.view_functions["sync_view"]
    assert view.__name__ == "sync_view"
    assert view.__doc__ == "A sync view."


def test_decorated_view_answers_its_own_preflight(app):
    response = preflight(app.test_client(), "/sync")
    assert response.status_code == 200
    assert response.headers[ACAO] == ORIGIN
    assert response.headers[ACMA] == "30"
    assert "PUT" in response.headers[ACAM]
    assert "PUT" in response.allow


def test_decorated_async_view_answers_its_own_preflight(app):
    response = preflight(app.test_client(), "/async", headers="X-Token, X-Other")
    assert response.headers[ACAH] == "X-Token"


def test_decorated_view_error_responses_carry_cors_headers(app):
    client = app.test_client()
    not_found = client.get("/missing/1", headers={"Origin": ORIGIN})
    assert not_found.status_code == 404
    assert not_found.headers[ACAO] == ORIGIN
    crashed = client.get("/crash", headers={"Origin": ORIGIN})
    assert crashed.status_code == 500
    assert crashed.headers[ACAO] == ORIGIN


def test_automatic_options_off_lets_the_view_answer_options():
    app = Kolba(__name__)

    @app.route("/manual", methods=["GET", "OPTIONS"])
    @cross_origin(automatic_options=False)
    def manual():
        return "the view's own answer"

    response = preflight(app.test_client(), "/manual", method="GET")
    assert response.text == "the view's own answer"
    assert response.headers[ACAO] == ORIGIN


def test_app_config_supplies_the_options_not_given():
    app = Kolba(__name__)
    app.config.update(CORS_ORIGINS=[ORIGIN], CORS_MAX_AGE=90)

    @app.get("/configured")
    @cross_origin(max_age=15)
    def configured():
        return "ok"

    client = app.test_client()
    assert preflight(client, "/configured", method="GET").headers[ACMA] == "15"
    assert cors_headers(client.get("/configured", headers={"Origin": OTHER})) == {}


def test_decorator_wins_over_the_extension_for_its_view():
    app = Kolba(__name__)
    CORS(app, origins=[OTHER], max_age=600)

    @app.route("/special", methods=["GET", "PUT"])
    @cross_origin(origins=[ORIGIN], max_age=5)
    def special():
        return "special"

    @app.get("/ordinary")
    def ordinary():
        return "ordinary"

    client = app.test_client()
    assert client.get("/special", headers={"Origin": ORIGIN}).headers[ACAO] == ORIGIN
    assert cors_headers(client.get("/special", headers={"Origin": OTHER})) == {}
    assert preflight(client, "/special").headers[ACMA] == "5"
    assert client.get("/ordinary", headers={"Origin": OTHER}).headers[ACAO] == OTHER
    assert preflight(client, "/ordinary", origin=OTHER, method="GET").headers[ACMA] == "600"


def test_unknown_decorator_option_is_rejected():
    with pytest.raises(TypeError, match="'resources'"):
        cross_origin(resources="/api/*")


def test_bad_decorator_option_is_rejected_when_decorating():
    with pytest.raises(ConfigError, match="not an origin"):
        cross_origin(origins=["app.example.com"])


def test_credentials_with_config_star_origins_fail_at_app_start_up():
    app = Kolba(__name__)
    CORS(app, resources=[])

    @app.get("/me")
    @cross_origin(supports_credentials=True)
    def me():
        return "me"

    # Any first request starts the app, and start-up checks every decorated view.
    with pytest.raises(ConfigError, match="credentials cannot be combined"):
        app.test_client().get("/not-that-view")


def test_credentials_with_config_origins_are_fine():
    app = Kolba(__name__)
    app.config["CORS_ORIGINS"] = [ORIGIN]

    @app.get("/me")
    @cross_origin(supports_credentials=True)
    def me():
        return "me"

    response = app.test_client().get("/me", headers={"Origin": ORIGIN})
    assert response.headers[ACAC] == "true"
