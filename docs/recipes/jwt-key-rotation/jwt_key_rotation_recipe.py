"""Signing JWTs with a key set: every key has a ``kid``, the newest signs, all verify, and the
public keys are published as a JWKS document for the services that check the tokens."""

from kolba import Kolba, request
from kolba_jwt import (
    JWTManager,
    Key,
    KeySet,
    create_access_token,
    get_jwt_identity,
    jwks_response,
    jwt_required,
)

jwt = JWTManager()


def load_keys(private_pems):
    """A key set from ``{kid: private PEM}``, oldest first (read them from your secret store)."""
    return KeySet(Key(kid, "ES256", pem) for kid, pem in private_pems.items())


def create_app(keys, config=None):
    app = Kolba(__name__)
    app.config["JWT_KEYS"] = keys
    app.config.update(config or {})
    jwt.init_app(app)
    app.add_url_rule("/.well-known/jwks.json", "jwks", jwks_response)

    @app.post("/login")
    def login():
        return {"access_token": create_access_token(str(request.json["username"]))}

    @app.get("/me")
    @jwt_required()
    def me():
        return {"user": get_jwt_identity()}

    return app


def rotate(keys, new_kid, new_private_pem, retire=None):
    """Start signing with a new key; optionally retire one whose tokens have all expired."""
    keys.add(Key(new_kid, "ES256", new_private_pem))
    if retire is not None:
        keys.remove(retire)
