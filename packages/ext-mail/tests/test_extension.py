"""The extension on kolba's contract: config keys, per-app state, Flask-Mail's attributes,
suppression and recording, the signal, plugin discovery and the health check."""

import importlib.metadata
import tomllib
from pathlib import Path

import pytest
from conftest import free_port

import kolba_mail
from kolba import ConfigError, Kolba
from kolba.plugins import installed_extensions
from kolba.pytest_plugin import service_unavailable
from kolba_mail import Mail, MailConnectionError, MailState, Message, email_dispatched

PACKAGE = Path(__file__).parents[1]


def app_with(**config):
    app = Kolba(__name__)
    app.config.update(config)
    return app


def test_defaults_follow_flask_mail():
    app = app_with()
    Mail(app)
    state = app.extensions["mail"]
    assert isinstance(state, MailState)
    assert (state.server, state.port, state.use_tls, state.use_ssl) == (
        "127.0.0.1",
        25,
        False,
        False,
    )
    assert (state.username, state.password, state.default_sender) == (None, None, None)
    assert (state.max_emails, state.ascii_attachments, state.debug) == (None, False, 0)
    assert state.suppress is False
    assert (state.timeout, state.transport, state.background) == (10, "smtp", False)
    assert app.config["MAIL_SERVER"] == "127.0.0.1"


def test_config_is_read_into_the_state():
    app = app_with(
        MAIL_SERVER="smtp.example.com",
        MAIL_PORT=587,
        MAIL_USE_TLS=True,
        MAIL_USERNAME="u",
        MAIL_PASSWORD="p",
        MAIL_DEFAULT_SENDER=["Shop", "shop@example.com"],
        MAIL_MAX_EMAILS=50,
        MAIL_TIMEOUT=2.5,
        MAIL_DEBUG=True,
    )
    Mail(app)
    state = app.extensions["mail"]
    assert (state.server, state.port, state.use_tls) == ("smtp.example.com", 587, True)
    assert state.default_sender == ("Shop", "shop@example.com")
    assert (state.max_emails, state.timeout, state.debug) == (50, 2.5, 1)


def test_config_keys_are_declared_with_help_and_secrets():
    app = app_with()
    Mail(app)
    keys = {k.name: k for keys in app.plugins.hook.kolba_config_keys() for k in keys}
    for name in ("MAIL_SERVER", "MAIL_PORT", "MAIL_SUPPRESS_SEND", "MAIL_TIMEOUT"):
        assert keys[name].help
    assert keys["MAIL_PASSWORD"].secret
    assert keys["MAIL_SUPPRESS_SEND"].default is None
    assert keys["MAIL_TIMEOUT"].default == 10


@pytest.mark.parametrize(
    ("config", "match"),
    [
        ({"MAIL_PORT": "25"}, "MAIL_PORT: expected int"),
        ({"MAIL_PORT": 70000}, "MAIL_PORT: 70000 is not a port"),
        ({"MAIL_TIMEOUT": 0}, "MAIL_TIMEOUT: must be greater than 0"),
        ({"MAIL_TRANSPORT": "smtps"}, "MAIL_TRANSPORT: got 'smtps'; use one of 'smtp'"),
        ({"MAIL_DEFAULT_SENDER": "not an address"}, "MAIL_DEFAULT_SENDER: .*noreply@"),
        ({"MAIL_DEFAULT_SENDER": "a@example.com\r\nBcc: x@y.z"}, "MAIL_DEFAULT_SENDER: .*line"),
        ({"MAIL_USE_TLS": True, "MAIL_USE_SSL": True}, "MAIL_USE_TLS: .* both set"),
        ({"MAIL_USE_SSL": "yes"}, "MAIL_USE_SSL: expected bool"),
    ],
)
def test_bad_config_is_refused_at_init_app(config, match):
    with pytest.raises(ConfigError, match=match):
        Mail(app_with(**config))


def test_suppress_send_follows_testing_even_when_set_later():
    app = app_with(MAIL_TRANSPORT="memory")
    Mail(app)
    state = app.extensions["mail"]
    assert not state.suppress
    app.testing = True
    assert state.suppress
    with state.record_messages() as outbox:
        state.send_message("Hi", sender="a@example.com", recipients=["b@example.com"])
    assert [m.subject for m in outbox] == ["Hi"]
    assert state.outbox == []


def test_suppress_send_false_overrides_testing():
    app = app_with(TESTING=True, MAIL_SUPPRESS_SEND=False, MAIL_TRANSPORT="memory")
    Mail(app)
    app.extensions["mail"].send_message("Hi", sender="a@example.com", recipients=["b@x.org"])
    assert len(app.extensions["mail"].outbox) == 1


def test_mail_debug_follows_debug():
    app = app_with(DEBUG=True)
    Mail(app)
    assert app.extensions["mail"].debug == 1


def test_email_dispatched_signal():
    app = app_with(TESTING=True)
    Mail(app)
    seen = []

    def receiver(message, app):
        seen.append((message.subject, app))

    email_dispatched.connect(receiver)
    try:
        app.extensions["mail"].send_message("Sig", sender="a@example.com", recipients=["b@x.org"])
    finally:
        email_dispatched.disconnect(receiver)
    assert seen == [("Sig", app)]


def test_record_messages_on_the_state_is_per_app():
    one, two = app_with(TESTING=True), app_with(TESTING=True)
    mail = Mail()
    mail.init_app(one)
    mail.init_app(two)
    with mail.record_messages() as everything, one.extensions["mail"].record_messages() as ones:
        for app in (one, two):
            with app.app_context():
                mail.send_message("Hi", sender="a@example.com", recipients=["b@x.org"])
    assert len(everything) == 2
    assert len(ones) == 1


def test_one_extension_object_serves_many_apps():
    mail = Mail()
    first = app_with(MAIL_TRANSPORT="memory", MAIL_DEFAULT_SENDER="one@example.com")
    second = app_with(MAIL_TRANSPORT="memory", MAIL_DEFAULT_SENDER="two@example.com")
    mail.init_app(first)
    mail.init_app(second)
    for app in (first, second):
        with app.app_context():
            mail.send(Message("Hi", recipients=["x@example.com"]))
            assert mail.default_sender == app.config["MAIL_DEFAULT_SENDER"]
    assert [e.sender for e in first.extensions["mail"].outbox] == ["one@example.com"]
    assert [e.sender for e in second.extensions["mail"].outbox] == ["two@example.com"]


def test_init_app_again_rereads_the_config():
    app = app_with()
    Mail(app)
    app.config["MAIL_SERVER"] = "smtp.example.com"
    app.config["MAIL_PORT"] = 465
    mail = Mail(app)
    assert (mail.server, mail.port) == ("smtp.example.com", 465)
    assert app.extensions["mail"].server == "smtp.example.com"


def test_init_app_again_with_bad_config_keeps_the_old_state():
    app = app_with()
    Mail(app)
    state = app.extensions["mail"]
    app.config["MAIL_PORT"] = "bad"
    with pytest.raises(ConfigError):
        Mail(app)
    assert app.extensions["mail"] is state


def test_mail_bound_to_an_app_works_outside_a_context():
    app = app_with(MAIL_TRANSPORT="memory")
    mail = Mail(app)
    mail.send(Message("Hi", sender="a@example.com", recipients=["b@example.com"]))
    assert len(app.extensions["mail"].outbox) == 1


def test_unbound_mail_outside_a_context_says_what_to_do():
    with pytest.raises(RuntimeError, match="app context"):
        Mail().send(Message("Hi", sender="a@example.com", recipients=["b@example.com"]))


def test_mail_not_initialised_on_the_current_app():
    app = app_with()
    with app.app_context(), pytest.raises(RuntimeError, match="init_app"):
        Mail().connect()


def test_state_attributes_are_forwarded_but_private_names_are_not():
    mail = Mail(app_with(MAIL_SERVER="mx.example.com"))
    assert mail.server == "mx.example.com"
    with pytest.raises(AttributeError):
        mail._secret  # noqa: B018
    with pytest.raises(AttributeError):
        mail.no_such_setting  # noqa: B018


def test_version_matches_pyproject():
    with (PACKAGE / "pyproject.toml").open("rb") as f:
        project = tomllib.load(f)["project"]
    assert kolba_mail.__version__ == project["version"] == "0.1.0"
    assert project["entry-points"]["kolba.extensions"] == {"mail": "kolba_mail:Mail"}
    assert (PACKAGE / "src" / "kolba_mail" / "py.typed").is_file()


def _installed():
    try:
        importlib.metadata.distribution("kolba-mail")
    except importlib.metadata.PackageNotFoundError:
        service_unavailable(
            "kolba-mail is not installed, so its entry point is not registered: install it"
            " (pip install -e packages/ext-mail) or run nox -s 'tests(ext-mail)'"
        )


def test_kolba_plugins_lists_mail():
    _installed()
    (found,) = [e for e in installed_extensions() if e.name == "mail"]
    assert (found.distribution, found.version, found.target) == (
        "kolba-mail",
        "0.1.0",
        "kolba_mail:Mail",
    )


def test_enabled_by_name_from_kolba_extensions():
    _installed()
    app = app_with(KOLBA_EXTENSIONS=["mail"], MAIL_TRANSPORT="memory")
    app._startup()
    assert isinstance(app.extensions["mail"], MailState)


def test_plugin_info():
    app = app_with()
    Mail(app)
    (info,) = [i for i in app.plugins.hook.kolba_plugin_info() if i.name == "mail"]
    assert info.summary.startswith("Send email with Flask-Mail's API")


def health_checks(app):
    return [c for checks in app.plugins.hook.kolba_health_checks(app=app) for c in checks]


def test_health_check_passes_against_a_live_server(make_app, smtp_server):
    app = make_app(MAIL_SERVER=smtp_server.host, MAIL_PORT=smtp_server.port, MAIL_TIMEOUT=1)
    (check,) = health_checks(app)
    assert check.name == f"mail: SMTP 127.0.0.1:{smtp_server.port}"
    assert check.timeout == 5
    assert check.check() is None


def test_health_check_fails_clearly_when_the_server_is_down(make_app):
    app = make_app(MAIL_PORT=free_port())
    (check,) = health_checks(app)
    with pytest.raises(MailConnectionError, match="refused the connection"):
        check.check()


def test_no_health_check_without_smtp():
    for config in ({"MAIL_TRANSPORT": "console"}, {"TESTING": True}):
        app = app_with(**config)
        Mail(app)
        assert health_checks(app) == []


def test_readme_examples_run(monkeypatch):
    monkeypatch.setenv("KOLBA_MAIL_PASSWORD", "from-the-environment")
    source = (PACKAGE / "README.md").read_text(encoding="utf-8")
    first, provider = [part.split("```", 1)[0] for part in source.split("```python\n")[1:]]
    namespace = {"__name__": "readme_provider_example"}
    exec(compile(provider, "README.md", "exec"), namespace)
    state = namespace["app"].extensions["mail"]
    assert (state.port, state.use_tls, state.password) == (587, True, "from-the-environment")
    namespace = {"__name__": "readme_example"}
    exec(compile(first, "README.md", "exec"), namespace)
    app = namespace["app"]
    app.config["TESTING"] = True
    with namespace["mail"].record_messages() as outbox:
        assert app.test_client().post("/order").text == "ordered"
    assert outbox[0].sender == "shop@example.com"
