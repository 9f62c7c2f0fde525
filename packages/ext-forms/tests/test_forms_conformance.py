"""kolba's conformance suite for extensions, run against ``CSRFProtect``: init_app, per-app
state, config keys, hooks and the ``kolba plugins`` listing of the installed package."""

from kolba.conformance import ExtensionConformance
from kolba_forms import CSRFProtect


class TestCSRFProtectConformance(ExtensionConformance):
    extension_class = CSRFProtect
    distribution = "kolba-forms"
    config = {"SECRET_KEY": "conformance"}
    other_config = {"WTF_CSRF_TIME_LIMIT": 600, "WTF_CSRF_FIELD_NAME": "token"}
