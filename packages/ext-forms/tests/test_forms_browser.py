"""End to end in headless Chromium, driven by Selenium: a real form submission carrying its
CSRF token, a script's POST with the token in the X-CSRFToken header, and a form on another
origin posting to the app, which the browser's Sec-Fetch-Site header gets refused.

The app is served on 127.0.0.1 and the other site on localhost (mapped to 127.0.0.1), so the
two are different sites to the browser.
"""

import shutil
import threading

import pytest
from werkzeug.serving import make_server
from wtforms import StringField
from wtforms.validators import DataRequired, Email

from kolba import Kolba, render_template_string, request
from kolba.pytest_plugin import service_unavailable
from kolba_forms import CSRFProtect, KolbaForm

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP localhost 127.0.0.1",
]

CONTACT = """<!doctype html><title>contact</title>
<form method="post" action="/contact">
{{ form.hidden_tag() }}
{{ form.name(id="name") }} {{ form.email(id="email") }}
<button id="send" type="submit">Send</button>
{% for field in form %}{% for m in field.errors %}
<p class="error">{{ m }}</p>
{% endfor %}{% endfor %}
</form>"""

AJAX = """<!doctype html><title>ajax</title>{{ csrf_meta_tag() }}
<pre id="result">pending</pre>
<script>
const token = document.querySelector('meta[name="csrf-token"]').content;
(async () => {
  const send = (headers) => fetch("/api/notes", {
    method: "POST", headers: {"Content-Type": "application/json", ...headers},
    body: JSON.stringify({text: "hello"}),
  }).then(async (r) => [r.status, await r.json()]);
  const withToken = await send({"X-CSRFToken": token});
  const without = await send({});
  const out = document.getElementById("result");
  out.textContent = JSON.stringify({withToken, without});
  out.dataset.done = "yes";
})();
</script>"""

ELSEWHERE = """<!doctype html><title>elsewhere</title>
<form id="evil" method="post" action="APP/contact">
<input name="name" value="Mallory"><input name="email" value="m@evil.example">
<button id="go" type="submit">Win a prize</button>
</form>"""


class Contact(KolbaForm):
    name = StringField("Name", [DataRequired()])
    email = StringField("Email", [DataRequired(), Email()])


def make_app(seen):
    app = Kolba("forms_browser_app")
    app.config["SECRET_KEY"] = "browser test"
    CSRFProtect(app)

    @app.route("/contact", methods=["GET", "POST"])
    def contact():
        form = Contact()
        if form.validate_on_submit():
            return f"<p id='thanks'>Thanks, {form.name.data}</p>"
        return render_template_string(CONTACT, form=form)

    @app.get("/ajax")
    def ajax():
        return render_template_string(AJAX)

    @app.post("/api/notes")
    def notes():
        return {"saved": request.json["text"]}

    @app.after_request
    def note(response):
        seen.append(
            (
                request.method,
                request.path,
                response.status_code,
                request.headers.get("Sec-Fetch-Site"),
            )
        )
        return response

    return app


def make_elsewhere():
    other = Kolba("forms_browser_elsewhere")

    @other.get("/")
    def page():
        return ELSEWHERE.replace("APP", other.config["APP_ORIGIN"])

    return other


class Served:
    """Serve a WSGI app on 127.0.0.1 at a free port, from a thread, for a ``with`` block."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def find_browser():
    """Chromium and its driver; without them the tests fail under CI and skip elsewhere."""
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium is None or driver is None:
        service_unavailable(
            "chromium and chromedriver are not installed; install the packages in tests/apt.txt"
        )
    return chromium, driver


@pytest.fixture(scope="module")
def browser():
    chromium, driver_path = find_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def sites():
    seen = []
    other = make_elsewhere()
    with Served(make_app(seen)) as app, Served(other) as elsewhere:
        app_origin = f"http://127.0.0.1:{app.port}"
        other.config["APP_ORIGIN"] = app_origin
        yield app_origin, f"http://localhost:{elsewhere.port}", seen


def wait_for(browser, css):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, 20).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css))
    )


def test_real_form_submission_with_its_csrf_token(browser, sites):
    from selenium.webdriver.common.by import By

    app_origin, _, seen = sites
    browser.get(app_origin + "/contact")
    token = browser.find_element(By.NAME, "csrf_token").get_attribute("value")
    assert token
    browser.find_element(By.ID, "name").send_keys("Ada")
    browser.find_element(By.ID, "email").send_keys("ada@example.com")
    browser.find_element(By.ID, "send").click()
    assert wait_for(browser, "#thanks").text == "Thanks, Ada"
    assert ("POST", "/contact", 200, "same-origin") in seen


def test_form_errors_are_shown_after_a_real_submission(browser, sites):
    from selenium.webdriver.common.by import By

    app_origin, _, _ = sites
    browser.get(app_origin + "/contact")
    browser.find_element(By.ID, "name").send_keys("Ada")
    browser.find_element(By.ID, "email").send_keys("not-an-address")
    browser.find_element(By.ID, "send").click()
    assert wait_for(browser, ".error").text == "Invalid email address."


def test_script_post_with_the_token_in_the_header(browser, sites):
    import json

    app_origin, _, _ = sites
    browser.get(app_origin + "/ajax")
    result = json.loads(wait_for(browser, "#result[data-done]").text)
    assert result["withToken"] == [200, {"saved": "hello"}]
    assert result["without"] == [400, {"error": "csrf", "reason": "The CSRF token is missing."}]


def test_cross_origin_form_post_is_refused(browser, sites):
    from selenium.webdriver.common.by import By

    app_origin, other_origin, seen = sites
    browser.get(app_origin + "/contact")  # the victim has a session with the app
    browser.get(other_origin + "/")
    browser.find_element(By.ID, "go").click()
    body = wait_for(browser, "body p")
    assert "The request came from another site (Sec-Fetch-Site: cross-site)." in body.text
    assert ("POST", "/contact", 400, "cross-site") in seen


def test_missing_browser_fails_under_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="tests/apt.txt"):
        find_browser()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="tests/apt.txt"):
        find_browser()
