"""JWTs in cookies for a browser front end: the tokens sit in HttpOnly cookies that scripts
cannot read, and state-changing requests prove they come from the app's own pages with the
double-submit CSRF value."""

import datetime
import os

from kolba import Kolba, jsonify, request
from kolba_jwt import (
    JWTManager,
    create_access_token,
    create_refresh_token,
    get_jwt,
    get_jwt_identity,
    jwt_required,
    set_access_cookies,
    set_refresh_cookies,
    unset_jwt_cookies,
)

jwt = JWTManager()


def create_app(config=None):
    app = Kolba(__name__)
    app.config.update(
        JWT_SECRET_KEY=os.environ.get("JWT_SECRET_KEY", "dev only: change me, 32+ bytes long"),
        JWT_TOKEN_LOCATION=["cookies"],
        # Send the refresh cookie to the refresh endpoint only.
        JWT_REFRESH_COOKIE_PATH="/api/refresh",
        # Secure, HttpOnly and SameSite=Lax are the defaults; JWT_COOKIE_CSRF_PROTECT is on.
    )
    app.config.update(config or {})
    jwt.init_app(app)

    @app.post("/api/login")
    def login():
        data = request.get_json(silent=True) or {}
        if data.get("password") != "correct horse":
            return {"msg": "Bad username or password"}, 401
        user = str(data.get("username", ""))
        response = jsonify(user=user)
        set_access_cookies(response, create_access_token(user, fresh=True))
        set_refresh_cookies(response, create_refresh_token(user))
        return response

    @app.get("/api/notes")
    @jwt_required()
    def notes():
        # A GET needs no CSRF value: it must not change anything.
        return {"user": get_jwt_identity(), "notes": []}

    @app.post("/api/notes")
    @jwt_required()
    def add_note():
        return {"saved": request.get_json(silent=True), "by": get_jwt_identity()}, 201

    @app.post("/api/refresh")
    @jwt_required(refresh=True)
    def refresh():
        response = jsonify(refreshed=True)
        set_access_cookies(response, create_access_token(get_jwt_identity()))
        return response

    @app.post("/api/password")
    @jwt_required(fresh=True)
    def change_password():
        # Only a token from a real login (not from /api/refresh) may do this.
        expires = datetime.datetime.fromtimestamp(get_jwt()["exp"], datetime.UTC)
        return {"changed": True, "token_expires": expires.isoformat()}

    @app.post("/api/logout")
    def logout():
        response = jsonify(logged_out=True)
        unset_jwt_cookies(response)
        return response

    return app
