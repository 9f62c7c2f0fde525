"""The app the tests drive: log in and out, read and write session keys, count. Run as a script
it serves the app on a port, for the tests that use two processes."""

from __future__ import annotations

import argparse
import logging
import sys
import typing as t

from kolba import Kolba, abort, request, session
from kolba_session_redis import Session

sessions = Session()


def create_app(**config: t.Any) -> Kolba:
    app = Kolba(__name__)
    app.config.update(TESTING=True, SECRET_KEY="test secret")
    app.config.update(config)
    sessions.init_app(app)

    @app.post("/login")
    def login() -> dict[str, t.Any]:
        session.regenerate()
        session["user"] = request.form["user"]
        return {"user": session["user"]}

    @app.post("/logout")
    def logout() -> dict[str, t.Any]:
        session.clear()
        return {"user": None}

    @app.get("/whoami")
    def whoami() -> dict[str, t.Any]:
        return {"user": session.get("user")}

    @app.get("/get/<key>")
    def get(key: str) -> dict[str, t.Any]:
        return {"value": session.get(key)}

    @app.post("/set/<key>")
    def set_(key: str) -> dict[str, t.Any]:
        session[key] = request.form["value"]
        return {"value": session[key]}

    @app.post("/incr")
    def incr() -> dict[str, t.Any]:
        session["count"] = session.get("count", 0) + 1
        return {"count": session["count"]}

    @app.get("/sid")
    def sid() -> dict[str, t.Any]:
        if "user" not in session:
            abort(401)
        return {"sid": session.sid}

    @app.get("/plain")
    def plain() -> str:
        return "no session here"

    return app


def main() -> None:
    """``python redis_session_app.py REDIS_URL``: serve on a free port, print it, serve on."""
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    parser = argparse.ArgumentParser()
    parser.add_argument("redis_url")
    args = parser.parse_args()
    app = create_app(SESSION_REDIS_URL=args.redis_url, TESTING=False)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(server.server_port, flush=True)
    sys.stdout.close()
    server.serve_forever()


if __name__ == "__main__":
    main()
