"""How the bridge is turned on: the start-up hook when ``KOLBA_FLASK_BRIDGE`` is set, an early
``import kolba_flask_bridge``, the ``flask`` command. Off by default; late enabling warns."""

import json

import pytest
from bridge_helpers import run

WHICH_FLASK = (
    "import flask, importlib.metadata as md;"
    " print(type(flask).__name__, md.version('flask'), 'kolba' in repr(getattr(flask, 'Flask')))"
)


def test_installed_bridge_is_inactive_by_default():
    out = run(["python", "-c", WHICH_FLASK])
    assert out.returncode == 0, out.stderr
    # The real Flask (installed as an extension dependency) is what `import flask` gives.
    assert out.stdout.split() == ["module", "3.1.3", "False"]


@pytest.mark.parametrize("value", ["", "0"])
def test_start_up_hook_stays_off_for_empty_or_zero(value):
    out = run(
        ["python", "-c", "import sys, kolba; print('kolba_flask_bridge' in sys.modules)"],
        KOLBA_FLASK_BRIDGE=value,
    )
    assert out.stdout.strip() == "False"


def test_start_up_hook_enables_the_bridge_when_asked():
    out = run(["python", "-c", WHICH_FLASK], KOLBA_FLASK_BRIDGE="1")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["BridgedModule", "3.1.3", "True"]


def test_start_up_hook_does_not_import_kolba():
    code = "import sys; print('kolba_flask_bridge' in sys.modules, 'kolba' in sys.modules)"
    out = run(["python", "-c", code], KOLBA_FLASK_BRIDGE="1")
    assert out.stdout.split() == ["True", "False"]


def test_importing_the_bridge_first_enables_it():
    out = run(["python", "-c", "import kolba_flask_bridge; " + WHICH_FLASK])
    assert out.stdout.split() == ["BridgedModule", "3.1.3", "True"], out.stderr


def test_enabling_after_an_extension_warns_and_shadows_flask_from_then_on():
    code = (
        "import warnings; warnings.simplefilter('always');"
        "import flask_login, sys, kolba_flask_bridge as b;"
        "import flask; print(type(flask).__name__, b.early_imports())"
    )
    out = run(["python", "-c", code])
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "BridgedModule ['flask', 'flask_login']"
    assert "BridgeWarning" in out.stderr
    assert "KOLBA_FLASK_BRIDGE=1" in out.stderr


def test_python_dash_m_flask_runs_kolbas_command_line():
    out = run(["python", "-m", "flask", "--help"], KOLBA_FLASK_BRIDGE="1")
    assert out.returncode == 0, out.stderr
    assert "Usage: flask" in out.stdout
    assert "routes" in out.stdout


def test_doctor_warns_about_extensions_imported_before_the_bridge(tmp_path):
    (tmp_path / "app.py").write_text(
        "import flask_login\n"
        "import kolba_flask_bridge\n"
        "from kolba import Kolba\n"
        "app = Kolba(__name__)\n"
    )
    out = run(["kolba", "doctor"], cwd=tmp_path, KOLBA_APP="app")
    assert out.returncode == 0, out.stderr
    assert "Warning: flask, flask_login was imported before kolba-flask-bridge" in out.stdout


def test_doctor_is_quiet_when_the_bridge_came_first(tmp_path):
    (tmp_path / "app.py").write_text(
        "import kolba_flask_bridge\n"
        "import flask_login\n"
        "from kolba import Kolba\n"
        "app = Kolba(__name__)\n"
    )
    out = run(["kolba", "doctor"], cwd=tmp_path, KOLBA_APP="app")
    assert "Warning" not in out.stdout + out.stderr


def test_flask_bridge_extension_fails_its_doctor_check_after_a_late_enable(tmp_path):
    (tmp_path / "app.py").write_text(
        "import flask_caching\n"
        "from kolba import Kolba\n"
        "from kolba_flask_bridge import FlaskBridge\n"
        "app = Kolba(__name__)\n"
        "FlaskBridge(app)\n"
    )
    out = run(["kolba", "doctor", "--timeout", "5"], cwd=tmp_path, KOLBA_APP="app")
    assert out.returncode == 1
    assert "flask-bridge: imports" in out.stdout
    assert "flask_caching" in out.stdout


def test_kolba_plugins_lists_bridged_flask_extensions(tmp_path):
    (tmp_path / "app.py").write_text(
        "import kolba_flask_bridge\n"
        "from flask import Flask\n"
        "from flask_caching import Cache\n"
        "from flask_sqlalchemy import SQLAlchemy\n"
        "from kolba_cors import CORS\n"
        "app = Flask(__name__)\n"
        "app.config['CACHE_TYPE'] = 'SimpleCache'\n"
        "app.config['SQLALCHEMY_DATABASE_URI'] = 'sqlite://'\n"
        "Cache(app); SQLAlchemy(app); CORS(app)\n"
    )
    out = run(["kolba", "plugins", "--json"], cwd=tmp_path, KOLBA_APP="app")
    assert out.returncode == 0, out.stderr
    rows = {row["name"]: row for row in json.loads(out.stdout)}
    assert rows["cache"]["distribution"].lower() == "flask-caching"
    assert rows["cache"]["bridged"] is True
    assert rows["sqlalchemy"]["version"] == "3.1.1"
    assert rows["cors"]["enabled"] is True
    assert "bridged" not in rows["cors"]
    table = run(["kolba", "plugins"], cwd=tmp_path, KOLBA_APP="app").stdout
    (cache_line,) = [line for line in table.splitlines() if line.startswith("cache ")]
    assert "(bridged Flask extension)" in cache_line


def test_disable_gives_the_real_flask_back():
    code = (
        "import kolba_flask_bridge as b, flask_login, kolba.cli;"
        "b.disable(); import flask, flask_login as fl;"
        "print(type(flask).__name__, b.is_enabled(), fl.utils.current_app is flask.current_app,"
        " 'flask.commands' in kolba.cli.COMMAND_GROUPS)"
    )
    out = run(["python", "-c", code])
    assert out.stdout.split() == ["module", "False", "True", "False"], out.stderr
