"""Logout that really ends a token, and refresh-token rotation with reuse detection, with the
revocation store in Redis shared by every worker process."""

import datetime
import os

from kolba import Kolba, request
from kolba_jwt import (
    JWTManager,
    create_access_token,
    create_refresh_token,
    get_jwt,
    get_jwt_identity,
    jwt_required,
    new_family,
    revoke_token,
    rotate_refresh_token,
)

jwt = JWTManager()


def issue_pair(user, family):
    """An access and a refresh token of one login (``family``)."""
    return {
        "access_token": create_access_token(user, additional_claims=family),
        "refresh_token": create_refresh_token(user, additional_claims=family),
    }


def create_app(config=None):
    app = Kolba(__name__)
    app.config.update(
        JWT_SECRET_KEY=os.environ.get("JWT_SECRET_KEY", "dev only: change me, 32+ bytes long"),
        JWT_REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        JWT_REDIS_TIMEOUT=0.5,
        JWT_ACCESS_TOKEN_EXPIRES=datetime.timedelta(minutes=10),
        JWT_REFRESH_TOKEN_EXPIRES=datetime.timedelta(days=14),
    )
    app.config.update(config or {})
    jwt.init_app(app)

    @app.post("/auth/login")
    def login():
        data = request.get_json(silent=True) or {}
        if data.get("password") != "correct horse":
            return {"msg": "Bad username or password"}, 401
        return issue_pair(str(data.get("username", "")), new_family())

    @app.post("/auth/refresh")
    @jwt_required(refresh=True)
    def refresh():
        # Raises a 401 and revokes the whole login if this refresh token was used before.
        family = rotate_refresh_token()
        return issue_pair(get_jwt_identity(), family)

    @app.delete("/auth/logout")
    @jwt_required(verify_type=False)
    def logout():
        # With the refresh token, this ends every token of the login; with an access token,
        # just that one.
        revoke_token()
        return {"revoked": get_jwt()["type"]}

    @app.get("/api/me")
    @jwt_required()
    def me():
        return {"user": get_jwt_identity()}

    return app
