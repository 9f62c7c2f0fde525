"""An extension initialised after the app started serving still gets its start-up hooks."""

from __future__ import annotations

import pytest

import kolba
from kolba import hookimpl, render_template_string


class Recorder(kolba.Extension):
    name = "recorder"

    def __init__(self, calls: list[str]) -> None:
        self.calls = calls
        super().__init__()

    @hookimpl
    def kolba_app_startup(self, app: kolba.Kolba) -> None:
        self.calls.append("startup")

    @hookimpl
    def kolba_jinja_environment(self, app: kolba.Kolba, env: object) -> None:
        self.calls.append("jinja")
        env.globals["recorded"] = "yes"  # type: ignore[attr-defined]


class Other(kolba.Extension):
    name = "other"

    def __init__(self, calls: list[str]) -> None:
        self.calls = calls
        super().__init__()

    @hookimpl
    def kolba_app_startup(self, app: kolba.Kolba) -> None:
        self.calls.append("other startup")


def _app() -> kolba.Kolba:
    app = kolba.Kolba(__name__)

    @app.route("/")
    def index() -> str:
        return render_template_string("{{ recorded | default('no') }}")

    return app


def test_extension_initialised_after_the_first_request_gets_its_start_up_hooks():
    calls: list[str] = []
    app = _app()
    Other(calls).init_app(app)
    client = app.test_client()
    assert client.get("/").text == "no"
    assert calls == ["other startup"]

    Recorder(calls).init_app(app)
    assert calls == ["other startup", "jinja", "startup"]
    assert client.get("/").text == "yes"


def test_extension_initialised_before_start_up_gets_each_hook_once():
    calls: list[str] = []
    app = _app()
    Recorder(calls).init_app(app)
    client = app.test_client()
    assert client.get("/").text == "yes"
    client.get("/")
    assert calls == ["startup", "jinja"]


def test_late_extension_whose_start_up_fails_raises_at_init_app():
    class Broken(kolba.Extension):
        name = "broken"

        @hookimpl
        def kolba_app_startup(self, app: kolba.Kolba) -> None:
            raise kolba.ConfigError("BROKEN_KEY", "is wrong; set it to 1.")

    app = _app()
    app.test_client().get("/")
    with pytest.raises(kolba.ConfigError, match="BROKEN_KEY"):
        Broken().init_app(app)
    assert "broken" not in app.extensions
    assert app.test_client().get("/").status_code == 200


def test_app_with_plugins_is_freed_by_reference_counting_alone():
    import gc
    import weakref

    gc.disable()
    try:
        app = kolba.Kolba(__name__)
        Other([]).init_app(app)
        ref = weakref.ref(app)
        del app
        assert ref() is None
    finally:
        gc.enable()
