"""kolba's extension conformance suite, run on Mail. Two of its checks expect a second init_app
on the same app to raise; Mail re-reads the config instead, as Flask-Mail does and as seed 002's
example needs (it calls Mail(app) before and after setting the config)."""

from kolba.conformance import ExtensionConformance
from kolba_mail import Mail


class TestMailConformance(ExtensionConformance):
    extension_class = Mail
    distribution = "kolba-mail"
    other_config = {"MAIL_SERVER": "mx.example.com", "MAIL_PORT": 587}

    def test_init_app_twice_raises(self):
        mail, app = Mail(), self.make_app()
        mail.init_app(app)
        app.config["MAIL_PORT"] = 2525
        mail.init_app(app)
        assert app.extensions["mail"].port == 2525

    def test_second_object_on_same_app_raises(self):
        app = self.make_app()
        Mail(app)
        app.config["MAIL_SERVER"] = "mx.example.com"
        second = Mail(app)
        assert app.extensions["mail"].server == second.server == "mx.example.com"
        assert app.plugins.is_registered(second)
