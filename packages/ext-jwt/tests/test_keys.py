"""Key sets: sign with the newest key and its ``kid``, verify with any key by ``kid`` and
only with that key's algorithm; RS, ES and EdDSA; the JWKS document."""

from __future__ import annotations

import jwt
import pytest
from conftest import bearer, hmac_signed, pem_pair
from jwt_app import SECRET, create_app

import kolba
from kolba_jwt import Key, KeySet, create_access_token, jwks_response

ALGORITHMS = {"rsa": "RS256", "ec": "ES256", "ed25519": "EdDSA"}


def issue(app: kolba.Kolba) -> str:
    with app.app_context():
        return create_access_token("alice")


def accepted(app: kolba.Kolba, token: str) -> int:
    return app.test_client().get("/protected", headers=bearer(token)).status_code


@pytest.mark.parametrize("kind", list(ALGORITHMS))
def test_each_key_type_signs_and_verifies(kind: str) -> None:
    private, _ = pem_pair(kind)
    app = create_app(JWT_KEYS=KeySet([Key("k1", ALGORITHMS[kind], private)]))
    token = issue(app)
    header = jwt.get_unverified_header(token)
    assert header["kid"] == "k1" and header["alg"] == ALGORITHMS[kind]
    assert accepted(app, token) == 200


def test_rotation_signs_with_the_newest_and_verifies_the_old() -> None:
    keys = KeySet([Key("2026-01", "ES256", pem_pair("ec")[0])])
    app = create_app(JWT_KEYS=keys)
    old = issue(app)
    keys.add(Key("2026-06", "ES256", pem_pair("ec")[0]))
    new = issue(app)
    assert jwt.get_unverified_header(new)["kid"] == "2026-06"
    assert accepted(app, old) == 200 and accepted(app, new) == 200
    keys.remove("2026-01")
    assert accepted(app, old) == 422
    assert accepted(app, new) == 200


def test_public_only_key_verifies_but_does_not_sign() -> None:
    private, public = pem_pair("rsa")
    signer = create_app(JWT_KEYS=KeySet([Key("a", "RS256", private)]))
    verifier = create_app(JWT_KEYS=KeySet([Key("a", "RS256", public)]))
    assert accepted(verifier, issue(signer)) == 200
    with verifier.app_context(), pytest.raises(RuntimeError, match="no key that can sign"):
        create_access_token("alice")


def test_unknown_kid_is_422() -> None:
    app = create_app(JWT_KEYS=KeySet([Key("a", "HS256", SECRET)]))
    token = jwt.encode({"sub": "alice"}, SECRET, algorithm="HS256", headers={"kid": "zzz"})
    response = app.test_client().get("/protected", headers=bearer(token))
    assert response.status_code == 422
    assert response.json == {"msg": "The token's kid names no key of this app"}


def test_a_key_accepts_only_its_own_algorithm() -> None:
    private, public = pem_pair("rsa")
    app = create_app(JWT_KEYS=KeySet([Key("a", "RS256", private)]))
    # Same key, another RSA algorithm: refused, the allow-list is per key.
    token = jwt.encode({"sub": "alice"}, private, algorithm="RS512", headers={"kid": "a"})
    assert accepted(app, token) == 422
    # HMAC with the public key as secret (key confusion): refused.
    confused = hmac_signed(public.encode(), {"sub": "alice"}, kid="a")
    assert accepted(app, confused) == 422


def test_key_checks_its_algorithm_and_material() -> None:
    with pytest.raises(ValueError, match="unsafe algorithm"):
        Key("a", "none", "x")
    with pytest.raises(ValueError, match="not a RS256 key"):
        Key("a", "RS256", "not a pem")
    with pytest.raises(ValueError, match="already has"):
        KeySet([Key("a", "HS256", SECRET), Key("a", "HS256", SECRET)])


def test_jwks_lists_public_keys_only() -> None:
    rsa_private, _ = pem_pair("rsa")
    ed_private, _ = pem_pair("ed25519")
    keys = KeySet(
        [Key("r", "RS256", rsa_private), Key("e", "EdDSA", ed_private), Key("h", "HS256", SECRET)]
    )
    document = keys.jwks()
    assert [k["kid"] for k in document["keys"]] == ["r", "e"]
    rsa_jwk = document["keys"][0]
    assert rsa_jwk["kty"] == "RSA" and rsa_jwk["alg"] == "RS256" and "d" not in rsa_jwk
    assert document["keys"][1]["kty"] == "OKP" and "d" not in document["keys"][1]


def test_jwks_document_verifies_tokens_for_another_service() -> None:
    keys = KeySet([Key("r", "RS256", pem_pair("rsa")[0])])
    app = create_app(JWT_KEYS=keys)
    app.add_url_rule("/.well-known/jwks.json", "jwks", jwks_response)
    response = app.test_client().get("/.well-known/jwks.json")
    assert response.mimetype == "application/jwk-set+json"
    token = issue(app)
    jwk_set = jwt.PyJWKSet.from_dict(response.json)
    public = jwk_set[jwt.get_unverified_header(token)["kid"]]
    assert jwt.decode(token, public.key, algorithms=["RS256"])["sub"] == "alice"


def test_empty_key_set_is_a_config_error() -> None:
    with pytest.raises(kolba.ConfigError, match="JWT_KEYS"):
        create_app(JWT_KEYS=KeySet())
