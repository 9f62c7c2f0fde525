"""The package itself: its version, typing marker, entry point (``kolba plugins`` and
``KOLBA_EXTENSIONS``), Flask-WTF's module layout, config errors, and the README example."""

import importlib
import importlib.metadata
import importlib.resources
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_app, token_from

import kolba_forms
from kolba import ConfigError
from kolba.pytest_plugin import service_unavailable
from kolba_forms import CSRFProtect


def test_version_is_0_1_0():
    assert kolba_forms.__version__ == "0.1.0"


def test_package_is_typed():
    assert importlib.resources.files("kolba_forms").joinpath("py.typed").is_file()


def test_import_loads_neither_flask_nor_flask_wtf():
    code = "import sys, kolba_forms; print(sorted(m for m in sys.modules if 'flask' in m))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("module", "names"),
    [
        ("kolba_forms", ["CSRFProtect", "FlaskForm", "Form", "Recaptcha", "RecaptchaField"]),
        ("kolba_forms.csrf", ["CSRFProtect", "CSRFError", "generate_csrf", "validate_csrf"]),
        ("kolba_forms.csrf", ["csrf_meta_tag"]),
        ("kolba_forms.form", ["FlaskForm", "KolbaForm"]),
        ("kolba_forms.file", ["FileField", "FileRequired", "FileAllowed", "FileSize"]),
        ("kolba_forms.file", ["MultipleFileField", "file_required", "file_allowed"]),
        ("kolba_forms.recaptcha", ["RecaptchaField", "Recaptcha", "RecaptchaWidget"]),
        ("kolba_forms.recaptcha.validators", ["Recaptcha", "http"]),
        ("kolba_forms.i18n", ["translations"]),
    ],
)
def test_flask_wtf_names_live_at_the_same_paths(module, names):
    imported = importlib.import_module(module)
    assert [n for n in names if not hasattr(imported, n)] == []


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("WTF_CSRF_TIME_LIMIT", -5),
        ("WTF_CSRF_METHODS", ["post"]),
        ("WTF_CSRF_TRUSTED_ORIGINS", ["https://app.example.com/"]),
        ("WTF_CSRF_ENABLED", "yes"),
        ("RECAPTCHA_VERIFIER", "not callable"),
    ],
)
def test_bad_config_is_refused_naming_the_key(key, value):
    app = make_app(**{key: value})
    with pytest.raises(ConfigError, match=key):
        CSRFProtect(app)


def _installed():
    try:
        return importlib.metadata.distribution("kolba-forms")
    except importlib.metadata.PackageNotFoundError:
        service_unavailable(
            "kolba-forms is not installed, so its entry point is not registered: install it"
            " (pip install packages/ext-forms) or run nox -s 'tests(ext-forms)'"
        )


def test_installed_version_matches_the_module():
    assert _installed().version == kolba_forms.__version__


def test_kolba_plugins_shows_the_extension_enabled(tmp_path):
    _installed()
    (tmp_path / "formsapp.py").write_text(
        "from kolba import Kolba\nfrom kolba_forms import CSRFProtect\n"
        "app = Kolba(__name__)\nCSRFProtect(app)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    result = subprocess.run(
        [sys.executable, "-c", "from kolba.cli import main; main()", "--app", "formsapp"]
        + ["plugins", "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["forms"]["enabled"] is True
    assert rows["forms"]["distribution"] == "kolba-forms"
    assert rows["forms"]["version"] == "0.1.0"


def test_kolba_extensions_config_enables_it_by_name():
    _installed()
    app = make_app(KOLBA_EXTENSIONS=["forms"])

    @app.post("/")
    def index():
        return "done"

    assert app.test_client().post("/").status_code == 400
    assert "csrf" in app.extensions


def test_readme_example_runs():
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    code = readme.split("```python\n", 1)[1].split("```", 1)[0]
    namespace = {"__name__": "readme_example"}
    exec(compile(code, "README.md", "exec"), namespace)
    client = namespace["app"].test_client()
    page = client.get("/").text
    assert client.post("/", data={"email": "ada@example.com"}).status_code == 400
    response = client.post("/", data={"email": "ada@example.com", "csrf_token": token_from(page)})
    assert response.text == "Thanks, ada@example.com"
