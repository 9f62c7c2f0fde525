"""Server-side sessions in Redis: sign in with a fresh session id, keep a cart in the session,
and sign out by deleting the session from Redis."""

import os

from werkzeug.security import check_password_hash, generate_password_hash

from kolba import Kolba, redirect, request, session, url_for
from kolba_session_redis import Session

# One extension object serves every app the factory makes.
sessions = Session()

# A stand-in for a user table: names and password hashes, never passwords.
USERS = {"ann": generate_password_hash("correct horse")}


def create_app(config=None):
    app = Kolba(__name__)
    app.config.update(
        SECRET_KEY=os.environ.get("SECRET_KEY", "dev only: set SECRET_KEY"),
        SESSION_TYPE="redis",
        SESSION_REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.config.update(config or {})
    sessions.init_app(app)

    @app.get("/")
    def index():
        user = session.get("user")
        if user is None:
            return "You are not signed in."
        return f"Signed in as {user}. Cart: {', '.join(session.get('cart', [])) or 'empty'}."

    @app.post("/cart")
    def add_to_cart():
        # Assign a new list: changing the stored one in place would not mark the session.
        session["cart"] = [*session.get("cart", []), request.form["item"]]
        return redirect(url_for("index"))

    @app.post("/login")
    def login():
        name = request.form.get("username", "")
        password = request.form.get("password", "")
        if name not in USERS or not check_password_hash(USERS[name], password):
            return "Wrong user name or password.", 401
        # A new id for the signed-in session: whoever knew the old one knows nothing now.
        # The data stays, so a cart filled before signing in is kept.
        session.regenerate()
        session["user"] = name
        return redirect(url_for("index"))

    @app.post("/logout")
    def logout():
        # Deletes the session from Redis and the cookie from the browser.
        session.clear()
        return redirect(url_for("index"))

    return app
