"""kolba's extension conformance suite, run on Mail. Mail sets ``allow_reinit``: a second
init_app re-reads the config, as Flask-Mail does and as seed 002's example needs (it calls
Mail(app) before and after setting the config); the suite checks that behaviour."""

from pathlib import Path

from kolba.conformance import ExtensionConformance
from kolba_mail import Mail


class TestMailConformance(ExtensionConformance):
    extension_class = Mail
    distribution = "kolba-mail"
    readme = Path(__file__).parents[1] / "README.md"
    other_config = {"MAIL_SERVER": "mx.example.com", "MAIL_PORT": 587}
