"""kolba's conformance suite for extensions, run against ``CORS``: init_app, per-app state,
config keys, hooks and the ``kolba plugins`` listing of the installed package."""

from pathlib import Path

from kolba.conformance import ExtensionConformance
from kolba_cors import CORS


class TestCorsConformance(ExtensionConformance):
    extension_class = CORS
    distribution = "kolba-cors"
    readme = Path(__file__).parents[1] / "README.md"
    other_config = {"CORS_ORIGINS": ["https://app.example.com"], "CORS_MAX_AGE": 60}
