"""Token checks: expiry, freshness, access versus refresh, and the safe defaults (no ``alg:
none``, no HMAC/RSA confusion, numeric ``exp``, audience, issuer, leeway, ``crit``)."""

from __future__ import annotations

import base64
import datetime
import json
import time

import jwt
import pytest
from conftest import bearer, hmac_signed
from jwt_app import SECRET, create_app

import kolba
from kolba_jwt import (
    create_access_token,
    create_refresh_token,
    decode_token,
    get_jwt,
    get_unverified_jwt_headers,
    jwt_required,
)


def sign(
    claims: dict[str, object], key: str = SECRET, alg: str = "HS256", **headers: object
) -> str:
    return jwt.encode(claims, key, algorithm=alg, headers=headers or None)


def raw_token(header: dict[str, object], claims: dict[str, object]) -> str:
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(claims)}."


def claims(**extra: object) -> dict[str, object]:
    now = int(time.time())
    return {"sub": "alice", "iat": now, "exp": now + 60, "type": "access", **extra}


def get(app: kolba.Kolba, token: str, path: str = "/protected") -> tuple[int, object]:
    response = app.test_client().get(path, headers=bearer(token))
    return response.status_code, response.json


def test_expired_token_is_401(app: kolba.Kolba) -> None:
    with app.app_context():
        token = create_access_token("alice", expires_delta=datetime.timedelta(seconds=-1))
    assert get(app, token) == (401, {"msg": "Token has expired"})


def test_leeway_accepts_a_recently_expired_token() -> None:
    app = create_app(JWT_DECODE_LEEWAY=30)
    with app.app_context():
        token = create_access_token("alice", expires_delta=datetime.timedelta(seconds=-5))
    assert get(app, token)[0] == 200


def test_token_that_never_expires_has_no_exp(app: kolba.Kolba) -> None:
    with app.app_context():
        data = decode_token(create_access_token("alice", expires_delta=False))
    assert "exp" not in data


def test_decode_token_allow_expired(app: kolba.Kolba) -> None:
    with app.app_context():
        token = create_access_token("alice", expires_delta=datetime.timedelta(seconds=-1))
        with pytest.raises(jwt.ExpiredSignatureError):
            decode_token(token)
        assert decode_token(token, allow_expired=True)["sub"] == "alice"


def add_fresh_view(app: kolba.Kolba) -> None:
    @app.get("/fresh")
    @jwt_required(fresh=True)
    def fresh_view() -> str:
        return "fresh"


@pytest.mark.parametrize(
    ("fresh", "status"),
    [(True, 200), (False, 401), (datetime.timedelta(minutes=5), 200),
     (datetime.timedelta(seconds=-1), 401)],
)  # fmt: skip
def test_freshness(app: kolba.Kolba, fresh: object, status: int) -> None:
    add_fresh_view(app)
    with app.app_context():
        token = create_access_token("alice", fresh=fresh)  # type: ignore[arg-type]
    code, body = get(app, token, "/fresh")
    assert code == status
    if status == 401:
        assert body == {"msg": "Fresh token required"}


def test_refresh_token_used_as_access_is_422(app: kolba.Kolba) -> None:
    with app.app_context():
        token = create_refresh_token("alice")
    assert get(app, token) == (422, {"msg": "Only non-refresh tokens are allowed"})


def test_access_token_used_as_refresh_is_422(app: kolba.Kolba) -> None:
    @app.post("/plain-refresh")
    @jwt_required(refresh=True)
    def plain_refresh() -> str:
        return "ok"

    with app.app_context():
        token = create_access_token("alice")
    response = app.test_client().post("/plain-refresh", headers=bearer(token))
    assert response.status_code == 422
    assert response.json == {"msg": "Only refresh tokens are allowed"}


def test_verify_type_false_accepts_both(app: kolba.Kolba) -> None:
    @app.get("/any")
    @jwt_required(verify_type=False)
    def any_type() -> dict[str, object]:
        return {"type": get_jwt()["type"]}

    with app.app_context():
        refresh = create_refresh_token("alice")
    assert get(app, refresh, "/any") == (200, {"type": "refresh"})


def test_optional_view_without_token(app: kolba.Kolba) -> None:
    @app.get("/maybe")
    @jwt_required(optional=True)
    def maybe() -> dict[str, object]:
        return {"claims": get_jwt()}

    assert app.test_client().get("/maybe").json == {"claims": {}}
    assert app.test_client().get("/maybe", headers=bearer("bad")).status_code == 422


def test_async_view_is_protected(app: kolba.Kolba) -> None:
    @app.get("/async")
    @jwt_required()
    async def async_view() -> dict[str, object]:
        return {"sub": get_jwt()["sub"]}

    with app.app_context():
        token = create_access_token("alice")
    assert get(app, token, "/async") == (200, {"sub": "alice"})
    assert app.test_client().get("/async").status_code == 401


def test_alg_none_is_rejected(app: kolba.Kolba) -> None:
    token = raw_token({"alg": "none", "typ": "JWT"}, claims())
    code, body = get(app, token)
    assert code == 422
    assert "alg" in str(body)


def test_alg_none_cannot_be_configured() -> None:
    with pytest.raises(kolba.ConfigError, match="JWT_ALGORITHM"):
        create_app(JWT_ALGORITHM="none")
    with pytest.raises(kolba.ConfigError, match="JWT_DECODE_ALGORITHMS"):
        create_app(JWT_DECODE_ALGORITHMS=["HS256", "none"])


def test_hmac_token_signed_with_the_rsa_public_key_is_rejected(rsa_pem: tuple[str, str]) -> None:
    private, public = rsa_pem
    app = create_app(JWT_ALGORITHM="RS256", JWT_PRIVATE_KEY=private, JWT_PUBLIC_KEY=public)
    # The classic confusion attack: HS256 with the (public) RSA key as the HMAC secret.
    token = hmac_signed(public.encode(), claims())
    assert get(app, token) == (422, {"msg": "The specified alg value is not allowed"})


def test_mixing_hmac_and_rsa_algorithms_is_a_config_error() -> None:
    with pytest.raises(kolba.ConfigError, match="JWT_DECODE_ALGORITHMS"):
        create_app(JWT_DECODE_ALGORITHMS=["HS256", "RS256"])


def test_rsa_tokens_verify(rsa_pem: tuple[str, str]) -> None:
    private, public = rsa_pem
    app = create_app(JWT_ALGORITHM="RS256", JWT_PRIVATE_KEY=private, JWT_PUBLIC_KEY=public)
    with app.app_context():
        token = create_access_token("alice")
    assert get_unverified_jwt_headers(token)["alg"] == "RS256"
    assert get(app, token)[0] == 200


@pytest.mark.parametrize("exp", ["tomorrow", None, [1]])
def test_non_numeric_exp_is_invalid(app: kolba.Kolba, exp: object) -> None:
    code, body = get(app, sign(claims(exp=exp)))
    assert code == 422
    assert "exp" in str(body)


def test_unknown_crit_header_is_rejected(app: kolba.Kolba) -> None:
    token = sign(claims(), crit=["x-must-understand"], **{"x-must-understand": 1})
    code, _ = get(app, token)
    assert code == 422


def test_audience_is_checked() -> None:
    app = create_app(JWT_ENCODE_AUDIENCE="api", JWT_DECODE_AUDIENCE="api")
    with app.app_context():
        token = create_access_token("alice")
    assert get(app, token)[0] == 200
    assert get(app, sign(claims(aud="other")))[0] == 422
    assert get(app, sign(claims())) == (422, {"msg": 'Token is missing the "aud" claim'})


def test_issuer_is_checked() -> None:
    app = create_app(JWT_ENCODE_ISSUER="me", JWT_DECODE_ISSUER="me")
    with app.app_context():
        token = create_access_token("alice")
    assert get(app, token)[0] == 200
    assert get(app, sign(claims(iss="someone-else"))) == (422, {"msg": "Invalid issuer"})


def test_wrong_signature_is_422(app: kolba.Kolba) -> None:
    token = sign(claims(), key="another-secret-that-is-long-enough-to-use")
    assert get(app, token) == (422, {"msg": "Signature verification failed"})


def test_token_without_identity_claim_is_422(app: kolba.Kolba) -> None:
    token = sign({"exp": int(time.time()) + 60})
    assert get(app, token) == (422, {"msg": "Missing claim: sub"})


def test_non_string_sub_is_422_unless_disabled() -> None:
    strict = create_app()
    assert get(strict, sign(claims(sub=1)))[0] == 422
    lenient = create_app(JWT_VERIFY_SUB=False)
    assert get(lenient, sign(claims(sub=1)))[0] == 200


def test_custom_error_message_key() -> None:
    app = create_app(JWT_ERROR_MESSAGE_KEY="error")
    assert app.test_client().get("/protected").json == {"error": "Missing Authorization Header"}


def test_apps_own_error_handler_wins(app: kolba.Kolba) -> None:
    from kolba_jwt.exceptions import NoAuthorizationError

    @app.errorhandler(NoAuthorizationError)
    def mine(e: Exception) -> tuple[str, int]:
        return "log in first", 403

    response = app.test_client().get("/protected")
    assert (response.status_code, response.text) == (403, "log in first")


@pytest.mark.parametrize(
    ("key", "value"),
    [("JWT_TOKEN_LOCATION", ["headers", "carrier-pigeon"]), ("JWT_ACCESS_TOKEN_EXPIRES", "1h"),
     ("JWT_COOKIE_SAMESITE", "lax-ish"), ("JWT_KEYS", {"kid": "k"}), ("JWT_ALGORITHM", "HS257")],
)  # fmt: skip
def test_bad_config_names_the_key(key: str, value: object) -> None:
    with pytest.raises(kolba.ConfigError, match=key):
        create_app(**{key: value})


def test_missing_secret_names_the_keys() -> None:
    app = create_app(JWT_SECRET_KEY=None, SECRET_KEY=None)
    with app.app_context(), pytest.raises(RuntimeError, match="JWT_SECRET_KEY"):
        create_access_token("alice")


def test_config_changed_after_init_app_takes_effect(app: kolba.Kolba) -> None:
    app.config["JWT_HEADER_TYPE"] = "Token"
    with app.app_context():
        token = create_access_token("alice")
    response = app.test_client().get("/protected", headers={"Authorization": f"Token {token}"})
    assert response.status_code == 200


def test_bad_value_set_after_init_app_raises_naming_the_key(app: kolba.Kolba) -> None:
    from kolba_jwt.config import config

    app.config["JWT_TOKEN_LOCATION"] = ["carrier-pigeon"]
    with app.app_context(), pytest.raises(RuntimeError, match="JWT_TOKEN_LOCATION"):
        assert config.token_location
