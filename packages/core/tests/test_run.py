"""app.run: the options handed to werkzeug's development server.
werkzeug.serving.run_simple is replaced by a recorder, so no server is started."""

import pytest
import werkzeug.serving

from kolba import Kolba

ENV_VARS = ("FLASK_DEBUG", "KOLBA_DEBUG", "FLASK_RUN_FROM_CLI", "KOLBA_RUN_FROM_CLI")


@pytest.fixture
def calls(monkeypatch, tmp_path):
    # An empty working directory holds no dotenv file; every variable run() may read, or a
    # dotenv file may set, is restored afterwards.
    monkeypatch.chdir(tmp_path)
    for name in ENV_VARS:
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    recorded = []

    def fake_run_simple(hostname, port, application, **options):
        recorded.append({"host": hostname, "port": port, "app": application, **options})

    monkeypatch.setattr(werkzeug.serving, "run_simple", fake_run_simple)
    return recorded


@pytest.fixture
def app():
    return Kolba(__name__)


def test_run_defaults_to_localhost_port_5000(app, calls):
    app.run()
    assert (calls[0]["host"], calls[0]["port"]) == ("127.0.0.1", 5000)


def test_run_serves_the_app_itself(app, calls):
    app.run()
    assert calls[0]["app"] is app


def test_run_passes_host_and_port(app, calls):
    app.run(host="0.0.0.0", port=8000)
    assert (calls[0]["host"], calls[0]["port"]) == ("0.0.0.0", 8000)


def test_run_converts_port_string_to_int(app, calls):
    app.run(port="8080")
    assert calls[0]["port"] == 8080


def test_run_is_threaded_by_default(app, calls):
    app.run()
    assert calls[0]["threaded"] is True


def test_run_passes_threaded_false(app, calls):
    app.run(threaded=False)
    assert calls[0]["threaded"] is False


def test_run_without_debug_disables_reloader_and_debugger(app, calls):
    app.run()
    assert calls[0]["use_reloader"] is False
    assert calls[0]["use_debugger"] is False
    assert app.debug is False


def test_run_debug_enables_reloader_and_debugger(app, calls):
    app.run(debug=True)
    assert calls[0]["use_reloader"] is True
    assert calls[0]["use_debugger"] is True


def test_run_debug_sets_app_debug(app, calls):
    app.run(debug=True)
    assert app.debug is True
    assert app.config["DEBUG"] is True


def test_run_explicit_use_reloader_overrides_debug(app, calls):
    app.run(debug=True, use_reloader=False)
    assert calls[0]["use_reloader"] is False
    assert calls[0]["use_debugger"] is True


def test_run_passes_ssl_context(app, calls):
    app.run(ssl_context=("cert.pem", "key.pem"))
    assert calls[0]["ssl_context"] == ("cert.pem", "key.pem")


def test_run_forwards_other_options_to_werkzeug(app, calls):
    app.run(extra_files=["settings.toml"], reloader_type="stat")
    assert calls[0]["extra_files"] == ["settings.toml"]
    assert calls[0]["reloader_type"] == "stat"


def test_run_uses_server_name_host_and_port_when_not_given(app, calls):
    app.config["SERVER_NAME"] = "example.test:9000"
    app.run()
    assert (calls[0]["host"], calls[0]["port"]) == ("example.test", 9000)


def test_run_explicit_port_wins_over_server_name(app, calls):
    app.config["SERVER_NAME"] = "example.test:9000"
    app.run(port=8001)
    assert calls[0]["port"] == 8001


def test_run_server_name_without_port_uses_5000(app, calls):
    app.config["SERVER_NAME"] = "example.test"
    app.run()
    assert calls[0]["port"] == 5000


def test_run_reads_flask_debug_from_environment(app, calls, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app.run()
    assert app.debug is True
    assert calls[0]["use_debugger"] is True


def test_run_debug_argument_overrides_environment(app, calls, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app.run(debug=False)
    assert app.debug is False


def test_run_reads_kolba_debug_from_environment(app, calls, monkeypatch):
    # kolba-specific: KOLBA_DEBUG is kolba's spelling of FLASK_DEBUG.
    monkeypatch.setenv("KOLBA_DEBUG", "1")
    app.run()
    assert app.debug is True


def test_run_loads_dotenv_file_from_working_directory(app, calls, tmp_path):
    (tmp_path / ".env").write_text("FLASK_DEBUG=1\n", encoding="utf-8")
    app.run()
    assert app.debug is True


def test_run_skips_dotenv_file_when_asked(app, calls, tmp_path):
    (tmp_path / ".env").write_text("FLASK_DEBUG=1\n", encoding="utf-8")
    app.run(load_dotenv=False)
    assert app.debug is False


def test_run_loads_kolbaenv_file(app, calls, tmp_path):
    # kolba-specific: kolba reads .kolbaenv where Flask reads .flaskenv.
    (tmp_path / ".kolbaenv").write_text("KOLBA_DEBUG=1\n", encoding="utf-8")
    app.run()
    assert app.debug is True


def test_app_still_handles_requests_after_run_returns(app, calls):
    app.add_url_rule("/", "index", lambda: "ok")
    app.run()
    assert app.test_client().get("/").data == b"ok"
