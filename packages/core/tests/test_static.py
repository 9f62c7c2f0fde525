"""Tests for the static route, send_file and send_from_directory.

Covers caching headers, conditional and range requests, downloads and path traversal.
"""

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from werkzeug.exceptions import NotFound

from kolba import Kolba, send_file, send_from_directory, url_for

HERE = Path(__file__).parent
HELLO = (HERE / "static_web" / "hello.txt").read_bytes()


@pytest.fixture
def site(tmp_path):
    """A project folder with static/, a public download folder and a secret beside them."""
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "app.css").write_text("body { color: red; }")
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "ok.txt").write_text("public data")
    (tmp_path / "public" / "sub").mkdir()
    (tmp_path / "public" / "sub" / "deep.txt").write_text("deep data")
    (tmp_path / "secret.txt").write_text("top secret")
    return tmp_path


@pytest.fixture
def app(site):
    app = Kolba(__name__, root_path=str(site))
    app.config["TESTING"] = True

    @app.get("/files/<path:name>")
    def files(name):
        return send_from_directory(site / "public", name)

    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def files_app():
    """An app rooted at this folder whose views send static_web/hello.txt in various ways."""
    app = Kolba(__name__, static_folder="static_web")
    app.config["TESTING"] = True
    return app


def view(app, **kwargs):
    """Register /send returning send_file(static_web/hello.txt, **kwargs); return a client."""

    @app.get("/send")
    def send():
        return send_file(HERE / "static_web" / "hello.txt", **kwargs)

    return app.test_client()


# --- the static route -----------------------------------------------------------------------


def test_static_folder_is_served_under_static_by_default(client):
    rv = client.get("/static/app.css")
    assert rv.status_code == 200
    assert rv.data == b"body { color: red; }"
    assert rv.mimetype == "text/css"


def test_url_for_static_builds_static_url(app):
    with app.test_request_context():
        assert url_for("static", filename="app.css") == "/static/app.css"


def test_missing_static_file_is_404(client):
    assert client.get("/static/missing.css").status_code == 404


def test_static_route_does_not_escape_static_folder(client):
    assert client.get("/static/../secret.txt").status_code == 404
    assert client.get("/static/%2e%2e%2fsecret.txt").status_code == 404


def test_static_url_path_defaults_to_folder_name(files_app):
    rv = files_app.test_client().get("/static_web/hello.txt")
    assert rv.status_code == 200
    assert rv.data == HELLO


def test_static_url_path_can_be_customised():
    app = Kolba(__name__, static_folder="static_web", static_url_path="/assets")
    client = app.test_client()
    assert client.get("/assets/hello.txt").data == HELLO
    assert client.get("/static_web/hello.txt").status_code == 404
    with app.test_request_context():
        assert url_for("static", filename="hello.txt") == "/assets/hello.txt"


def test_static_folder_none_disables_static_route(site):
    app = Kolba(__name__, root_path=str(site), static_folder=None)
    assert not app.has_static_folder
    assert app.test_client().get("/static/app.css").status_code == 404


def test_javascript_static_file_has_javascript_mimetype(files_app):
    rv = files_app.test_client().get("/static_web/hello.js")
    assert rv.mimetype == "text/javascript"


def test_static_host_serves_static_files_only_on_that_host():
    app = Kolba(
        __name__,
        static_folder="static_web",
        static_url_path="/static",
        static_host="cdn.example.com",
        host_matching=True,
    )
    client = app.test_client()
    assert client.get("/static/hello.txt", base_url="http://cdn.example.com").data == HELLO
    assert client.get("/static/hello.txt", base_url="http://www.example.com").status_code == 404


def test_url_for_static_points_at_static_host():
    app = Kolba(
        __name__,
        static_folder="static_web",
        static_url_path="/static",
        static_host="cdn.example.com",
        host_matching=True,
    )

    @app.get("/", host="www.example.com")
    def index():
        return url_for("static", filename="hello.txt")

    rv = app.test_client().get("/", base_url="http://www.example.com")
    assert rv.text == "http://cdn.example.com/static/hello.txt"


def test_static_files_are_not_cached_by_default(client):
    assert client.get("/static/app.css").headers["Cache-Control"] == "no-cache"


def test_send_file_max_age_default_sets_static_cache_control(app, client):
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600
    assert client.get("/static/app.css").cache_control.max_age == 3600


def test_send_file_max_age_default_accepts_timedelta(app, client):
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = timedelta(minutes=5)
    assert client.get("/static/app.css").cache_control.max_age == 300


def test_send_file_max_age_default_applies_to_send_file(files_app):
    files_app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 60
    rv = view(files_app).get("/send")
    assert rv.cache_control.max_age == 60
    assert rv.cache_control.public


@pytest.mark.parametrize(
    ("key", "value"),
    [("SEND_FILE_MAX_AGE_DEFAULT", None), ("USE_X_SENDFILE", False)],
)
def test_file_config_defaults(key, value):
    assert Kolba(__name__).config[key] == value


# --- send_file ------------------------------------------------------------------------------


def test_send_file_with_path_sends_contents_and_guesses_mimetype(files_app):
    rv = view(files_app).get("/send")
    assert rv.data == HELLO
    assert rv.mimetype == "text/plain"
    assert rv.content_length == len(HELLO)


def test_send_file_relative_path_is_relative_to_app_root(files_app):
    @files_app.get("/relative")
    def relative():
        return send_file("static_web/hello.txt")

    assert files_app.test_client().get("/relative").data == HELLO


def test_send_file_with_path_is_inline_by_default(files_app):
    rv = view(files_app).get("/send")
    assert rv.headers["Content-Disposition"].startswith("inline")


def test_send_file_with_file_object_and_download_name(files_app):
    @files_app.get("/export")
    def export():
        return send_file(io.BytesIO(b"a,b\n1,2\n"), download_name="export.csv")

    rv = files_app.test_client().get("/export")
    assert rv.data == b"a,b\n1,2\n"
    assert rv.mimetype == "text/csv"


def test_send_file_with_nameless_file_object_needs_mimetype(files_app):
    @files_app.get("/blob")
    def blob():
        return send_file(io.BytesIO(b"\x00\x01"))

    with pytest.raises(TypeError, match="MIME type"):
        files_app.test_client().get("/blob")


def test_send_file_explicit_mimetype_wins(files_app):
    rv = view(files_app, mimetype="application/x-custom").get("/send")
    assert rv.mimetype == "application/x-custom"


def test_send_file_as_attachment_sets_download_name(files_app):
    rv = view(files_app, as_attachment=True, download_name="report.txt").get("/send")
    assert rv.headers["Content-Disposition"] == "attachment; filename=report.txt"


def test_send_file_as_attachment_defaults_to_file_name(files_app):
    rv = view(files_app, as_attachment=True).get("/send")
    assert rv.headers["Content-Disposition"] == "attachment; filename=hello.txt"


def test_send_file_non_ascii_download_name_is_rfc_5987_encoded(files_app):
    rv = view(files_app, as_attachment=True, download_name="报告 ä.txt").get("/send")
    disposition = rv.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E6%8A%A5%E5%91%8A%20%C3%A4.txt" in disposition


def test_send_file_path_has_etag_by_default(files_app):
    assert view(files_app).get("/send").headers.get("ETag")


def test_send_file_etag_can_be_disabled(files_app):
    assert "ETag" not in view(files_app, etag=False).get("/send").headers


def test_send_file_custom_etag_string(files_app):
    assert view(files_app, etag="v42").get("/send").headers["ETag"] == '"v42"'


def test_matching_if_none_match_gives_304(files_app):
    client = view(files_app)
    etag = client.get("/send").headers["ETag"]
    rv = client.get("/send", headers={"If-None-Match": etag})
    assert rv.status_code == 304
    assert rv.data == b""


def test_other_if_none_match_gives_full_response(files_app):
    rv = view(files_app).get("/send", headers={"If-None-Match": '"something-else"'})
    assert rv.status_code == 200
    assert rv.data == HELLO


def test_if_modified_since_last_modified_gives_304(files_app):
    client = view(files_app)
    last_modified = client.get("/send").headers["Last-Modified"]
    rv = client.get("/send", headers={"If-Modified-Since": last_modified})
    assert rv.status_code == 304


def test_conditional_false_ignores_if_none_match(files_app):
    client = view(files_app, conditional=False)
    etag = client.get("/send").headers["ETag"]
    assert client.get("/send", headers={"If-None-Match": etag}).status_code == 200


def test_send_file_last_modified_argument_sets_header(files_app):
    when = datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    rv = view(files_app, last_modified=when).get("/send")
    assert rv.last_modified == when


def test_send_file_max_age_argument_sets_cache_control(files_app):
    rv = view(files_app, max_age=120).get("/send")
    assert rv.cache_control.max_age == 120
    assert rv.cache_control.public


def test_range_request_gives_partial_content(files_app):
    rv = view(files_app).get("/send", headers={"Range": "bytes=0-4"})
    assert rv.status_code == 206
    assert rv.data == HELLO[:5]
    assert rv.headers["Content-Range"] == f"bytes 0-4/{len(HELLO)}"


def test_suffix_range_request_gives_file_tail(files_app):
    rv = view(files_app).get("/send", headers={"Range": "bytes=-6"})
    assert rv.status_code == 206
    assert rv.data == HELLO[-6:]


def test_unsatisfiable_range_gives_416(files_app):
    rv = view(files_app).get("/send", headers={"Range": "bytes=1000-2000"})
    assert rv.status_code == 416
    assert rv.headers["Content-Range"] == f"bytes */{len(HELLO)}"


def test_send_file_advertises_byte_ranges(files_app):
    assert view(files_app).get("/send").headers["Accept-Ranges"] == "bytes"


def test_use_x_sendfile_sends_header_and_empty_body(files_app):
    files_app.config["USE_X_SENDFILE"] = True
    rv = view(files_app).get("/send")
    assert rv.headers["X-Sendfile"] == str(HERE / "static_web" / "hello.txt")
    assert rv.data == b""


# --- send_from_directory --------------------------------------------------------------------


def test_send_from_directory_serves_file(client):
    assert client.get("/files/ok.txt").data == b"public data"


def test_send_from_directory_serves_file_in_subfolder(client):
    assert client.get("/files/sub/deep.txt").data == b"deep data"


def test_send_from_directory_missing_file_is_404(client):
    assert client.get("/files/nope.txt").status_code == 404


def test_send_from_directory_subfolder_itself_is_404(client):
    assert client.get("/files/sub").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/files/../secret.txt",
        "/files/%2e%2e%2fsecret.txt",
        "/files/..%2fsecret.txt",
        "/files/sub/../../secret.txt",
        "/files/%2e%2e/secret.txt",
    ],
)
def test_send_from_directory_rejects_traversal_urls(client, url):
    rv = client.get(url)
    assert rv.status_code == 404
    assert b"top secret" not in rv.data


def test_send_from_directory_rejects_nul_byte_url(client):
    assert client.get("/files/ok.txt%00.png").status_code == 404


@pytest.mark.parametrize(
    "name",
    ["../secret.txt", "sub/../../secret.txt", "ok.txt\x00", "\x00"],
    ids=["dotdot", "nested-dotdot", "trailing-nul", "nul"],
)
def test_send_from_directory_raises_not_found_for_unsafe_names(app, site, name):
    with app.test_request_context(), pytest.raises(NotFound):
        send_from_directory(site / "public", name)


def test_send_from_directory_rejects_absolute_path(app, site):
    with app.test_request_context(), pytest.raises(NotFound):
        send_from_directory(site / "public", str(site / "secret.txt"))


def test_send_from_directory_passes_download_options(app, site):
    @app.get("/download/<name>")
    def download(name):
        return send_from_directory(site / "public", name, as_attachment=True)

    rv = app.test_client().get("/download/ok.txt")
    assert rv.headers["Content-Disposition"] == "attachment; filename=ok.txt"
