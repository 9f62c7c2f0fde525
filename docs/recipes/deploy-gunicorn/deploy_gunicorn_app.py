"""The deployment recipe's app: a factory reading its settings from the environment, a health
view for the load balancer, and ProxyFix for the proxy in front."""

from __future__ import annotations

import os

from werkzeug.middleware.proxy_fix import ProxyFix

from kolba import Kolba, request


def create_app() -> Kolba:
    app = Kolba(__name__)
    # Production reads its secrets from the environment; KOLBA_SECRET_KEY sets SECRET_KEY.
    app.config.from_prefixed_env("KOLBA")
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("Set KOLBA_SECRET_KEY: production signs sessions with it.")

    @app.get("/")
    def index() -> dict[str, str]:
        # Behind ProxyFix these are the client's scheme and address, not the proxy's.
        return {"hello": "world", "scheme": request.scheme, "client": request.remote_addr or ""}

    @app.get("/healthz")
    def healthz() -> tuple[str, int]:
        return "ok", 200

    # One proxy (nginx, a load balancer) sets X-Forwarded-For and -Proto; trust exactly one.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]
    return app


def worker_count() -> int:
    """gunicorn's usual advice: two workers per core, plus one."""
    return 2 * (os.cpu_count() or 1) + 1
