"""RecaptchaField: its rendering from the RECAPTCHA_* config, an injected verifier, the default
verifier against a verify server on 127.0.0.1, and a 503 when that server is down."""

import json
import threading

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from kolba.pytest_plugin import free_port
from kolba_forms import KolbaForm, RecaptchaField
from kolba_forms.recaptcha import Recaptcha


class Signup(KolbaForm):
    class Meta:
        csrf = False

    captcha = RecaptchaField()


@pytest.fixture
def app(app):
    app.testing = False  # testing mode skips the check
    app.config.update(RECAPTCHA_PUBLIC_KEY="site-key", RECAPTCHA_PRIVATE_KEY="secret-key")

    @app.post("/signup")
    def signup():
        form = Signup()
        return {"valid": form.validate(), "errors": form.errors}

    return app


def post(app, answer="answer-from-the-widget"):
    data = {} if answer is None else {"g-recaptcha-response": answer}
    return app.test_client().post("/signup", data=data)


def test_render_has_the_script_and_the_site_key(app):
    with app.test_request_context():
        html = str(Signup().captcha())
    assert '<script async defer src="https://www.google.com/recaptcha/api.js"></script>' in html
    assert '<div class="g-recaptcha" data-sitekey="site-key" id="captcha"></div>' in html


def test_render_options_from_config(app):
    app.config.update(
        RECAPTCHA_SCRIPT="https://hcaptcha.example/api.js",
        RECAPTCHA_PARAMETERS={"hl": "zh"},
        RECAPTCHA_DATA_ATTRS={"theme": "dark"},
        RECAPTCHA_DIV_CLASS="h-captcha",
    )
    with app.test_request_context():
        html = str(Signup().captcha(data_size="compact"))
    assert 'src="https://hcaptcha.example/api.js?hl=zh"' in html
    assert 'class="h-captcha"' in html
    assert 'data-theme="dark"' in html and 'data-size="compact"' in html


def test_render_nonce_is_escaped(app):
    class WithNonce(KolbaForm):
        captcha = RecaptchaField(nonce=lambda: '"><x>')

    with app.test_request_context():
        html = str(WithNonce().captcha())
    assert 'nonce="&#34;&gt;&lt;x&gt;"' in html


def test_render_without_a_site_key_names_the_key(app):
    del app.config["RECAPTCHA_PUBLIC_KEY"]
    with app.test_request_context(), pytest.raises(RuntimeError, match="RECAPTCHA_PUBLIC_KEY"):
        Signup().captcha()


def test_disabled_renders_a_comment_and_checks_nothing(app):
    app.config["RECAPTCHA_ENABLED"] = False
    with app.test_request_context():
        assert str(Signup().captcha()) == "<!-- recaptcha disabled -->"
    assert post(app, answer=None).get_json()["valid"] is True


def test_missing_answer(app):
    assert post(app, answer=None).get_json() == {
        "valid": False,
        "errors": {"captcha": ["The response parameter is missing."]},
    }


def test_injected_verifier_from_config(app):
    seen = []

    def verifier(response, remote_ip):
        seen.append((response, remote_ip))
        return [] if response == "right" else ["invalid-input-response"]

    app.config["RECAPTCHA_VERIFIER"] = verifier
    assert post(app, "right").get_json()["valid"] is True
    assert post(app, "wrong").get_json()["errors"] == {
        "captcha": ["The response parameter is invalid or malformed."]
    }
    assert seen == [("right", "127.0.0.1"), ("wrong", "127.0.0.1")]


def test_injected_verifier_on_the_field_and_a_custom_message(app):
    class Custom(KolbaForm):
        class Meta:
            csrf = False

        captcha = RecaptchaField(validators=[Recaptcha("Are you a robot?", lambda r, ip: ["x"])])

    with app.test_request_context(method="POST", data={"g-recaptcha-response": "a"}):
        form = Custom()
        assert not form.validate()
        assert form.captcha.errors == ["Are you a robot?"]
        assert form.captcha.recaptcha_error == "x"


def test_answer_from_a_json_body(app):
    app.config["RECAPTCHA_VERIFIER"] = lambda response, ip: [] if response == "ok" else ["no"]
    response = app.test_client().post("/signup", json={"g-recaptcha-response": "ok"})
    assert response.get_json()["valid"] is True


class VerifyServer:
    """A verify server on 127.0.0.1 answering like reCAPTCHA's, recording what it was sent."""

    def __init__(self):
        self.received = []
        self.server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/siteverify"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @Request.application
    def wsgi(self, request):
        self.received.append(request.form.to_dict())
        if request.form.get("response") == "boom":
            return Response("down", status=500)
        if request.form.get("response") == "bad":
            return Response("no", status=400)
        ok = request.form.get("response") == "right"
        body = {"success": ok, "error-codes": [] if ok else ["invalid-input-response"]}
        return Response(json.dumps(body), mimetype="application/json")


@pytest.fixture
def verify_server():
    server = VerifyServer()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()
    server.thread.join(timeout=5)


def test_default_verifier_asks_the_verify_server(app, verify_server):
    app.config["RECAPTCHA_VERIFY_SERVER"] = verify_server.url
    assert post(app, "right").get_json()["valid"] is True
    assert post(app, "wrong").get_json()["errors"] == {
        "captcha": ["The response parameter is invalid or malformed."]
    }
    assert verify_server.received[0] == {
        "secret": "secret-key",
        "remoteip": "127.0.0.1",
        "response": "right",
    }


def test_failing_verify_server_is_a_503(app, verify_server):
    app.config["RECAPTCHA_VERIFY_SERVER"] = verify_server.url
    response = post(app, "boom")
    assert response.status_code == 503
    assert "verify server did not answer" in response.text


def test_verify_server_refusing_the_request_is_a_failed_check(app, verify_server):
    app.config["RECAPTCHA_VERIFY_SERVER"] = verify_server.url
    assert post(app, "bad").get_json()["errors"] == {
        "captcha": ["The response parameter is missing."]
    }


def test_unreachable_verify_server_is_a_503(app):
    app.config["RECAPTCHA_VERIFY_SERVER"] = f"http://127.0.0.1:{free_port()}/siteverify"
    app.config["RECAPTCHA_TIMEOUT"] = 2.0
    response = post(app)
    assert response.status_code == 503
    assert "verify server did not answer" in response.text


def test_missing_private_key_names_the_key(app):
    del app.config["RECAPTCHA_PRIVATE_KEY"]
    app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(RuntimeError, match="RECAPTCHA_PRIVATE_KEY"):
        post(app)


def test_testing_mode_skips_the_check(app):
    app.testing = True
    assert post(app, answer=None).get_json()["valid"] is True
