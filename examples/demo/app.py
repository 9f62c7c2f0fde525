"""The demo app that README's first command serves: kolba's basics on a few small pages.

Run it with `python3 -m nox -s demo` (which runs `kolba --app examples/demo/app.py run`), then
open http://127.0.0.1:5000. Signing the guestbook prints the notification mail in the terminal.
"""

from __future__ import annotations

import secrets
from typing import Any

from kolba import Kolba, flash, redirect, render_template, request, url_for
from kolba_mail import Mail, Message

MAX_MESSAGE_LENGTH = 200

# Mail goes to the terminal (the console transport): the demo needs no mail server.
mail = Mail()


def create_app(config: dict[str, Any] | None = None) -> Kolba:
    """Build the demo app; `config` overrides the defaults (tests pass TESTING=True)."""
    app = Kolba(__name__)
    # A fresh key per start is enough for flash messages: nothing the demo signs outlives it.
    app.config["SECRET_KEY"] = secrets.token_hex(32)
    app.config["MAIL_TRANSPORT"] = "console"
    app.config["MAIL_DEFAULT_SENDER"] = ("kolba demo", "demo@localhost")
    app.config.update(config or {})
    mail.init_app(app)
    # The guestbook is held by this app alone, so every app the factory builds starts empty.
    entries: list[dict[str, str]] = []

    @app.get("/")
    def index() -> str:
        return render_template("index.html")

    @app.get("/hello/<name>")
    def hello(name: str) -> str:
        return render_template("hello.html", name=name)

    @app.get("/api/square/<int:number>")
    def square(number: int) -> dict[str, int]:
        return {"number": number, "square": number * number}

    @app.get("/api/routes")
    def routes() -> dict[str, list[dict[str, Any]]]:
        rules = sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)
        listed = [
            {"rule": rule.rule, "endpoint": rule.endpoint, "methods": sorted(rule.methods or ())}
            for rule in rules
            if rule.endpoint != "static"
        ]
        return {"routes": listed}

    @app.get("/guestbook")
    def guestbook() -> str:
        return render_template("guestbook.html", entries=entries)

    @app.post("/guestbook")
    def sign() -> Any:
        name = request.form.get("name", "").strip()[:50] or "anonymous"
        message = request.form.get("message", "").strip()
        error = None
        if not message:
            error = "Write a message before signing."
        elif len(message) > MAX_MESSAGE_LENGTH:
            error = f"Keep the message to {MAX_MESSAGE_LENGTH} characters or fewer."
        if error is not None:
            page = render_template("guestbook.html", entries=entries, error=error, name=name)
            return page, 400
        entries.append({"name": name, "message": message})
        mail.send(
            Message(
                "New guestbook entry",
                recipients=["owner@localhost"],
                body=f"{name} wrote:\n\n{message}\n",
            )
        )
        flash(f"Thanks for signing, {name}!")
        return redirect(url_for("guestbook"))

    return app


app = create_app()

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=5000)
