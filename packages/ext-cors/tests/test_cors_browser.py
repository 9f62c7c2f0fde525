"""End to end in headless Chromium: a page served from one origin (127.0.0.1) fetches from the
API on another (localhost), and each test reads from the page what the browser allowed.

One browser run serves every test of this module; it writes its outcomes into the page, and
``--dump-dom`` hands the page back once the fetches have settled.
"""

import html
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading

import pytest
from werkzeug.serving import make_server

from kolba import Kolba, abort, request
from kolba.pytest_plugin import service_unavailable
from kolba_cors import CORS, cross_origin

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Only localhost's address; the origin the page sees stays http://localhost:<port>.
    "--host-resolver-rules=MAP localhost 127.0.0.1",
    "--virtual-time-budget=5000",
]

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>front end</title></head>
<body><pre id="results">pending</pre>
<script>
const api = "API";
const json = {"Content-Type": "application/json"};
const steps = [
  ["get", "/api/open", {}],
  ["get_with_credentials", "/api/me", {credentials: "include"}],
  ["credentials_without_consent", "/api/open", {credentials: "include"}],
  ["disallowed_origin", "/api/private", {}],
  ["error_response", "/api/items/0", {}],
  ["put_allowed", "/api/items/7",
   {method: "PUT", headers: {"X-Token": "t0k", ...json}, body: '{"name": "lamp"}'}],
  ["put_header_refused", "/api/locked/7",
   {method: "PUT", headers: {"X-Token": "t0k", ...json}, body: "{}"}],
  ["put_method_refused", "/api/readonly/7",
   {method: "PUT", headers: {"X-Token": "t0k", ...json}, body: "{}"}],
  ["put_to_guarded_view", "/api/guarded/3",
   {method: "PUT", headers: {"Authorization": "Bearer s3cret", ...json}, body: '{"name": "desk"}'}],
  ["put_through_slash_redirect", "/api/slashed",
   {method: "PUT", headers: {"X-Token": "t0k", ...json}, body: '{"name": "chair"}'}],
];
(async () => {
  const results = {};
  for (const [name, path, init] of steps) {
    try {
      const r = await fetch(api + path, init);
      results[name] = {ok: true, status: r.status, body: await r.text()};
    } catch (e) {
      results[name] = {ok: false, error: e.name};
    }
  }
  const out = document.getElementById("results");
  out.textContent = JSON.stringify(results);
  out.dataset.done = "yes";
})();
</script></body></html>
"""


def find_chromium():
    """The chromium executable; without one the test fails under CI and is skipped elsewhere."""
    path = shutil.which("chromium")
    if path is None:
        service_unavailable("chromium is not installed; install the packages in tests/apt.txt")
    return path


@pytest.fixture(scope="module")
def chromium():
    return find_chromium()


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


def make_api(page_origin):
    api = Kolba("cors_browser_api")
    CORS(
        api,
        origins=[page_origin],
        resources={
            "/api/open": {},
            "/api/me": {"supports_credentials": True},
            "/api/private": {"origins": ["https://elsewhere.example.com"]},
            "/api/items/*": {
                "methods": ["GET", "PUT"],
                "allow_headers": ["X-Token", "Content-Type"],
            },
            "/api/locked/*": {"methods": ["GET", "PUT"], "allow_headers": ["Content-Type"]},
            "/api/readonly/*": {"methods": ["GET"]},
            "/api/slashed/": {"methods": ["PUT"], "allow_headers": ["X-Token", "Content-Type"]},
        },
    )

    @api.before_request
    def require_token():
        # A preflight carries no credentials: CORS answers it before this hook runs, even
        # for a @cross_origin view outside the resources above.
        guarded = request.path.startswith("/api/guarded/")
        if guarded and request.headers.get("Authorization") != "Bearer s3cret":
            abort(401)

    @api.put("/api/guarded/<int:item_id>")
    @cross_origin(origins=[page_origin], allow_headers=["Authorization", "Content-Type"])
    def guarded(item_id):
        return {"id": item_id, "body": request.json}

    @api.put("/api/slashed/")
    def slashed():
        return {"body": request.json}

    @api.get("/api/open")
    def open_data():
        return {"hello": "front end"}

    @api.get("/api/me")
    def me():
        return {"user": "ada"}

    @api.get("/api/private")
    def private():
        return {"secret": 42}

    @api.route("/api/<kind>/<int:item_id>", methods=["GET", "PUT"])
    def item(kind, item_id):
        if item_id == 0:
            abort(404, description="No item 0.")
        return {"id": item_id, "token": request.headers.get("X-Token"), "body": request.json}

    return api


def recording(app, seen):
    """``app``, noting each request's method and path as it arrives, before any of its hooks."""

    def wsgi(environ, start_response):
        seen.append((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
        return app(environ, start_response)

    return wsgi


def make_page():
    """The front end: one page that fetches from the origin in its ``API_ORIGIN`` config."""
    page = Kolba("cors_browser_page")

    @page.get("/")
    def index():
        return PAGE.replace("API", page.config["API_ORIGIN"])

    return page


def dump_dom(chromium, url):
    with tempfile.TemporaryDirectory(
        prefix="kolba-cors-chromium-", ignore_cleanup_errors=True
    ) as profile:
        command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url]
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            out, err = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            # Chromium's helper processes share its process group: end them all while the
            # group's leader still exists, then collect it.
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            out, err = "", "chromium did not finish within 30 s"
    return out, err


@pytest.fixture(scope="module")
def outcome(chromium):
    """What the page saw for each fetch, and the requests the API received."""
    seen = []
    page_app = make_page()
    with Served(page_app) as page:
        page_origin = f"http://127.0.0.1:{page.port}"
        with Served(recording(make_api(page_origin), seen)) as api:
            page_app.config["API_ORIGIN"] = f"http://localhost:{api.port}"
            out, err = dump_dom(chromium, page_origin + "/")
    found = re.search(r'<pre id="results" data-done="yes">(.*?)</pre>', out, re.DOTALL)
    assert found, f"the page did not finish; chromium said:\n{err[-2000:]}"
    return json.loads(html.unescape(found.group(1))), seen


def test_allowed_get_is_readable(outcome):
    results, _ = outcome
    assert results["get"] == {"ok": True, "status": 200, "body": '{"hello":"front end"}\n'}


def test_allowed_get_with_credentials_is_readable(outcome):
    results, _ = outcome
    assert results["get_with_credentials"]["ok"] is True
    assert json.loads(results["get_with_credentials"]["body"]) == {"user": "ada"}


def test_credentialed_get_is_blocked_without_credentials_consent(outcome):
    results, _ = outcome
    assert results["credentials_without_consent"] == {"ok": False, "error": "TypeError"}


def test_disallowed_origin_is_blocked_by_the_browser(outcome):
    results, seen = outcome
    assert results["disallowed_origin"] == {"ok": False, "error": "TypeError"}
    # The server answered (CORS is enforced by the browser), but the page could not read it.
    assert ("GET", "/api/private") in seen


def test_error_response_is_readable_by_an_allowed_origin(outcome):
    results, _ = outcome
    assert results["error_response"]["ok"] is True
    assert results["error_response"]["status"] == 404


def test_preflighted_put_with_an_allowed_custom_header_succeeds(outcome):
    results, seen = outcome
    assert results["put_allowed"]["ok"] is True
    body = json.loads(results["put_allowed"]["body"])
    assert body == {"id": 7, "token": "t0k", "body": {"name": "lamp"}}
    assert seen.index(("OPTIONS", "/api/items/7")) < seen.index(("PUT", "/api/items/7"))


def test_preflighted_put_with_a_header_not_allowed_is_never_sent(outcome):
    results, seen = outcome
    assert results["put_header_refused"] == {"ok": False, "error": "TypeError"}
    assert ("OPTIONS", "/api/locked/7") in seen
    assert ("PUT", "/api/locked/7") not in seen


def test_preflighted_put_with_a_method_not_allowed_is_never_sent(outcome):
    results, seen = outcome
    assert results["put_method_refused"] == {"ok": False, "error": "TypeError"}
    assert ("PUT", "/api/readonly/7") not in seen


def test_preflighted_put_to_a_cross_origin_view_behind_an_auth_hook_succeeds(outcome):
    results, seen = outcome
    assert results["put_to_guarded_view"]["ok"] is True, results["put_to_guarded_view"]
    assert json.loads(results["put_to_guarded_view"]["body"]) == {"id": 3, "body": {"name": "desk"}}
    assert seen.index(("OPTIONS", "/api/guarded/3")) < seen.index(("PUT", "/api/guarded/3"))


def test_preflighted_put_to_a_url_missing_its_trailing_slash_follows_the_redirect(outcome):
    results, seen = outcome
    assert results["put_through_slash_redirect"]["ok"] is True, results
    assert json.loads(results["put_through_slash_redirect"]["body"]) == {"body": {"name": "chair"}}
    assert ("OPTIONS", "/api/slashed") in seen
    assert ("PUT", "/api/slashed/") in seen


def test_missing_chromium_fails_under_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="tests/apt.txt"):
        find_chromium()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="tests/apt.txt"):
        find_chromium()
