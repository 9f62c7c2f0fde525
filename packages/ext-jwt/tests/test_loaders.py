"""Every loader decorator of ``JWTManager`` replaces its default, with the upstream
signatures; the defaults' status codes and messages are flask-jwt-extended's."""

from __future__ import annotations

import datetime
import typing as t

import jwt
import pytest
from conftest import bearer
from jwt_app import SECRET, create_app

import kolba
from kolba import jsonify
from kolba_jwt import (
    JWTManager,
    create_access_token,
    create_refresh_token,
    current_user,
    decode_token,
    get_current_user,
    get_jwt,
    get_jwt_header,
    jwt_required,
)


def manager(app: kolba.Kolba) -> JWTManager:
    state = app.extensions["flask-jwt-extended"]
    return t.cast(JWTManager, state.manager)


def token(app: kolba.Kolba, **kwargs: t.Any) -> str:
    with app.app_context():
        return create_access_token("alice", **kwargs)


def status_and_body(
    app: kolba.Kolba, tok: str | None, path: str = "/protected"
) -> tuple[int, t.Any]:
    response = app.test_client().get(path, headers=bearer(tok) if tok else {})
    return response.status_code, response.json


def test_additional_claims_loader(app: kolba.Kolba) -> None:
    manager(app).additional_claims_loader(lambda identity: {"role": f"admin-of-{identity}"})
    with app.app_context():
        data = decode_token(create_access_token("alice", additional_claims={"extra": 1}))
    assert data["role"] == "admin-of-alice" and data["extra"] == 1


def test_additional_headers_loader(app: kolba.Kolba) -> None:
    manager(app).additional_headers_loader(lambda identity: {"x-who": identity})
    tok = token(app, additional_headers={"x-more": "yes"})
    header = jwt.get_unverified_header(tok)
    assert header["x-who"] == "alice" and header["x-more"] == "yes"


def test_user_identity_loader(app: kolba.Kolba) -> None:
    manager(app).user_identity_loader(lambda user: user["name"])
    with app.app_context():
        data = decode_token(create_access_token({"name": "bob"}))
    assert data["sub"] == "bob"


def test_user_lookup_loader_and_current_user(app: kolba.Kolba) -> None:
    users = {"alice": {"name": "Alice"}}
    manager(app).user_lookup_loader(lambda header, data: users.get(data["sub"]))

    @app.get("/me")
    @jwt_required()
    def me() -> t.Any:
        return {
            "name": current_user["name"],
            "same": get_current_user() is current_user._get_current_object(),
        }

    assert status_and_body(app, token(app), "/me") == (200, {"name": "Alice", "same": True})


def test_user_lookup_returning_none_is_401(app: kolba.Kolba) -> None:
    manager(app).user_lookup_loader(lambda header, data: None)
    assert status_and_body(app, token(app)) == (401, {"msg": "Error loading the user alice"})


def test_user_lookup_error_loader(app: kolba.Kolba) -> None:
    jwt_manager = manager(app)
    jwt_manager.user_lookup_loader(lambda header, data: None)
    jwt_manager.user_lookup_error_loader(lambda header, data: (jsonify(gone=data["sub"]), 404))
    assert status_and_body(app, token(app)) == (404, {"gone": "alice"})


def test_current_user_without_lookup_loader_raises(app: kolba.Kolba) -> None:
    with app.test_request_context(headers=bearer(token(app))):
        from kolba_jwt import verify_jwt_in_request

        verify_jwt_in_request()
        assert get_jwt()["sub"] == "alice"
        assert get_jwt_header()["alg"] == "HS256"
        with pytest.raises(RuntimeError):
            get_current_user()


def test_helpers_outside_a_protected_view_raise(app: kolba.Kolba) -> None:
    with app.test_request_context():
        for helper in (get_jwt, get_jwt_header, get_current_user):
            with pytest.raises(RuntimeError):
                helper()


def test_token_in_blocklist_loader(app: kolba.Kolba) -> None:
    revoked: set[str] = set()
    manager(app).token_in_blocklist_loader(lambda header, data: data["jti"] in revoked)
    tok = token(app)
    assert status_and_body(app, tok)[0] == 200
    with app.app_context():
        revoked.add(decode_token(tok)["jti"])
    assert status_and_body(app, tok) == (401, {"msg": "Token has been revoked"})


def test_revoked_token_loader(app: kolba.Kolba) -> None:
    jwt_manager = manager(app)
    jwt_manager.token_in_blocklist_loader(lambda header, data: True)
    jwt_manager.revoked_token_loader(lambda header, data: (jsonify(revoked=data["type"]), 403))
    assert status_and_body(app, token(app)) == (403, {"revoked": "access"})


def test_skip_revocation_check(app: kolba.Kolba) -> None:
    manager(app).token_in_blocklist_loader(lambda header, data: True)

    @app.get("/unchecked")
    @jwt_required(skip_revocation_check=True)
    def unchecked() -> str:
        return "ok"

    assert status_and_body(app, token(app), "/unchecked")[0] == 200


def test_expired_token_loader_gets_the_claims(app: kolba.Kolba) -> None:
    manager(app).expired_token_loader(lambda header, data: (jsonify(expired=data["sub"]), 419))
    tok = token(app, expires_delta=datetime.timedelta(seconds=-1))
    assert status_and_body(app, tok) == (419, {"expired": "alice"})


def test_invalid_token_loader(app: kolba.Kolba) -> None:
    manager(app).invalid_token_loader(lambda reason: (jsonify(invalid=reason), 400))
    assert status_and_body(app, "a.b.c")[0] == 400


def test_unauthorized_loader(app: kolba.Kolba) -> None:
    manager(app).unauthorized_loader(lambda reason: (jsonify(why=reason), 403))
    assert status_and_body(app, None) == (403, {"why": "Missing Authorization Header"})


def test_needs_fresh_token_loader(app: kolba.Kolba) -> None:
    manager(app).needs_fresh_token_loader(lambda header, data: (jsonify(fresh=False), 403))

    @app.get("/fresh")
    @jwt_required(fresh=True)
    def fresh() -> str:
        return "ok"

    assert status_and_body(app, token(app), "/fresh") == (403, {"fresh": False})


def test_token_verification_loader_and_default_failure(app: kolba.Kolba) -> None:
    manager(app).token_verification_loader(lambda header, data: data.get("role") == "admin")
    assert status_and_body(app, token(app)) == (400, {"msg": "User claims verification failed"})
    tok = token(app, additional_claims={"role": "admin"})
    assert status_and_body(app, tok)[0] == 200


def test_token_verification_failed_loader(app: kolba.Kolba) -> None:
    jwt_manager = manager(app)
    jwt_manager.token_verification_loader(lambda header, data: False)
    jwt_manager.token_verification_failed_loader(lambda header, data: (jsonify(no=1), 403))
    assert status_and_body(app, token(app)) == (403, {"no": 1})


def test_encode_and_decode_key_loaders(app: kolba.Kolba) -> None:
    keys = {"alice": "alice-has-her-own-secret-that-is-long-enough"}
    jwt_manager = manager(app)
    jwt_manager.encode_key_loader(lambda identity: keys[identity])
    jwt_manager.decode_key_loader(lambda header, data: keys[data["sub"]])
    tok = token(app)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(tok, SECRET, algorithms=["HS256"])
    assert status_and_body(app, tok)[0] == 200


def test_context_processor_puts_current_user_in_templates() -> None:
    app = kolba.Kolba(__name__)
    app.config.update(TESTING=True, JWT_SECRET_KEY=SECRET)
    jwt_manager = JWTManager(app, add_context_processor=True)
    jwt_manager.user_lookup_loader(lambda header, data: data["sub"].upper())

    @app.get("/page")
    @jwt_required()
    def page() -> str:
        return kolba.render_template_string("hi {{ current_user }}")

    response = app.test_client().get("/page", headers=bearer(token(app)))
    assert response.text == "hi ALICE"


def test_refresh_token_carries_type_and_no_freshness(app: kolba.Kolba) -> None:
    with app.app_context():
        data = decode_token(create_refresh_token("alice"))
    assert data["type"] == "refresh" and data["fresh"] is False and data["jti"]


def test_manager_for_one_app_does_not_answer_for_another() -> None:
    first, second = create_app(), kolba.Kolba("plain")
    second.config["TESTING"] = True

    @second.get("/x")
    def x() -> str:
        raise jwt.DecodeError("not handled here")

    with pytest.raises(jwt.DecodeError):
        second.test_client().get("/x")
    assert first.test_client().get("/protected").status_code == 401
