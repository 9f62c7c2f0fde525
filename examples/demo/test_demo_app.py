"""The demo through the test client and the CLI runner: forms, CSRF, mail, the API, and what
`kolba plugins`, `kolba config`, `kolba doctor` and `kolba routes` show about it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import redis
from click.testing import CliRunner

from kolba.cli import ScriptInfo, cli
from kolba.pytest_plugin import free_port, service_unavailable

EXTENSIONS = ("cors", "forms", "jwt", "mail", "session-redis", "sqlalchemy", "upload")


@pytest.fixture
def app(demo: Any, tmp_path: Path) -> Any:
    return demo.create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'demo.db'}",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "MAIL_TRANSPORT": "memory",
            "MAIL_SUPPRESS_SEND": False,
        }
    )


def _kolba(app: Any, *args: str) -> str:
    """Run `kolba <args>` on the app, as `kolba --app examples/demo/app.py <args>` does."""
    result = CliRunner().invoke(cli, args, obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    return result.output


def _csrf(page: bytes) -> str:
    found = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert found is not None, page
    return found.group(1).decode()


def _register(client: Any, app: Any, email: str = "ann@example.com") -> str:
    token = _csrf(client.get("/register").data)
    data = {"csrf_token": token, "name": "Ann", "email": email}
    response = client.post(
        "/register", data={**data, "password": "pw123456", "confirm": "pw123456"}
    )
    assert response.status_code == 302
    body = app.extensions["mail"].outbox[-1].parsed().get_content()
    link = re.search(r"http://localhost(/confirm/\S+)", body)
    assert link is not None, body
    return link.group(1)


def test_every_page_uses_the_stylesheet_the_viewport_and_the_favicon(app: Any) -> None:
    client = app.test_client()
    for path in ("/", "/register", "/login"):
        page = client.get(path).data
        assert b'name="viewport"' in page
        assert b'href="/static/style.css"' in page and b'rel="icon"' in page
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/favicon.ico").mimetype == "image/svg+xml"


def test_a_form_without_its_csrf_token_is_refused(app: Any) -> None:
    data = {"name": "Ann", "email": "a@example.com", "password": "pw123456", "confirm": "pw123456"}
    response = app.test_client().post("/register", data=data)
    assert response.status_code == 400
    assert app.extensions["mail"].outbox == []


def test_validation_errors_are_shown_in_the_page(app: Any) -> None:
    client = app.test_client()
    token = _csrf(client.get("/register").data)
    data = {"csrf_token": token, "name": "", "email": "nope", "password": "x", "confirm": "y"}
    response = client.post("/register", data=data)
    assert response.status_code == 400
    assert b"Invalid email address." in response.data
    assert b"Passwords must match." in response.data


def test_login_waits_for_the_confirmation_link(app: Any) -> None:
    client = app.test_client()
    link = _register(client, app)
    login = {"email": "ann@example.com", "password": "pw123456"}
    refused = client.post("/login", data={**login, "csrf_token": _csrf(client.get("/login").data)})
    assert b"Confirm your address first" in refused.data
    assert client.get(link).status_code == 302
    done = client.post("/login", data={**login, "csrf_token": _csrf(client.get("/login").data)})
    assert done.status_code == 302 and done.headers["Location"] == "/"


def test_a_tampered_confirmation_link_is_a_404(app: Any) -> None:
    assert app.test_client().get("/confirm/not-a-token").status_code == 404


def test_login_does_not_redirect_off_the_site(app: Any) -> None:
    client = app.test_client()
    client.get(_register(client, app))
    token = _csrf(client.get("/login").data)
    data = {"email": "ann@example.com", "password": "pw123456", "csrf_token": token}
    response = client.post("/login?next=//evil.example/", data=data)
    assert response.headers["Location"] == "/"


def test_the_api_gives_tokens_refreshes_and_revokes(app: Any) -> None:
    client = app.test_client()
    client.get(_register(client, app))
    bad = client.post("/api/token", json={"email": "ann@example.com", "password": "nope"})
    assert bad.status_code == 401
    assert client.post("/api/token", data="x").status_code == 400
    tokens = client.post(
        "/api/token", json={"email": "ann@example.com", "password": "pw123456"}
    ).get_json()
    access = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.get("/api/me", headers=access).get_json()["email"] == "ann@example.com"
    created = client.post("/api/posts", json={"body": "from the API"}, headers=access)
    assert created.status_code == 201
    assert client.get("/api/posts", headers=access).get_json()["total"] == 1
    assert client.post("/api/posts", json={"body": ""}, headers=access).status_code == 400
    refresh = {"Authorization": f"Bearer {tokens['refresh_token']}"}
    fresh = client.post("/api/refresh", headers=refresh).get_json()["access_token"]
    assert client.post("/api/logout", headers=access).get_json() == {"revoked": "access"}
    assert client.get("/api/me", headers=access).status_code == 401
    assert client.get("/api/me", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200
    assert client.get("/api/me").status_code == 401


def test_cors_lets_the_front_end_origin_in_and_no_other(app: Any) -> None:
    client = app.test_client()
    preflight = {"Access-Control-Request-Method": "POST"}
    allowed = client.options("/api/token", headers={**preflight, "Origin": "http://localhost:5001"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "http://localhost:5001"
    other = client.options("/api/token", headers={**preflight, "Origin": "http://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_kolba_plugins_lists_all_seven_extensions(app: Any) -> None:
    output = _kolba(app, "plugins", "--json")
    listed = json.loads(output)
    text = json.dumps(listed)
    for name in EXTENSIONS:
        assert f"kolba-{name}" in text, name


def test_kolba_config_shows_each_extensions_keys(app: Any) -> None:
    output = _kolba(app, "config")
    for key in ("SQLALCHEMY_DATABASE_URI", "MAIL_TRANSPORT", "JWT_SECRET_KEY", "CORS_ORIGINS"):
        assert key in output
    for key in ("UPLOAD_FOLDER", "WTF_CSRF_ENABLED"):
        assert key in output


def test_kolba_doctor_checks_the_database_and_storage(app: Any) -> None:
    output = _kolba(app, "doctor")
    assert "sqlalchemy" in output.lower() and "upload" in output.lower()


def test_kolba_routes_shows_the_site_the_api_and_the_upload_views(app: Any) -> None:
    output = _kolba(app, "routes")
    for rule in ("/register", "/confirm/<token>", "/profile", "/api/token", "/api/refresh"):
        assert rule in output
    assert "/_uploads/" in output


@pytest.fixture
def redis_url(tmp_path: Path) -> Any:
    """A real redis-server on 127.0.0.1 at a free port, for the demo's Redis-backed settings."""
    if shutil.which("redis-server") is None:
        service_unavailable("redis-server is not installed (the Debian package redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port, socket_timeout=1)
    try:
        # Waiting for the server to accept connections; the loop ends at the first PONG.
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        else:
            service_unavailable(f"redis-server did not start on port {port}")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_with_redis_configured_sessions_and_revocation_live_in_redis(
    demo: Any, tmp_path: Path, redis_url: str
) -> None:
    app = demo.create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'redis.db'}",
            "MAIL_TRANSPORT": "memory",
            "MAIL_SUPPRESS_SEND": False,
            "SESSION_REDIS_URL": redis_url,
            "JWT_REDIS_URL": redis_url,
        }
    )
    assert "demo.revoked" not in app.extensions
    client = app.test_client()
    client.get(_register(client, app))
    token = _csrf(client.get("/login").data)
    data = {"email": "ann@example.com", "password": "pw123456", "csrf_token": token}
    assert client.post("/login", data=data).status_code == 302
    store = redis.Redis.from_url(redis_url)
    assert list(store.scan_iter(match="session:*"))

    tokens = client.post(
        "/api/token", json={"email": "ann@example.com", "password": "pw123456"}
    ).get_json()
    access = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.post("/api/logout", headers=access).status_code == 200
    assert client.get("/api/me", headers=access).status_code == 401
    assert list(store.scan_iter(match="jwt:*"))
