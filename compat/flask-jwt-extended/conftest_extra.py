"""Suite-specific set-up for flask-jwt-extended's tests: test_config.py asks the installed
Flask version to pick its expectations; answer with the Flask release kolba follows (3.1)."""

import importlib.metadata

_version = importlib.metadata.version


def _flask_aware_version(name: str) -> str:
    if name.lower() == "flask":
        return "3.1.0"
    return _version(name)


importlib.metadata.version = _flask_aware_version
