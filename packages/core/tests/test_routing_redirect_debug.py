"""Debug mode flags a routing redirect that would make a browser drop posted form data."""

import pytest
from werkzeug.routing import RequestRedirect

from kolba import Kolba, request
from kolba.debughelpers import FormDataRoutingRedirect


@pytest.fixture
def app():
    app = Kolba(__name__)
    app.debug = True

    @app.route("/user/", methods=["GET", "POST"])
    def user():
        return request.form.get("status", "none")

    return app


@pytest.fixture
def redirect_301(monkeypatch):
    monkeypatch.setattr(RequestRedirect, "code", 301)


def test_default_trailing_slash_redirect_keeps_form_data(app):
    response = app.test_client().post("/user", data={"status": "ok"}, follow_redirects=True)
    assert response.data == b"ok"


@pytest.mark.usefixtures("redirect_301")
def test_post_redirected_with_301_names_the_canonical_url_in_debug(app):
    with pytest.raises(FormDataRoutingRedirect, match="canonical URL 'http://localhost/user/'"):
        app.test_client().post("/user", data={"status": "lost"})


@pytest.mark.usefixtures("redirect_301")
def test_post_redirected_with_301_outside_debug_is_an_ordinary_redirect(app):
    app.debug = False
    response = app.test_client().post("/user", data={"status": "lost"})
    assert response.status_code == 301
    assert response.location == "http://localhost/user/"


@pytest.mark.usefixtures("redirect_301")
def test_get_redirected_with_301_in_debug_is_an_ordinary_redirect(app):
    assert app.test_client().get("/user").status_code == 301
