"""Login-required views, sync and async, with the caller's identity coming from a plugin.

`kolba.view_decorator` writes the decorator once for `def` and `async def` views; the app's
identity plugin answers `kolba.get_identity()` from the session.
"""

from __future__ import annotations

import asyncio
from typing import Any

from kolba import Kolba, get_identity, hookimpl, redirect, request, session, url_for, view_decorator

USERS = {"ada": "lovelace", "alan": "turing"}


class SessionIdentity:
    """Says who is calling: the user name the login view stored in the session."""

    @hookimpl
    def kolba_identify(self, app: Kolba, request: Any) -> str | None:
        return session.get("user")


@view_decorator
def login_required(call_view: Any, **url_values: Any) -> Any:
    """Send anonymous callers to the login page, remembering where they wanted to go."""
    if get_identity() is None:
        return redirect(url_for("login", next=request.path))
    return call_view()


def create_app() -> Kolba:
    app = Kolba(__name__)
    app.secret_key = "change me"
    app.plugins.register(SessionIdentity(), name="session-identity")

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        if request.method == "POST":
            name = request.form.get("name", "")
            if USERS.get(name) != request.form.get("password"):
                return "Unknown name or wrong password.", 401
            session["user"] = name
            # Only same-site paths: an open redirect would hand the login to another site.
            target = request.args.get("next", "")
            return redirect(
                target if target.startswith("/") and not target.startswith("//") else "/"
            )
        return "Log in with a POST of name and password."

    @app.post("/logout")
    def logout() -> Any:
        session.clear()
        return redirect(url_for("login"))

    @app.get("/")
    @login_required
    def home() -> str:
        return f"Hello, {get_identity()}!"

    @app.get("/report")
    @login_required
    async def report() -> dict[str, Any]:
        # An async view behind the same decorator; it may await other work.
        await asyncio.sleep(0)
        return {"user": get_identity(), "rows": 3}

    return app
