"""The extension contract of ``kolba.Extension``: ``Ext(app)`` and ``init_app``, per-app state,
config keys defaulted and validated with errors that name the key, and plugin registration."""

import dataclasses
import importlib.metadata

import pytest

import kolba
from kolba import ConfigError, ConfigKey, Kolba, render_template_string


def positive(value):
    if value <= 0:
        raise ValueError(f"must be positive, got {value}. Use a number of seconds above 0.")


@dataclasses.dataclass
class GreeterState(kolba.ExtensionState):
    greeting: str


class Greeter(kolba.Extension[GreeterState]):
    """Greets whoever renders a template."""

    name = "greeter"
    distribution = "pluggy"  # any installed distribution, to check the version lookup
    config_keys = (
        ConfigKey("GREETER_GREETING", str, "Hello", "What to say.", option="greeting"),
        ConfigKey("GREETER_REPEAT", int, 1, "How many times to say it.", option="repeat"),
        ConfigKey("GREETER_LOUD", bool, False, "Shout."),
        ConfigKey("GREETER_STYLE", str, "plain", "How to say it.", choices=("plain", "fancy")),
        ConfigKey("GREETER_TIMEOUT", (int, float), 5, "Seconds to wait.", check=positive),
    )

    def create_state(self, app, options):
        settings = self.settings(app, options)
        return GreeterState(settings["GREETER_GREETING"] * settings["GREETER_REPEAT"])

    @kolba.hookimpl
    def kolba_jinja_environment(self, app, env):
        env.globals["greeting"] = lambda: self.state(app).greeting


class Mailer(kolba.Extension):
    name = "mailer"
    config_keys = (ConfigKey("MAILER_SERVER", str, None, "SMTP host name.", required=True),)


def new_app():
    return Kolba(__name__)


@pytest.fixture
def app():
    return new_app()


# -- the two ways to initialise ----------------------------------------------------------------


def test_passing_the_app_to_the_constructor_initialises_it(app):
    greeter = Greeter(app)
    assert greeter.state(app) == GreeterState("Hello")


def test_init_app_initialises_an_app_created_later(app):
    greeter = Greeter()
    assert "greeter" not in app.extensions
    greeter.init_app(app)
    assert app.extensions["greeter"] == GreeterState("Hello")


def test_state_lives_in_app_extensions_under_the_extension_name(app):
    greeter = Greeter(app)
    assert greeter.state(app) is app.extensions["greeter"]


def test_one_extension_object_serves_two_apps_with_separate_state():
    greeter = Greeter()
    one, other = new_app(), new_app()
    other.config["GREETER_GREETING"] = "Hi"
    greeter.init_app(one)
    greeter.init_app(other)
    assert greeter.state(one) == GreeterState("Hello")
    assert greeter.state(other) == GreeterState("Hi")


def test_one_extension_object_answers_each_apps_hooks_with_that_apps_state():
    greeter = Greeter()
    one, other = new_app(), new_app()
    other.config["GREETER_GREETING"] = "Hi"
    greeter.init_app(one)
    greeter.init_app(other)
    with one.app_context():
        assert render_template_string("{{ greeting() }}") == "Hello"
    with other.app_context():
        assert render_template_string("{{ greeting() }}") == "Hi"


def test_init_app_registers_the_extension_with_the_apps_plugin_manager(app):
    greeter = Greeter(app)
    assert app.plugins.get_plugin("kolba-ext:greeter") is greeter


def test_init_app_does_not_register_with_other_apps(app):
    Greeter(app)
    assert new_app().plugins.get_plugin("kolba-ext:greeter") is None


def test_init_app_twice_on_one_app_raises(app):
    greeter = Greeter(app)
    with pytest.raises(RuntimeError, match="'greeter' is already initialised.*once per app"):
        greeter.init_app(app)


def test_a_second_instance_on_the_same_app_raises(app):
    Greeter(app)
    with pytest.raises(RuntimeError, match="already initialised"):
        Greeter(app)


def test_state_before_init_app_raises_a_clear_error(app):
    with pytest.raises(RuntimeError, match=r"not initialised.*Call Greeter\(\)\.init_app\(app\)"):
        Greeter().state(app)


def test_subclass_without_a_name_raises_type_error():
    with pytest.raises(TypeError, match="Nameless must set the class attribute 'name'"):

        class Nameless(kolba.Extension):
            pass


def test_subclass_of_a_named_extension_inherits_its_name():
    class LoudGreeter(Greeter):
        pass

    assert LoudGreeter.name == "greeter"


def test_default_create_state_is_an_empty_extension_state(app):
    class Plain(kolba.Extension):
        name = "plain"

    Plain(app)
    assert type(app.extensions["plain"]) is kolba.ExtensionState
    assert app.extensions["plain"].options == {}


def test_create_state_must_return_an_extension_state(app):
    class Untyped(kolba.Extension):
        name = "untyped"

        def create_state(self, app, options):
            return {}

    with pytest.raises(TypeError, match="return an instance of a kolba.ExtensionState"):
        Untyped(app)
    assert "untyped" not in app.extensions


def test_state_without_an_app_is_the_current_apps(app):
    greeter = Greeter(app)
    with app.app_context():
        assert greeter.state() is app.extensions["greeter"]


def test_state_without_an_app_outside_an_app_context_says_what_to_do():
    with pytest.raises(RuntimeError, match="pass the app, or work inside an app context"):
        Greeter().state()


# -- options -----------------------------------------------------------------------------------


def test_init_app_options_override_the_config_for_that_app(app):
    greeter = Greeter()
    other = new_app()
    greeter.init_app(app, greeting="Hi")
    greeter.init_app(other)
    assert greeter.state(app).greeting == "Hi"
    assert greeter.state(other).greeting == "Hello"
    assert app.config["GREETER_GREETING"] == "Hello"


def test_constructor_options_apply_to_every_app_and_init_app_options_win(app):
    greeter = Greeter(greeting="Hi", repeat=2)
    other = new_app()
    greeter.init_app(app, repeat=3)
    greeter.init_app(other)
    assert greeter.state(app).greeting == "HiHiHi"
    assert greeter.state(other).greeting == "HiHi"


def test_options_are_kept_in_the_state(app):
    greeter = Greeter(greeting="Hi")
    greeter.init_app(app, repeat=2)
    assert greeter.state(app).options == {"greeting": "Hi", "repeat": 2}


def test_settings_show_the_effective_value_of_each_key(app):
    greeter = Greeter()
    greeter.init_app(app, greeting="Hi")
    settings = greeter.settings(app)
    assert settings["GREETER_GREETING"] == "Hi"
    assert settings["GREETER_REPEAT"] == 1


def test_init_app_with_options_registers_the_users_object(app):
    greeter = Greeter()
    greeter.init_app(app, greeting="Hi")
    assert app.plugins.get_plugin("kolba-ext:greeter") is greeter


def test_unknown_option_raises_type_error_listing_the_options(app):
    with pytest.raises(
        TypeError, match=r"unexpected option 'greting' \(options: greeting, repeat\)"
    ):
        Greeter().init_app(app, greting="Hi")
    assert "greeter" not in app.extensions


def test_wrong_option_value_raises_config_error_naming_the_key_and_option(app):
    with pytest.raises(ConfigError, match=r"GREETER_REPEAT: the option repeat= expected int"):
        Greeter(repeat="2")


# -- allow_reinit ------------------------------------------------------------------------------


@dataclasses.dataclass
class ClosingState(kolba.ExtensionState):
    server: str
    closed: bool = False

    def close(self):
        self.closed = True


class Rereading(kolba.Extension[ClosingState]):
    name = "rereading"
    allow_reinit = True
    config_keys = (ConfigKey("REREADING_SERVER", str, "localhost", "Where to connect."),)

    def create_state(self, app, options):
        return ClosingState(app.config["REREADING_SERVER"])


def test_allow_reinit_rereads_the_config_on_a_second_init_app(app):
    ext = Rereading(app)
    app.config["REREADING_SERVER"] = "mail.example.com"
    ext.init_app(app)
    assert ext.state(app).server == "mail.example.com"


def test_allow_reinit_closes_the_replaced_state(app):
    ext = Rereading(app)
    first = ext.state(app)
    ext.init_app(app)
    assert first.closed and not ext.state(app).closed


def test_allow_reinit_with_a_second_object_registers_only_that_object(app):
    first = Rereading(app)
    second = Rereading(app)
    assert app.plugins.get_plugin("kolba-ext:rereading") is second
    assert not app.plugins.is_registered(first)


def test_failed_reinit_keeps_the_previous_state_and_object(app):
    first = Rereading(app)
    state = first.state(app)
    app.config["REREADING_SERVER"] = 25
    with pytest.raises(ConfigError):
        Rereading(app)
    assert app.extensions["rereading"] is state and not state.closed
    assert app.plugins.get_plugin("kolba-ext:rereading") is first


# -- config keys -------------------------------------------------------------------------------


def test_init_app_applies_config_defaults(app):
    Greeter(app)
    assert app.config["GREETER_GREETING"] == "Hello"
    assert app.config["GREETER_REPEAT"] == 1
    assert app.config["GREETER_TIMEOUT"] == 5


def test_init_app_keeps_values_already_set(app):
    app.config["GREETER_REPEAT"] = 3
    Greeter(app)
    assert app.config["GREETER_REPEAT"] == 3
    assert app.extensions["greeter"] == GreeterState("HelloHelloHello")


def test_wrong_type_raises_config_error_naming_the_key_and_the_fix(app):
    app.config["GREETER_REPEAT"] = "3"
    with pytest.raises(ConfigError) as info:
        Greeter(app)
    assert info.value.key == "GREETER_REPEAT"
    assert str(info.value).startswith("GREETER_REPEAT: expected int, got str '3'.")
    assert "Set app.config['GREETER_REPEAT']" in str(info.value)


def test_config_error_is_a_value_error(app):
    app.config["GREETER_REPEAT"] = "3"
    with pytest.raises(ValueError):
        Greeter(app)


def test_bool_is_not_accepted_for_an_int_key(app):
    app.config["GREETER_REPEAT"] = True
    with pytest.raises(ConfigError, match="GREETER_REPEAT: expected int, got bool True"):
        Greeter(app)


def test_int_is_not_accepted_for_a_bool_key(app):
    app.config["GREETER_LOUD"] = 1
    with pytest.raises(ConfigError, match="GREETER_LOUD: expected bool, got int 1"):
        Greeter(app)


def test_bool_is_accepted_for_a_bool_key(app):
    app.config["GREETER_LOUD"] = True
    Greeter(app)
    assert app.config["GREETER_LOUD"] is True


def test_any_of_several_types_is_accepted(app):
    app.config["GREETER_TIMEOUT"] = 2.5
    Greeter(app)
    assert app.config["GREETER_TIMEOUT"] == 2.5


def test_wrong_type_for_several_types_names_them_all(app):
    app.config["GREETER_TIMEOUT"] = "5"
    with pytest.raises(ConfigError, match="GREETER_TIMEOUT: expected int or float, got str"):
        Greeter(app)


def test_value_outside_the_choices_raises_config_error_listing_them(app):
    app.config["GREETER_STYLE"] = "gothic"
    with pytest.raises(
        ConfigError, match="GREETER_STYLE: got 'gothic'; use one of 'plain', 'fancy'"
    ):
        Greeter(app)


def test_check_callback_rejects_a_value_with_its_message(app):
    app.config["GREETER_TIMEOUT"] = -1
    with pytest.raises(ConfigError, match="GREETER_TIMEOUT: must be positive, got -1"):
        Greeter(app)


def test_none_is_accepted_for_a_key_that_is_not_required():
    ConfigKey("GREETER_GREETING", str, "Hello").validate(None)


def test_missing_required_key_raises_config_error_saying_how_to_set_it(app):
    with pytest.raises(
        ConfigError, match=r"MAILER_SERVER: is required\. Set app\.config\['MAILER_SERVER'\]"
    ):
        Mailer(app)


def test_required_key_set_to_a_value_is_accepted(app):
    app.config["MAILER_SERVER"] = "smtp.example.com"
    Mailer(app)
    assert "mailer" in app.extensions


def test_rejected_config_leaves_the_extension_uninitialised(app):
    app.config["GREETER_REPEAT"] = "3"
    greeter = Greeter()
    with pytest.raises(ConfigError):
        greeter.init_app(app)
    assert "greeter" not in app.extensions
    assert app.plugins.get_plugin("kolba-ext:greeter") is None


def test_init_app_succeeds_after_the_config_is_fixed(app):
    app.config["GREETER_REPEAT"] = "3"
    greeter = Greeter()
    with pytest.raises(ConfigError):
        greeter.init_app(app)
    app.config["GREETER_REPEAT"] = 3
    greeter.init_app(app)
    assert greeter.state(app) == GreeterState("HelloHelloHello")


# -- hooks from the base class -----------------------------------------------------------------


def test_config_keys_hook_returns_the_declared_keys(app):
    Greeter(app)
    keys = [k for keys in app.plugins.hook.kolba_config_keys() for k in keys]
    assert [k for k in keys if k.name.startswith("GREETER_")] == list(Greeter.config_keys)


def test_plugin_info_has_the_name_version_and_first_docstring_line(app):
    greeter = Greeter(app)
    assert greeter.kolba_plugin_info() == kolba.PluginInfo(
        "greeter", importlib.metadata.version("pluggy"), "Greets whoever renders a template."
    )


def test_plugin_info_is_answered_through_the_apps_hook(app):
    Greeter(app)
    names = {info.name for info in app.plugins.hook.kolba_plugin_info()}
    assert names == {"kolba", "greeter"}


def test_version_is_empty_when_the_distribution_is_not_installed():
    class Local(kolba.Extension):
        name = "local"
        distribution = "kolba-no-such-distribution"

    assert Local().version() == ""


def test_plugin_info_summary_is_empty_without_a_docstring(app):
    class Quiet(kolba.Extension):
        name = "quiet"

    assert Quiet().kolba_plugin_info().summary == ""


def test_extension_hooks_are_listed_for_the_plugin(app):
    greeter = Greeter(app)
    assert app.plugins.plugin_hooks(greeter) == [
        "kolba_config_keys",
        "kolba_jinja_environment",
        "kolba_plugin_info",
    ]
