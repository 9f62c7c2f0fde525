"""The sample app the tests drive: a login that issues a token pair, protected views for
every token location, and refresh with rotation when a revocation store is configured."""

from __future__ import annotations

import sys
import typing as t

import kolba
from kolba import jsonify, request
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
    set_access_cookies,
    set_refresh_cookies,
)

SECRET = "a-test-secret-that-is-long-enough-for-hs256"


def create_app(**config: t.Any) -> kolba.Kolba:
    app = kolba.Kolba(__name__)
    app.config.update(TESTING=True, JWT_SECRET_KEY=SECRET)
    app.config.update(config)
    JWTManager(app)

    @app.post("/login")
    def login() -> t.Any:
        user = (request.get_json(silent=True) or {}).get("user", "alice")
        family = new_family()
        access = create_access_token(user, fresh=True, additional_claims=family)
        refresh = create_refresh_token(user, additional_claims=family)
        response = jsonify(access_token=access, refresh_token=refresh)
        set_access_cookies(response, access)
        set_refresh_cookies(response, refresh)
        return response

    @app.route("/protected", methods=["GET", "POST"])
    @jwt_required()
    def protected() -> t.Any:
        return {"user": get_jwt_identity()}

    @app.post("/refresh")
    @jwt_required(refresh=True)
    def refresh() -> t.Any:
        user = get_jwt_identity()
        family = rotate_refresh_token()
        return {
            "access_token": create_access_token(user, additional_claims=family),
            "refresh_token": create_refresh_token(user, additional_claims=family),
        }

    @app.delete("/logout")
    @jwt_required(verify_type=False)
    def logout() -> t.Any:
        revoke_token()
        return {"revoked": get_jwt()["type"]}

    return app


if __name__ == "__main__":
    # A real server process for the scale-out test: python jwt_app.py PORT REDIS_URL
    from werkzeug.serving import make_server

    port, redis_url = int(sys.argv[1]), sys.argv[2]
    app = create_app(JWT_REDIS_URL=redis_url, TESTING=False)
    make_server("127.0.0.1", port, app, threaded=True).serve_forever()
