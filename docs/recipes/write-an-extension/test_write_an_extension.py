"""Tests for the write-an-extension recipe: the sample kolba-greeting extension used directly,
checked by the conformance suite, and pip-installed into a fresh virtual environment."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kolba
from kolba.conformance import ExtensionConformance, run_kolba_plugins
from kolba.pytest_plugin import make_app

HERE = Path(__file__).parent
SAMPLE = HERE / "kolba-greeting"
CORE = HERE.parents[2] / "packages" / "core"

# Import the sample from its source folder; a project that pip-installs it needs no such line.
sys.path.insert(0, str(SAMPLE / "src"))

from greeting_app import create_app  # noqa: E402
from kolba_greeting import Greeting, greet  # noqa: E402

# -- the extension, used directly -----------------------------------------------------------


@pytest.fixture
def app(app):
    """The pytest plugin's app with the extension initialised."""
    Greeting(app)
    return app


def test_greet_says_hello_by_default(app):
    with app.app_context():
        assert greet("Ada") == "Hello, Ada!"


@pytest.mark.kolba_config(GREETING_TEXT="Welcome")
def test_greet_uses_the_configured_text(app):
    with app.app_context():
        assert greet("Ada") == "Welcome, Ada!"


def test_templates_get_a_greeting_global(app):
    with app.app_context():
        rendered = kolba.render_template_string("{{ greeting(name) }}", name="<Ada>")
    assert rendered == "Hello, &lt;Ada&gt;!"


@pytest.mark.kolba_config(GREETING_TEMPLATE_GLOBAL=False)
def test_template_global_can_be_turned_off(app):
    with app.app_context():
        assert kolba.render_template_string("{{ greeting is defined }}") == "False"


def test_shell_context_offers_greet(app):
    assert app.make_shell_context()["greet"] is greet


def test_health_check_passes(app):
    (checks,) = app.plugins.hook.kolba_health_checks(app=app)
    assert [(c.name, c.check()) for c in checks] == [("greeting", None)]


def test_blank_text_is_rejected_with_the_key_and_the_fix():
    with pytest.raises(kolba.ConfigError, match="GREETING_TEXT: must not be blank"):
        Greeting(make_app(GREETING_TEXT="  "))


def test_greet_explains_a_missing_init_app():
    with make_app().app_context(), pytest.raises(RuntimeError, match="init_app"):
        greet("Ada")


def test_each_app_keeps_its_own_text():
    greeting = Greeting()
    english, polish = make_app(), make_app(GREETING_TEXT="Cześć")
    greeting.init_app(english)
    greeting.init_app(polish)
    with polish.app_context():
        assert greet("Ada") == "Cześć, Ada!"
    with english.app_context():
        assert greet("Ada") == "Hello, Ada!"


def test_factory_app_greets_in_a_view():
    client = create_app({"GREETING_TEXT": "Hi"}).test_client()
    assert client.get("/hello/Ada").text == "Hi, Ada!"


def test_factory_app_greets_in_a_template():
    client = create_app().test_client()
    assert client.get("/page/Ada").text == "<p>Hello, Ada!</p>"


# -- installed into a fresh virtual environment ---------------------------------------------


def run(*argv):
    return subprocess.run(argv, check=True, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def venv_bin(tmp_path_factory):
    """A new virtual environment with the core and the sample pip-installed from their
    folders; its scripts folder."""
    venv = tmp_path_factory.mktemp("greeting") / "venv"
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    uv = shutil.which("uv")
    if uv is not None:
        run(uv, "venv", "--quiet", "--python", sys.executable, str(venv))
        run(uv, "pip", "install", "--quiet", "--python", str(bin_dir / "python"), CORE, SAMPLE)
    else:
        run(sys.executable, "-m", "venv", str(venv))
        run(bin_dir / "python", "-m", "pip", "install", "--quiet", CORE, SAMPLE)
    return bin_dir


class TestGreetingConformance(ExtensionConformance):
    extension_class = Greeting
    other_config = {"GREETING_TEXT": "Hi", "GREETING_TEMPLATE_GLOBAL": False}
    distribution = "kolba-greeting"

    @pytest.fixture
    def kolba_command(self, venv_bin):
        return [str(venv_bin / "kolba")]


def test_kolba_plugins_lists_the_installed_sample(venv_bin, tmp_path):
    listed = run_kolba_plugins([str(venv_bin / "kolba")], cwd=tmp_path)
    assert [e["version"] for e in listed if e["name"] == "greeting"] == ["0.1.0"]


def test_kolba_extensions_enables_the_installed_sample_by_name(venv_bin, tmp_path):
    script = (
        "import kolba, kolba_greeting\n"
        "app = kolba.Kolba('by_name')\n"
        "app.config['KOLBA_EXTENSIONS'] = ['greeting']\n"
        "app.get('/')(lambda: kolba_greeting.greet('Ada'))\n"
        "print(app.test_client().get('/').text)\n"
    )
    out = run(venv_bin / "python", "-c", script)
    assert out.stdout == "Hello, Ada!\n"
