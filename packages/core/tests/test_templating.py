"""Tests for Jinja templating: rendering, streaming, autoescape, template context and registration.

Templates live in templates_web/ beside this file, or in tmp_path when a test edits them.
"""

import logging
import os

import pytest
from jinja2 import TemplateNotFound
from markupsafe import Markup

from kolba import (
    Kolba,
    flash,
    g,
    get_template_attribute,
    render_template,
    render_template_string,
    session,
    stream_template,
    stream_template_string,
)


@pytest.fixture
def app():
    app = Kolba(__name__, template_folder="templates_web")
    app.config.update(SECRET_KEY="templating secret", TESTING=True)
    return app


@pytest.fixture
def client(app):
    return app.test_client()


# --- rendering ------------------------------------------------------------------------------


def test_render_template_reads_templates_folder(app):
    with app.app_context():
        html = render_template("hello.html", my_str="abc", my_int=7, my_array=[1, 2], my_dict={})
    assert "<br />abc" in html
    assert "<br />7" in html
    assert "<br />[1, 2]" in html


def test_render_template_from_view(app, client):
    @app.get("/")
    def index():
        return render_template("hello.html", my_str="from view")

    rv = client.get("/")
    assert rv.mimetype == "text/html"
    assert "from view" in rv.text


def test_missing_template_raises_template_not_found(app):
    with app.app_context(), pytest.raises(TemplateNotFound):
        render_template("does-not-exist.html")


def test_render_template_string_renders_context(app):
    with app.app_context():
        assert render_template_string("{{ a }} + {{ b }}", a=1, b=2) == "1 + 2"


def test_stream_template_body_is_the_rendered_template(app, client):
    @app.get("/stream")
    def stream():
        return stream_template("hello.html", my_str="streamed")

    assert "<br />streamed" in client.get("/stream").text


def test_stream_template_string_body_is_the_rendered_template(app, client):
    @app.get("/stream")
    def stream():
        return stream_template_string("<p>{{ word }}</p>", word="chunked")

    assert client.get("/stream").text == "<p>chunked</p>"


def test_stream_template_yields_several_chunks(app):
    with app.test_request_context():
        chunks = list(stream_template_string("a{{ x }}b{{ y }}c", x=1, y=2))
    assert len(chunks) > 1
    assert "".join(chunks) == "a1b2c"


def test_streamed_template_can_use_request_while_streaming(app, client):
    @app.get("/stream")
    def stream():
        return stream_template_string("q={{ request.args['q'] }}")

    assert client.get("/stream?q=kept").text == "q=kept"


def test_get_template_attribute_calls_macro(app):
    with app.app_context():
        greet = get_template_attribute("macros.html", "greet")
        assert greet("Ann") == "Hello, Ann!"
        assert greet("Bob", punctuation="?") == "Hello, Bob?"


# --- autoescape -----------------------------------------------------------------------------


@pytest.mark.parametrize("ext", ["html", "htm", "xml", "xhtml", "svg"])
def test_markup_extensions_are_autoescaped(app, ext):
    with app.app_context():
        out = render_template(f"autoescape/value.{ext}", value="<b>&</b>")
    assert out.strip() == "&lt;b&gt;&amp;&lt;/b&gt;"


def test_txt_templates_are_not_autoescaped(app):
    with app.app_context():
        out = render_template("autoescape/value.txt", value="<b>&</b>")
    assert out.strip() == "<b>&</b>"


def test_template_strings_are_autoescaped(app):
    with app.app_context():
        assert render_template_string("{{ v }}", v="<i>") == "&lt;i&gt;"


def test_markup_values_are_not_escaped(app):
    with app.app_context():
        assert render_template_string("{{ v }}", v=Markup("<i>ok</i>")) == "<i>ok</i>"


def test_safe_filter_disables_escaping(app):
    with app.app_context():
        assert render_template_string("{{ v|safe }}", v="<i>ok</i>") == "<i>ok</i>"


# --- default template context ---------------------------------------------------------------


def test_url_for_is_available_in_templates(app, client):
    @app.get("/users/<int:user_id>")
    def user(user_id):
        return render_template_string("{{ url_for('user', user_id=5) }}")

    assert client.get("/users/1").text == "/users/5"


def test_config_is_available_in_templates(app):
    app.config["SITE_NAME"] = "Kolba Shop"
    with app.app_context():
        assert render_template_string("{{ config.SITE_NAME }}") == "Kolba Shop"


def test_request_is_available_in_templates(app, client):
    @app.get("/who")
    def who():
        return render_template_string("{{ request.method }} {{ request.args.name }}")

    assert client.get("/who?name=ann").text == "GET ann"


def test_session_is_available_in_templates(app, client):
    @app.get("/login")
    def login():
        session["user"] = "ann"
        return ""

    @app.get("/me")
    def me():
        return render_template_string("{{ session.user }}")

    client.get("/login")
    assert client.get("/me").text == "ann"


def test_g_is_available_in_templates(app, client):
    @app.get("/g")
    def show_g():
        g.theme = "dark"
        return render_template_string("{{ g.theme }}")

    assert client.get("/g").text == "dark"


def test_get_flashed_messages_is_available_in_templates(app, client):
    @app.get("/f")
    def with_flash():
        flash("hello")
        return render_template_string("{{ get_flashed_messages() }}")

    assert client.get("/f").text == "[&#39;hello&#39;]"


# --- filters, globals, tests, context processors --------------------------------------------


def test_template_filter_decorator_uses_function_name(app):
    @app.template_filter()
    def reverse(s):
        return s[::-1]

    with app.app_context():
        assert render_template_string("{{ 'abc'|reverse }}") == "cba"


def test_template_filter_decorator_accepts_name(app):
    @app.template_filter("shout")
    def make_loud(s):
        return s.upper() + "!"

    with app.app_context():
        assert render_template_string("{{ 'hi'|shout }}") == "HI!"


def test_add_template_filter_registers_function(app):
    app.add_template_filter(lambda n: f"{n:.2f}", "money")
    with app.app_context():
        assert render_template_string("{{ 3|money }}") == "3.00"


def test_template_global_decorator_registers_callable(app):
    @app.template_global()
    def double(n):
        return n * 2

    with app.app_context():
        assert render_template_string("{{ double(21) }}") == "42"


def test_add_template_global_registers_callable_under_name(app):
    app.add_template_global(lambda: "v1.2", "version")
    with app.app_context():
        assert render_template_string("{{ version() }}") == "v1.2"


def test_template_test_decorator_registers_test(app):
    @app.template_test()
    def even(n):
        return n % 2 == 0

    with app.app_context():
        assert render_template_string("{{ 4 is even }} {{ 3 is even }}") == "True False"


def test_add_template_test_registers_test_under_name(app):
    app.add_template_test(lambda s: s.startswith("http"), "link")
    with app.app_context():
        assert render_template_string("{{ 'https://x' is link }}") == "True"


def test_template_filters_are_usable_from_template_files(tmp_path):
    (tmp_path / "card.html").write_text("{{ name|initials }}")
    app = Kolba(__name__, template_folder=str(tmp_path))

    @app.template_filter()
    def initials(name):
        return "".join(part[0] for part in name.split())

    with app.app_context():
        assert render_template("card.html", name="Ada Lovelace") == "AL"


def test_context_processor_injects_variables(app):
    @app.context_processor
    def inject_site():
        return {"site": "Kolba Docs"}

    with app.app_context():
        assert render_template_string("{{ site }}") == "Kolba Docs"


def test_context_processor_can_inject_functions(app):
    @app.context_processor
    def helpers():
        return {"format_price": lambda cents: f"${cents / 100:.2f}"}

    with app.app_context():
        assert render_template_string("{{ format_price(1999) }}") == "$19.99"


def test_explicit_render_arguments_override_context_processor(app):
    @app.context_processor
    def inject_site():
        return {"site": "from processor"}

    with app.app_context():
        assert render_template_string("{{ site }}", site="explicit") == "explicit"


def test_context_processor_runs_on_each_render(app, client):
    calls = []

    @app.context_processor
    def count():
        calls.append(1)
        return {}

    @app.get("/")
    def index():
        return render_template_string("x")

    client.get("/")
    client.get("/")
    assert len(calls) == 2


# --- jinja options --------------------------------------------------------------------------


def test_jinja_options_set_before_first_use_apply(app):
    app.jinja_options = {**app.jinja_options, "trim_blocks": True}
    with app.app_context():
        assert render_template_string("{% if true %}\nyes\n{% endif %}") == "yes\n"


def test_without_trim_blocks_newlines_after_blocks_are_kept(app):
    with app.app_context():
        assert render_template_string("{% if true %}\nyes\n{% endif %}") == "\nyes\n"


def test_jinja_options_on_subclass_set_custom_delimiters(tmp_path):
    class BracketKolba(Kolba):
        jinja_options = {"variable_start_string": "[[", "variable_end_string": "]]"}

    app = BracketKolba(__name__)
    with app.app_context():
        assert render_template_string("[[ name ]] {{ name }}", name="x") == "x {{ name }}"


def test_jinja_env_is_created_with_autoescape_and_url_for(app):
    assert "url_for" in app.jinja_env.globals
    assert app.jinja_env.autoescape("page.html") is True
    assert app.jinja_env.autoescape("notes.txt") is False


# --- reloading and explaining ---------------------------------------------------------------


def write_template(folder, name, text):
    path = folder / name
    existed = path.exists()
    path.write_text(text)
    if existed:  # move mtime forward so the change is visible on coarse clocks
        stat = path.stat()
        os.utime(path, (stat.st_atime, stat.st_mtime + 10))


def test_templates_auto_reload_picks_up_changes(tmp_path):
    app = Kolba(__name__, template_folder=str(tmp_path))
    app.config["TEMPLATES_AUTO_RELOAD"] = True
    write_template(tmp_path, "page.html", "version one")
    with app.app_context():
        assert render_template("page.html") == "version one"
        write_template(tmp_path, "page.html", "version two")
        assert render_template("page.html") == "version two"


def test_templates_are_cached_without_auto_reload(tmp_path):
    app = Kolba(__name__, template_folder=str(tmp_path))
    app.config["TEMPLATES_AUTO_RELOAD"] = False
    write_template(tmp_path, "page.html", "version one")
    with app.app_context():
        assert render_template("page.html") == "version one"
        write_template(tmp_path, "page.html", "version two")
        assert render_template("page.html") == "version one"


def test_templates_auto_reload_follows_debug_when_unset(tmp_path):
    app = Kolba(__name__, template_folder=str(tmp_path))
    app.debug = True
    write_template(tmp_path, "page.html", "version one")
    with app.app_context():
        assert render_template("page.html") == "version one"
        write_template(tmp_path, "page.html", "version two")
        assert render_template("page.html") == "version two"


def test_explain_template_loading_logs_search_to_app_logger(app, caplog):
    app.config["EXPLAIN_TEMPLATE_LOADING"] = True
    caplog.set_level(logging.INFO, logger=app.logger.name)
    with app.app_context():
        render_template("hello.html")
    messages = [r.getMessage() for r in caplog.records if r.name == app.logger.name]
    assert any("hello.html" in m for m in messages)


def test_template_loading_is_not_explained_by_default(app, caplog):
    caplog.set_level(logging.INFO, logger=app.logger.name)
    with app.app_context():
        render_template("hello.html")
    assert not [r for r in caplog.records if "hello.html" in r.getMessage()]


# --- Jinja language through kolba ------------------------------------------------------------


def test_child_template_fills_parent_blocks(app):
    with app.app_context():
        html = render_template("child.html", page="Home")
    assert "<title>Home - Site</title>" in html
    assert "<main>child content</main>" in html
    assert "<footer>base footer</footer>" in html


def test_imported_macro_renders(app):
    with app.app_context():
        assert render_template("uses_macro.html", who="Kim").strip() == "Hello, Kim!"


def test_with_block_scopes_variable(app):
    with app.app_context():
        out = render_template_string(
            "{% with n = items|length %}{{ n }}{% endwith %}[{{ n }}]", items=[1, 2, 3]
        )
    assert out == "3[]"


def test_for_loop_exposes_loop_variable_and_else(app):
    source = "{% for x in xs %}{{ loop.index }}:{{ x }} {% else %}empty{% endfor %}"
    with app.app_context():
        assert render_template_string(source, xs=["a", "b"]) == "1:a 2:b "
        assert render_template_string(source, xs=[]) == "empty"


def test_if_elif_else(app):
    source = "{% if n > 1 %}many{% elif n == 1 %}one{% else %}none{% endif %}"
    with app.app_context():
        assert [render_template_string(source, n=n) for n in (0, 1, 2)] == ["none", "one", "many"]
