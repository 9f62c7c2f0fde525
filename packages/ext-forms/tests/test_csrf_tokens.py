"""CSRF tokens: bound to the session that got them, refused in another, renewed when the session
is cleared or its id regenerated at login, and checked by KolbaForm."""

import uuid

import pytest
from wtforms import ValidationError

from kolba import g, session
from kolba.sessions import SecureCookieSession, SecureCookieSessionInterface
from kolba_forms import KolbaForm
from kolba_forms.csrf import generate_csrf, validate_csrf


def test_every_token_a_session_got_stays_valid_in_it(app, csrf):
    @app.route("/form", methods=["GET", "POST"])
    def form():
        return generate_csrf()

    client = app.test_client()
    first, second = client.get("/form").text, client.get("/form").text
    with client.session_transaction() as sess:
        assert "csrf_token" in sess
    assert client.post("/form", data={"csrf_token": first}).status_code == 200
    assert client.post("/form", data={"csrf_token": second}).status_code == 200


def test_one_request_gets_one_token(app):
    with app.test_request_context():
        assert generate_csrf() == generate_csrf()


def test_another_sessions_token_is_refused(app, csrf):
    @app.route("/form", methods=["GET", "POST"])
    def form():
        return generate_csrf()

    alice, mallory = app.test_client(), app.test_client()
    alices_token = alice.get("/form").text
    mallory.get("/form")
    response = mallory.post("/form", data={"csrf_token": alices_token})
    assert response.status_code == 400
    assert "The CSRF tokens do not match." in response.text
    assert alice.post("/form", data={"csrf_token": alices_token}).status_code == 200


def test_token_without_a_session_secret_is_refused(app, csrf):
    @app.route("/form", methods=["GET", "POST"])
    def form():
        return generate_csrf()

    token = app.test_client().get("/form").text
    response = app.test_client().post("/form", data={"csrf_token": token})
    assert "The CSRF session token is missing." in response.text


def test_clearing_the_session_at_login_renews_the_token(app, csrf):
    @app.route("/form", methods=["GET", "POST"])
    def form():
        return generate_csrf()

    @app.post("/login")
    def login():
        old = generate_csrf()
        session.clear()  # against session fixation; the CSRF secret goes with it
        session["user"] = "ada"
        return {"old": old, "new": generate_csrf()}

    client = app.test_client()
    before = client.get("/form").text
    tokens = client.post("/login", data={"csrf_token": before}).get_json()
    assert tokens["old"] == before and tokens["new"] != before
    assert client.post("/form", data={"csrf_token": before}).status_code == 400
    assert client.post("/form", data={"csrf_token": tokens["new"]}).status_code == 200


class IdSession(SecureCookieSession):
    """A session with an id, as server-side stores give them (kolba-session-redis)."""

    def __init__(self, initial=None):
        super().__init__(initial)
        self.sid = self.get("_sid") or uuid.uuid4().hex

    def regenerate(self):
        self.sid = uuid.uuid4().hex


class IdSessionInterface(SecureCookieSessionInterface):
    session_class = IdSession

    def save_session(self, app, sess, response):
        sess["_sid"] = sess.sid
        super().save_session(app, sess, response)


def test_regenerating_the_session_id_invalidates_earlier_tokens(app, csrf):
    app.session_interface = IdSessionInterface()

    @app.route("/form", methods=["GET", "POST"])
    def form():
        return generate_csrf()

    @app.post("/login")
    def login():
        session.regenerate()  # keeps the data, changes the id
        return generate_csrf()

    client = app.test_client()
    before = client.get("/form").text
    assert client.post("/form", data={"csrf_token": before}).status_code == 200
    after = client.post("/login", data={"csrf_token": before}).text
    assert after != before
    response = client.post("/form", data={"csrf_token": before})
    assert response.status_code == 400
    assert "The CSRF token is invalid." in response.text
    assert client.post("/form", data={"csrf_token": after}).status_code == 200


def test_token_is_cached_in_g(app):
    with app.test_request_context():
        token = generate_csrf()
        assert g.csrf_token == token
        assert "csrf_token" in session


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (None, "The CSRF token is missing."),
        ("", "The CSRF token is missing."),
        ("forged", "The CSRF token is invalid."),
    ],
)
def test_validate_csrf_reasons(app, token, message):
    with app.test_request_context():
        generate_csrf()
        with pytest.raises(ValidationError, match=message):
            validate_csrf(token)


def test_expired_token(app):
    with app.test_request_context():
        token = generate_csrf()
        with pytest.raises(ValidationError, match="The CSRF token has expired."):
            validate_csrf(token, time_limit=-1)


def test_token_signed_with_another_key_is_invalid(app):
    with app.test_request_context():
        token = generate_csrf(secret_key="other key")
        with pytest.raises(ValidationError, match="The CSRF token is invalid."):
            validate_csrf(token)
        validate_csrf(token, secret_key="other key")


def test_csrf_secret_key_wins_over_secret_key(app):
    app.config["WTF_CSRF_SECRET_KEY"] = "csrf only"
    with app.test_request_context():
        token = generate_csrf()
        validate_csrf(token, secret_key="csrf only")


def test_no_secret_key_is_a_clear_error():
    from kolba import Kolba

    app = Kolba("no_secret")
    with app.test_request_context(), pytest.raises(RuntimeError, match="SECRET_KEY"):
        generate_csrf()


def test_form_validates_with_its_token_and_reports_the_reason_without(app):
    @app.route("/f", methods=["GET", "POST"])
    def f():
        form = KolbaForm()
        if form.validate_on_submit():
            return "valid"
        if form.errors:
            return form.csrf_token.errors[0]
        return form.csrf_token.current_token

    client = app.test_client()
    token = client.get("/f").text
    assert client.post("/f").text == "The CSRF token is missing."
    assert client.post("/f", data={"csrf_token": "x" + token}).text == "The CSRF token is invalid."
    assert client.post("/f", data={"csrf_token": token}).text == "valid"


def test_form_csrf_off_by_config(app):
    app.config["WTF_CSRF_ENABLED"] = False

    @app.post("/f")
    def f():
        form = KolbaForm()
        return {"valid": form.validate_on_submit(), "has_field": "csrf_token" in form}

    assert app.test_client().post("/f").get_json() == {"valid": True, "has_field": False}


def test_template_csrf_token_and_meta_tag(app, csrf):
    from kolba import render_template_string

    with app.test_request_context():
        token = generate_csrf()
        assert render_template_string("{{ csrf_token() }}") == token
        assert render_template_string("{{ csrf_meta_tag() }}") == (
            f'<meta name="csrf-token" content="{token}">'
        )


def test_template_globals_when_the_environment_existed_before_init_app():
    from conftest import make_app

    from kolba import render_template_string
    from kolba_forms import CSRFProtect

    app = make_app()
    app.jinja_env  # noqa: B018 - created before the extension
    CSRFProtect(app)
    with app.test_request_context():
        assert render_template_string("{{ csrf_token() }}") == generate_csrf()
