"""Fixtures of the demo's tests: the demo module, loaded from its file."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

APP_FILE = Path(__file__).with_name("app.py")


@pytest.fixture(scope="session")
def demo() -> Any:
    """The demo's module (`create_app`, the models and the extensions)."""
    # A name no recipe module can take, since the file itself is only called app.py.
    name = "kolba_demo_app"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, APP_FILE)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]
