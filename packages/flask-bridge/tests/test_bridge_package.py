"""The package itself: version, typing marker, the start-up hook file, and kolba's conformance
suite run against the ``FlaskBridge`` extension."""

import importlib.metadata
import importlib.resources

import kolba_flask_bridge
from kolba.conformance import ExtensionConformance
from kolba_flask_bridge import FlaskBridge


def test_version_is_0_1_0():
    assert kolba_flask_bridge.__version__ == "0.1.0"
    assert importlib.metadata.version("kolba-flask-bridge") == "0.1.0"


def test_package_is_typed():
    assert importlib.resources.files("kolba_flask_bridge").joinpath("py.typed").is_file()


def test_start_up_hook_is_installed_and_reads_the_environment_variable():
    (pth,) = [f for f in importlib.metadata.files("kolba-flask-bridge") if f.name.endswith(".pth")]
    assert pth.name == "kolba-flask-bridge.pth"
    text = pth.read_text()
    assert text.startswith("import os;")
    assert "KOLBA_FLASK_BRIDGE" in text


class TestFlaskBridgeConformance(ExtensionConformance):
    extension_class = FlaskBridge
    distribution = "kolba-flask-bridge"
