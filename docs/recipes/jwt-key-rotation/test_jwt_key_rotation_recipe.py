"""Tests for the key rotation recipe."""

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt_key_rotation_recipe import create_app, load_keys, rotate


def new_pem():
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.fixture
def keys():
    return load_keys({"2026-01": new_pem()})


@pytest.fixture
def client(keys):
    return create_app(keys, {"TESTING": True}).test_client()


def log_in(client):
    return client.post("/login", json={"username": "ann"}).json["access_token"]


def me(client, token):
    return client.get("/me", headers={"Authorization": f"Bearer {token}"})


def test_tokens_name_the_key_that_signed_them(client):
    assert jwt.get_unverified_header(log_in(client))["kid"] == "2026-01"


def test_after_rotation_new_tokens_use_the_new_key_and_old_ones_still_work(keys, client):
    old = log_in(client)
    rotate(keys, "2026-06", new_pem())
    new = log_in(client)
    assert jwt.get_unverified_header(new)["kid"] == "2026-06"
    assert me(client, old).status_code == 200
    assert me(client, new).status_code == 200


def test_retired_key_no_longer_verifies(keys, client):
    old = log_in(client)
    rotate(keys, "2026-06", new_pem(), retire="2026-01")
    assert me(client, old).status_code == 422


def test_another_service_verifies_with_the_jwks(keys, client):
    rotate(keys, "2026-06", new_pem())
    document = client.get("/.well-known/jwks.json").json
    assert [k["kid"] for k in document["keys"]] == ["2026-01", "2026-06"]
    assert all("d" not in k for k in document["keys"])  # public halves only
    token = log_in(client)
    public = jwt.PyJWKSet.from_dict(document)[jwt.get_unverified_header(token)["kid"]]
    assert jwt.decode(token, public.key, algorithms=["ES256"])["sub"] == "ann"
