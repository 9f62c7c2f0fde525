"""The plugin system through the public API: each app's own manager, and every hook the core
calls, checked for when it is called, with which arguments and what its result does."""

import sys
import textwrap
import types

import pluggy
import pytest
from werkzeug.exceptions import NotFound

import kolba
from kolba import Kolba, get_identity, render_template_string
from kolba.plugins.builtin import CORE_CONFIG_KEYS


def plugin(**hooks):
    """A plugin object whose attributes are the given hook implementations.

    A function already marked with ``kolba.hookimpl(...)`` keeps its options (``tryfirst``).
    """
    marked = {
        name: f if hasattr(f, "kolba_impl") else kolba.hookimpl(f) for name, f in hooks.items()
    }
    return types.SimpleNamespace(**marked)


@pytest.fixture
def app():
    app = Kolba(__name__)
    app.config["TESTING"] = True

    @app.route("/")
    def index():
        return "index"

    return app


@pytest.fixture
def client(app):
    return app.test_client()


# -- the manager -------------------------------------------------------------------------------


def test_each_app_has_its_own_plugin_manager():
    assert Kolba(__name__).plugins is not Kolba(__name__).plugins


def test_registering_on_one_app_does_not_affect_another():
    one, other = Kolba(__name__), Kolba(__name__)
    one.plugins.register(plugin(kolba_shell_context=lambda app: {"x": 1}))
    assert one.plugins.implemented("kolba_shell_context")
    assert not other.plugins.implemented("kolba_shell_context")
    assert "x" not in other.make_shell_context()


def test_core_plugin_is_registered_as_kolba_core(app):
    core = app.plugins.get_plugin("kolba-core")
    assert core is not None
    assert core.kolba_plugin_info().name == "kolba"


def test_plugin_implementing_an_unknown_hook_is_rejected_at_register(app):
    with pytest.raises(pluggy.PluginValidationError, match="kolba_no_such_hook"):
        app.plugins.register(plugin(kolba_no_such_hook=lambda app: None))


def test_rejected_plugin_is_not_left_registered(app):
    bad = plugin(kolba_no_such_hook=lambda app: None)
    with pytest.raises(pluggy.PluginValidationError):
        app.plugins.register(bad)
    assert not app.plugins.is_registered(bad)


def test_plugin_with_wrong_hook_arguments_is_rejected(app):
    with pytest.raises(pluggy.PluginValidationError, match="kolba_identify"):
        app.plugins.register(plugin(kolba_identify=lambda app, request, extra: None))


def test_implemented_is_false_for_a_hook_without_implementations(app):
    assert not app.plugins.implemented("kolba_identify")


def test_implemented_follows_register_and_unregister(app):
    identify = plugin(kolba_identify=lambda app, request: None)
    app.plugins.register(identify)
    assert app.plugins.implemented("kolba_identify")
    app.plugins.unregister(identify)
    assert not app.plugins.implemented("kolba_identify")


def test_plugin_hooks_lists_the_hooks_a_plugin_implements(app):
    p = plugin(kolba_identify=lambda app, request: None, kolba_app_startup=lambda app: None)
    app.plugins.register(p)
    assert app.plugins.plugin_hooks(p) == ["kolba_app_startup", "kolba_identify"]


# -- kolba_app_startup -------------------------------------------------------------------------


def test_app_startup_is_not_called_when_the_plugin_registers(app):
    calls = []
    app.plugins.register(plugin(kolba_app_startup=lambda app: calls.append(app)))
    assert calls == []


def test_app_startup_is_called_with_the_app_before_the_first_request(app, client):
    events = []
    app.plugins.register(plugin(kolba_app_startup=lambda app: events.append(("startup", app))))
    app.before_request(lambda: events.append(("before_request", None)))
    client.get("/")
    assert events == [("startup", app), ("before_request", None)]


def test_app_startup_is_called_only_once(app, client):
    calls = []
    app.plugins.register(plugin(kolba_app_startup=lambda app: calls.append(app)))
    client.get("/")
    client.get("/")
    app.test_client().get("/")
    assert calls == [app]


def test_app_startup_error_stops_the_start_up(app, client):
    def startup(app):
        raise RuntimeError("database unreachable")

    app.plugins.register(plugin(kolba_app_startup=startup))
    with pytest.raises(RuntimeError, match="database unreachable"):
        client.get("/")


# -- kolba_jinja_environment -------------------------------------------------------------------


def test_jinja_environment_hook_receives_the_new_environment(app):
    seen = []

    def prepare(app, env):
        seen.append((app, env))
        env.filters["shout"] = lambda s: s.upper() + "!"

    app.plugins.register(plugin(kolba_jinja_environment=prepare))
    assert seen == []
    env = app.jinja_env
    assert seen == [(app, env)]
    with app.app_context():
        assert render_template_string("{{ 'hi' | shout }}") == "HI!"


def test_jinja_environment_hook_is_called_once(app):
    calls = []
    app.plugins.register(plugin(kolba_jinja_environment=lambda app, env: calls.append(env)))
    with app.app_context():
        render_template_string("a")
        render_template_string("b")
    assert len(calls) == 1


# -- kolba_before_request ----------------------------------------------------------------------


def test_before_request_hook_runs_before_the_apps_before_request_functions(app, client):
    order = []
    app.before_request(lambda: order.append("app"))
    app.plugins.register(plugin(kolba_before_request=lambda app, request: order.append("hook")))
    assert client.get("/").text == "index"
    assert order == ["hook", "app"]


def test_before_request_hook_runs_after_url_preprocessors_before_blueprint_hooks(app, client):
    order = []
    bp = kolba.Blueprint("bp", __name__)
    bp.before_request(lambda: order.append("blueprint"))
    bp.url_value_preprocessor(lambda endpoint, values: order.append("preprocessor"))
    bp.add_url_rule("/bp", "page", lambda: "bp")
    app.register_blueprint(bp)
    app.plugins.register(plugin(kolba_before_request=lambda app, request: order.append("hook")))
    client.get("/bp")
    assert order == ["preprocessor", "hook", "blueprint"]


def test_before_request_hook_gets_the_app_and_the_request(app, client):
    seen = []
    app.plugins.register(
        plugin(kolba_before_request=lambda app, request: seen.append((app, request.path)))
    )
    client.get("/?x=1")
    assert seen == [(app, "/")]


def test_before_request_hook_response_skips_the_view_and_the_apps_hooks(app, client):
    ran = []
    app.before_request(lambda: ran.append("before"))
    app.after_request(lambda response: ran.append("after") or response)
    app.plugins.register(plugin(kolba_before_request=lambda app, request: ("early", 202)))
    response = client.get("/")
    assert (response.status_code, response.text) == (202, "early")
    assert ran == ["after"]


def test_first_before_request_result_wins_in_plugin_order(app, client):
    app.plugins.register(plugin(kolba_before_request=lambda app, request: "later"))
    first = kolba.hookimpl(tryfirst=True)(lambda app, request: "first")
    app.plugins.register(plugin(kolba_before_request=first))
    assert client.get("/").text == "first"


def test_before_request_hook_registered_after_a_request_still_runs(app, client):
    client.get("/")
    app.plugins.register(plugin(kolba_before_request=lambda app, request: "hooked"))
    assert client.get("/").text == "hooked"


def test_before_request_hook_runs_with_a_custom_preprocess_request():
    class Custom(Kolba):
        def preprocess_request(self):
            return super().preprocess_request()

    app = Custom(__name__)
    app.add_url_rule("/", "index", lambda: "index")
    app.plugins.register(plugin(kolba_before_request=lambda app, request: "hooked"))
    assert app.test_client().get("/").text == "hooked"


# -- kolba_identify ----------------------------------------------------------------------------


@pytest.fixture
def whoami(app):
    @app.route("/whoami")
    def whoami():
        return {"identity": get_identity()}

    return "/whoami"


def test_get_identity_is_none_without_an_identify_plugin(client, whoami):
    assert client.get(whoami).json == {"identity": None}


def test_identify_hook_receives_the_app_and_the_request(app, client, whoami):
    seen = []

    def identify(app, request):
        seen.append((app, request.headers.get("X-User")))
        return request.headers.get("X-User")

    app.plugins.register(plugin(kolba_identify=identify))
    assert client.get(whoami, headers={"X-User": "alice"}).json == {"identity": "alice"}
    assert seen == [(app, "alice")]


def test_identify_first_non_none_result_wins(app, client, whoami):
    app.plugins.register(plugin(kolba_identify=lambda app, request: "from-session"))
    app.plugins.register(plugin(kolba_identify=lambda app, request: None))
    assert client.get(whoami).json == {"identity": "from-session"}


def test_identify_is_asked_at_most_once_per_request(app, client):
    calls = []

    def identify(app, request):
        calls.append(request.path)
        return "alice"

    app.plugins.register(plugin(kolba_identify=identify))

    @app.route("/twice")
    def twice():
        return [get_identity(), get_identity()]

    assert client.get("/twice").json == ["alice", "alice"]
    assert calls == ["/twice"]


def test_identify_none_is_remembered_for_the_request(app, client):
    calls = []
    app.plugins.register(plugin(kolba_identify=lambda app, request: calls.append(1)))

    @app.route("/twice")
    def twice():
        return [get_identity(), get_identity()]

    assert client.get("/twice").json == [None, None]
    assert calls == [1]


def test_identify_is_asked_again_on_the_next_request(app, client, whoami):
    calls = []
    app.plugins.register(plugin(kolba_identify=lambda app, request: calls.append(1) or "bob"))
    client.get(whoami)
    client.get(whoami)
    assert calls == [1, 1]


def test_identify_is_not_asked_when_nothing_calls_get_identity(app, client):
    calls = []
    app.plugins.register(plugin(kolba_identify=lambda app, request: calls.append(1)))
    client.get("/")
    assert calls == []


# -- kolba_handle_exception --------------------------------------------------------------------


@pytest.fixture
def boom(app):
    @app.route("/boom")
    def boom():
        raise KeyError("boom")

    return "/boom"


def test_handle_exception_turns_a_404_into_a_response(app, client):
    seen = []

    def handle(app, error):
        seen.append((app, type(error)))
        return {"error": "not here"}, 404

    app.plugins.register(plugin(kolba_handle_exception=handle))
    response = client.get("/missing")
    assert response.status_code == 404
    assert response.json == {"error": "not here"}
    assert seen == [(app, NotFound)]


def test_handle_exception_turns_a_plain_exception_into_a_response(app, client, boom):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    seen = []

    def handle(app, error):
        seen.append(error)
        return f"handled {error!r}", 503

    app.plugins.register(plugin(kolba_handle_exception=handle))
    response = client.get(boom)
    assert response.status_code == 503
    assert response.text == "handled KeyError('boom')"
    assert isinstance(seen[0], KeyError)


def test_handle_exception_none_leaves_a_404_to_the_default_page(app, client):
    app.plugins.register(plugin(kolba_handle_exception=lambda app, error: None))
    response = client.get("/missing")
    assert response.status_code == 404
    assert "Not Found" in response.text


def test_handle_exception_none_leaves_a_plain_exception_to_the_500_page(app, client, boom):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.plugins.register(plugin(kolba_handle_exception=lambda app, error: None))
    assert client.get(boom).status_code == 500


def test_handle_exception_is_not_called_when_an_error_handler_matches(app, client, boom):
    calls = []
    app.plugins.register(plugin(kolba_handle_exception=lambda app, error: calls.append(error)))
    app.register_error_handler(KeyError, lambda e: ("handler", 400))
    app.register_error_handler(404, lambda e: ("no such page", 404))
    assert client.get(boom).text == "handler"
    assert client.get("/missing").text == "no such page"
    assert calls == []


def test_handle_exception_first_result_wins(app, client):
    app.plugins.register(plugin(kolba_handle_exception=lambda app, error: ("later", 404)))
    first = kolba.hookimpl(tryfirst=True)(lambda app, error: ("first", 404))
    app.plugins.register(plugin(kolba_handle_exception=first))
    assert client.get("/missing").text == "first"


# -- kolba_register_backends -------------------------------------------------------------------


def memory_storage(**options):
    return {"kind": "memory", **options}


def disk_storage(**options):
    return {"kind": "disk", **options}


def test_registered_backend_is_returned_by_get_backend(app):
    app.plugins.register(
        plugin(
            kolba_register_backends=lambda app, register: register(
                "storage", "memory", memory_storage
            )
        )
    )
    assert app.get_backend("storage", "memory") is memory_storage


def test_backends_are_registered_by_kind(app):
    def register_all(app, register):
        register("storage", "memory", memory_storage)
        register("session", "memory", disk_storage)

    app.plugins.register(plugin(kolba_register_backends=register_all))
    assert app.get_backend("storage", "memory") is memory_storage
    assert app.get_backend("session", "memory") is disk_storage


def test_register_backends_is_called_once(app, client):
    calls = []

    def register_all(app, register):
        calls.append(app)
        register("storage", "memory", memory_storage)

    app.plugins.register(plugin(kolba_register_backends=register_all))
    client.get("/")
    app.get_backend("storage", "memory")
    app.get_backend("storage", "memory")
    assert calls == [app]


def test_duplicate_backend_name_raises(app):
    app.plugins.register(
        plugin(
            kolba_register_backends=lambda app, register: register("storage", "s3", disk_storage)
        )
    )
    app.plugins.register(
        plugin(
            kolba_register_backends=lambda app, register: register("storage", "s3", memory_storage)
        )
    )
    with pytest.raises(ValueError, match="storage backend named 's3' is already registered"):
        app.get_backend("storage", "s3")


def test_duplicate_backend_name_keeps_stopping_the_start_up(app, client):
    app.plugins.register(
        plugin(kolba_register_backends=lambda app, register: register("storage", "s3", 1))
    )
    app.plugins.register(
        plugin(kolba_register_backends=lambda app, register: register("storage", "s3", 2))
    )
    for _ in range(2):
        with pytest.raises(ValueError, match="already registered"):
            client.get("/")


def test_backends_of_a_plugin_registered_after_a_lookup_are_found(app, client):
    with pytest.raises(LookupError):
        app.get_backend("storage", "memory")
    app.plugins.register(
        plugin(
            kolba_register_backends=lambda app, register: register(
                "storage", "memory", memory_storage
            )
        )
    )
    client.get("/")
    assert app.get_backend("storage", "memory") is memory_storage


def test_unknown_backend_raises_lookup_error_naming_the_registered_ones(app):
    def register_all(app, register):
        register("storage", "memory", memory_storage)
        register("storage", "disk", disk_storage)

    app.plugins.register(plugin(kolba_register_backends=register_all))
    with pytest.raises(LookupError, match=r"'s3'.*\(registered: disk, memory\)"):
        app.get_backend("storage", "s3")


def test_unknown_backend_kind_says_none_are_registered(app):
    with pytest.raises(LookupError, match=r"registered: none"):
        app.get_backend("queue", "redis")


# -- kolba_shell_context -----------------------------------------------------------------------


def test_shell_context_hook_adds_names_to_the_shell(app):
    db = object()
    app.plugins.register(plugin(kolba_shell_context=lambda app: {"db": db}))
    context = app.make_shell_context()
    assert context["db"] is db
    assert context["app"] is app


def test_shell_context_processor_wins_over_the_shell_context_hook(app):
    app.plugins.register(plugin(kolba_shell_context=lambda app: {"db": "plugin"}))
    app.shell_context_processor(lambda: {"db": "processor"})
    assert app.make_shell_context()["db"] == "processor"


def test_first_shell_context_result_wins_over_later_ones(app):
    app.plugins.register(plugin(kolba_shell_context=lambda app: {"db": "later"}))
    first = kolba.hookimpl(tryfirst=True)(lambda app: {"db": "first"})
    app.plugins.register(plugin(kolba_shell_context=first))
    assert app.make_shell_context()["db"] == "first"


# -- kolba_config_keys -------------------------------------------------------------------------


def test_core_config_keys_come_from_the_kolba_core_plugin(app):
    assert app.plugins.get_plugin("kolba-core").kolba_config_keys() == list(CORE_CONFIG_KEYS)


def test_config_keys_hook_collects_core_and_plugin_keys(app):
    key = kolba.ConfigKey("GREETING", str, "Hello", "What to say.")
    app.plugins.register(plugin(kolba_config_keys=lambda: [key]))
    names = {k.name for keys in app.plugins.hook.kolba_config_keys() for k in keys}
    assert {"SECRET_KEY", "SESSION_COOKIE_NAME", "GREETING"} <= names


@pytest.mark.parametrize("key", CORE_CONFIG_KEYS, ids=lambda k: k.name)
def test_core_config_key_default_matches_the_apps_default_config(key):
    app = Kolba(__name__)
    assert app.config.get(key.name) == key.default
    key.validate(app.config.get(key.name))


def test_every_default_config_key_is_declared_by_the_core():
    declared = {key.name for key in CORE_CONFIG_KEYS}
    assert set(Kolba(__name__).config) <= declared


# -- KOLBA_EXTENSIONS: enabling installed extensions by name -----------------------------------

EXTENSION_MODULE = '''
"""A test extension, installed through a real dist-info folder."""

import kolba


class Greeter(kolba.Extension):
    """Greets people."""

    name = "greeter"
    config_keys = (kolba.ConfigKey("GREETING", str, "Hello", "What to say."),)

    @kolba.hookimpl
    def kolba_jinja_environment(self, app, env):
        env.globals["greeting"] = app.config["GREETING"]


class Counter:
    """Not a class to instantiate: an object with init_app."""

    def init_app(self, app):
        app.extensions["counter"] = kolba.ExtensionState()


counter = Counter()
'''


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """Install the distribution ``kolba-testext`` 1.2.3 with two ``kolba.extensions`` entry
    points, ``greeter`` (a class) and ``counter`` (an object), by putting a module and its
    dist-info folder on ``sys.path``."""
    (tmp_path / "kolba_testext.py").write_text(textwrap.dedent(EXTENSION_MODULE))
    dist_info = tmp_path / "kolba_testext-1.2.3.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: kolba-testext\nVersion: 1.2.3\n"
    )
    (dist_info / "entry_points.txt").write_text(
        "[kolba.extensions]\ngreeter = kolba_testext:Greeter\ncounter = kolba_testext:counter\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    sys.modules.pop("kolba_testext", None)


def test_installed_extensions_lists_entry_points_with_their_distribution(installed):
    found = {e.name: e for e in kolba.plugins.installed_extensions()}
    assert found["greeter"].distribution == "kolba-testext"
    assert found["greeter"].version == "1.2.3"
    assert found["greeter"].target == "kolba_testext:Greeter"


def test_installing_an_extension_does_not_enable_it(app, client, installed):
    client.get("/")
    assert "greeter" not in app.extensions
    assert "kolba-ext:greeter" not in dict(app.plugins.list_name_plugin())


def test_kolba_extensions_enables_a_named_extension_at_start_up(app, client, installed):
    app.config["KOLBA_EXTENSIONS"] = ["greeter"]
    assert "greeter" not in app.extensions
    client.get("/")
    assert isinstance(app.extensions["greeter"], kolba.ExtensionState)
    assert app.config["GREETING"] == "Hello"


def test_extension_enabled_by_name_applies_its_config_and_hooks(app, client, installed):
    app.config.update(KOLBA_EXTENSIONS=["greeter"], GREETING="Hi")

    @app.route("/greet")
    def greet():
        return render_template_string("{{ greeting }}")

    assert client.get("/greet").text == "Hi"


def test_kolba_extensions_accepts_an_object_with_init_app(app, client, installed):
    app.config["KOLBA_EXTENSIONS"] = ["counter"]
    client.get("/")
    assert isinstance(app.extensions["counter"], kolba.ExtensionState)


def test_kolba_extensions_enables_only_the_named_ones(app, client, installed):
    app.config["KOLBA_EXTENSIONS"] = ["counter"]
    client.get("/")
    assert "greeter" not in app.extensions


def test_kolba_extensions_skips_an_extension_already_initialised(app, client, installed):
    from kolba_testext import Greeter

    Greeter(app)
    app.config["KOLBA_EXTENSIONS"] = ["greeter"]
    assert client.get("/").status_code == 200


def test_unknown_name_in_kolba_extensions_raises_lookup_error_naming_the_key(
    app, client, installed
):
    app.config["KOLBA_EXTENSIONS"] = ["nope"]
    with pytest.raises(LookupError, match=r"KOLBA_EXTENSIONS names 'nope'.*greeter"):
        client.get("/")


def test_kolba_extensions_as_a_string_is_a_config_error_naming_the_key(app, client, installed):
    app.config["KOLBA_EXTENSIONS"] = "greeter"
    with pytest.raises(kolba.ConfigError, match="KOLBA_EXTENSIONS"):
        client.get("/")


def test_plugin_info_reports_the_installed_distributions_version(app, client, installed):
    app.config["KOLBA_EXTENSIONS"] = ["greeter"]
    client.get("/")
    info = app.plugins.get_plugin("kolba-ext:greeter").kolba_plugin_info()
    assert info == kolba.PluginInfo("greeter", "1.2.3", "Greets people.")


# -- zero cost ---------------------------------------------------------------------------------

PER_REQUEST_HOOKS = ("kolba_identify", "kolba_before_request", "kolba_handle_exception")


@pytest.mark.parametrize("hook_name", PER_REQUEST_HOOKS)
def test_per_request_hook_without_implementations_is_not_implemented(app, hook_name):
    assert not app.plugins.implemented(hook_name)


@pytest.fixture
def hook_calls(monkeypatch):
    """Start recording the name of every pluggy hook called, on any app."""

    def start():
        calls = []
        real_call = pluggy.HookCaller.__call__

        def spy(self, *args, **kwargs):
            calls.append(self.name)
            return real_call(self, *args, **kwargs)

        monkeypatch.setattr(pluggy.HookCaller, "__call__", spy)
        return calls

    return start


def test_request_without_hook_implementations_does_not_call_into_pluggy(app, client, hook_calls):
    @app.route("/work")
    def work():
        get_identity()
        return render_template_string("{{ 1 + 1 }}")

    client.get("/")  # start-up calls its hooks once; the requests below are what is measured
    calls = hook_calls()
    assert client.get("/work").text == "2"
    assert client.get("/missing").status_code == 404
    assert calls == []


def test_hook_call_spy_sees_an_implemented_per_request_hook(app, client, hook_calls):
    app.plugins.register(plugin(kolba_before_request=lambda app, request: None))

    @app.route("/work")
    def work():
        return render_template_string("x")

    client.get("/")
    calls = hook_calls()
    client.get("/work")
    assert calls == ["kolba_before_request"]
