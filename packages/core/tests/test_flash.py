"""Tests for message flashing: flash() and get_flashed_messages() in views and templates.

Messages live in the session until the next request reads them.
"""

import pytest

from kolba import (
    Kolba,
    flash,
    get_flashed_messages,
    redirect,
    render_template,
    render_template_string,
    url_for,
)


@pytest.fixture
def app():
    app = Kolba(__name__, template_folder="templates_web")
    app.config.update(SECRET_KEY="flash secret", TESTING=True)

    @app.get("/flash")
    def add():
        flash("Saved.")
        flash("Disk almost full.", "warning")
        flash("Upload failed.", "error")
        return ""

    @app.get("/messages")
    def messages():
        return repr(get_flashed_messages())

    @app.get("/categorized")
    def categorized():
        return repr(get_flashed_messages(with_categories=True))

    @app.get("/errors")
    def errors():
        return repr(get_flashed_messages(category_filter=["error"]))

    return app


@pytest.fixture
def client(app):
    return app.test_client()


def test_flashed_messages_are_read_in_next_request(client):
    client.get("/flash")
    assert client.get("/messages").text == repr(["Saved.", "Disk almost full.", "Upload failed."])


def test_flashed_messages_are_consumed_once_read(client):
    client.get("/flash")
    client.get("/messages")
    assert client.get("/messages").text == "[]"


def test_no_messages_without_flash(client):
    assert client.get("/messages").text == "[]"


def test_messages_wait_in_session_until_a_request_reads_them(app, client):
    @app.get("/other")
    def other():
        return "no flashes read here"

    client.get("/flash")
    client.get("/other")
    assert "Saved." in client.get("/messages").text


def test_with_categories_returns_category_message_pairs(client):
    client.get("/flash")
    assert client.get("/categorized").text == repr(
        [("message", "Saved."), ("warning", "Disk almost full."), ("error", "Upload failed.")]
    )


def test_default_category_is_message(app, client):
    @app.get("/plain")
    def plain():
        flash("hi")
        return ""

    client.get("/plain")
    assert client.get("/categorized").text == repr([("message", "hi")])


def test_category_filter_keeps_only_matching_messages(client):
    client.get("/flash")
    assert client.get("/errors").text == repr(["Upload failed."])


def test_category_filter_with_categories_returns_pairs(app, client):
    @app.get("/problems")
    def problems():
        return repr(get_flashed_messages(True, ["error", "warning"]))

    client.get("/flash")
    assert client.get("/problems").text == repr(
        [("warning", "Disk almost full."), ("error", "Upload failed.")]
    )


def test_filtered_read_still_consumes_all_messages(client):
    client.get("/flash")
    client.get("/errors")
    assert client.get("/messages").text == "[]"


def test_repeated_reads_in_one_request_return_same_messages(app, client):
    @app.get("/twice")
    def twice():
        return repr([get_flashed_messages(), get_flashed_messages()])

    client.get("/flash")
    first = ["Saved.", "Disk almost full.", "Upload failed."]
    assert client.get("/twice").text == repr([first, first])


def test_message_flashed_before_redirect_is_shown_after_it(app, client):
    @app.post("/save")
    def save():
        flash("Profile updated.", "success")
        return redirect(url_for("categorized"))

    rv = client.post("/save", follow_redirects=True)
    assert rv.text == repr([("success", "Profile updated.")])


def test_message_is_gone_after_the_redirect_target_showed_it(app, client):
    @app.post("/save")
    def save():
        flash("Profile updated.")
        return redirect(url_for("messages"))

    client.post("/save", follow_redirects=True)
    assert client.get("/messages").text == "[]"


def test_messages_accumulate_over_several_requests_until_read(app, client):
    @app.get("/one/<text>")
    def one(text):
        flash(text)
        return ""

    client.get("/one/a")
    client.get("/one/b")
    assert client.get("/messages").text == repr(["a", "b"])


def test_template_reads_flashed_messages_with_categories(app, client):
    @app.get("/page")
    def page():
        return render_template("flashes.html")

    client.get("/flash")
    html = client.get("/page").text
    assert '<p class="warning">Disk almost full.</p>' in html
    assert '<p class="error">Upload failed.</p>' in html


def test_template_can_filter_flashed_messages_by_category(app, client):
    @app.get("/page")
    def page():
        return render_template_string(
            "{% for m in get_flashed_messages(category_filter=['warning']) %}[{{ m }}]{% endfor %}"
        )

    client.get("/flash")
    assert client.get("/page").text == "[Disk almost full.]"


def test_flashed_message_is_escaped_in_html_templates(app, client):
    @app.get("/evil")
    def evil():
        flash("<script>alert(1)</script>")
        return ""

    @app.get("/page")
    def page():
        return render_template("flashes.html")

    client.get("/evil")
    assert "&lt;script&gt;" in client.get("/page").text


def test_flash_without_secret_key_raises_runtime_error(app, client):
    app.config["SECRET_KEY"] = None
    with pytest.raises(RuntimeError, match="secret key"):
        client.get("/flash")
