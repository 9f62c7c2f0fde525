"""kolba's conformance suite for extensions, run against ``CORS``: init_app, per-app state,
config keys, hooks and (when the package is installed) the ``kolba plugins`` listing."""

import importlib.metadata

import pytest

conformance = pytest.importorskip("kolba.conformance", reason="kolba.conformance not available")

from kolba_cors import CORS  # noqa: E402


def _installed(distribution):
    try:
        importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None
    return distribution


class TestCorsConformance(conformance.ExtensionConformance):
    extension_class = CORS
    distribution = _installed("kolba-cors")
    other_config = {"CORS_ORIGINS": ["https://app.example.com"], "CORS_MAX_AGE": 60}
