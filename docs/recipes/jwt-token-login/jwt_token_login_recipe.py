"""A token login API: POST a username and password, get an access token that expires; send it
back in the Authorization header or in the JSON body to reach the protected view."""

import datetime
import hmac
import os

from kolba import Kolba, jsonify, request
from kolba_jwt import JWTManager, create_access_token, get_jwt, get_jwt_identity, jwt_required

# A real app checks a password hash from its database (e.g. werkzeug.security).
USERS = {"liuyuyang1024": {"id": 1, "password": "correct horse"}}

jwt = JWTManager()


def create_app(config=None):
    app = Kolba(__name__)
    app.config.update(
        JWT_SECRET_KEY=os.environ.get("JWT_SECRET_KEY", "dev only: change me, 32+ bytes long"),
        JWT_ACCESS_TOKEN_EXPIRES=datetime.timedelta(days=5),
        # The seed's client sends {"token": ...} in a JSON body; headers work too.
        JWT_TOKEN_LOCATION=["headers", "json"],
        JWT_JSON_KEY="token",
    )
    app.config.update(config or {})
    jwt.init_app(app)

    @app.post("/token")
    def token():
        data = request.get_json(silent=True) or {}
        username, password = data.get("username"), data.get("password")
        if not isinstance(username, str) or not isinstance(password, str):
            return {"message": "Send JSON with username and password."}, 400
        user = USERS.get(username)
        if user is None or not hmac.compare_digest(user["password"], password):
            return {"message": "Wrong username or password."}, 401
        access = create_access_token(identity=username, additional_claims={"id": user["id"]})
        return {"token": access}

    @app.route("/admin", methods=["GET", "POST"])
    @jwt_required()
    def admin():
        return {"message": "Logged in", "username": get_jwt_identity(), "id": get_jwt()["id"]}

    @jwt.expired_token_loader
    def expired(jwt_header, jwt_data):
        return jsonify(message="Token has expired"), 401

    @jwt.invalid_token_loader
    def invalid(reason):
        return jsonify(message=f"Token is invalid: {reason}"), 422

    return app
