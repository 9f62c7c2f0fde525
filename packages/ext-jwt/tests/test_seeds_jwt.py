"""Seed 000's JWT section: a token made with PyJWT with a 10 second expiry, checked in a view
that tells an expired token from a bad signature. It runs on kolba with ``flask`` renamed, and
the same API written with kolba_jwt gives the same answers."""

from __future__ import annotations

import datetime
import typing as t
import warnings

import jwt
import pytest

from kolba import Kolba, request
from kolba_jwt import JWTManager, create_access_token, jwt_required

SecretKey = "liuyuyang"


@pytest.fixture(autouse=True)
def short_keys_are_the_tutorials_choice() -> t.Iterator[None]:
    # The seed signs with a 9-byte secret and passes PyJWT 1's verify=; PyJWT warns about
    # both, and the tutorial ignores the warnings.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
        warnings.filterwarnings("ignore", "The `verify` argument", DeprecationWarning)
        yield


def CreateToken(seconds: int = 10) -> str:
    headers = {"typ": "jwt", "alg": "HS256"}
    payload = {
        "id": 1,
        "username": "liuyuyang1024",
        "exp": datetime.datetime.utcnow() + datetime.timedelta(seconds=seconds),
    }
    return jwt.encode(payload=payload, key=SecretKey, algorithm="HS256", headers=headers)


@pytest.fixture
def seed_app() -> Kolba:
    app = Kolba(__name__)

    @app.route("/token")
    def Home() -> str:
        return CreateToken()

    @app.route("/admin", methods=["GET", "POST"])
    def Login() -> dict[str, str]:
        data = request.get_json()
        token = data["token"]
        try:
            jwt.decode(token, key=SecretKey, algorithms=["HS256"], verify=False)
            return {"message": "登录成功", "Token": token}
        except jwt.exceptions.ExpiredSignatureError:
            return {"message": "Token 已过期"}
        except jwt.exceptions.InvalidSignatureError:
            return {"message": "Token 认证失败"}

    return app


def test_seed_token_logs_in(seed_app: Kolba) -> None:
    client = seed_app.test_client()
    token = client.get("/token").text
    assert client.post("/admin", json={"token": token}).json["message"] == "登录成功"


def test_seed_expired_token_is_told_apart(seed_app: Kolba) -> None:
    response = seed_app.test_client().post("/admin", json={"token": CreateToken(-1)})
    assert response.json == {"message": "Token 已过期"}


def test_seed_bad_signature_is_told_apart(seed_app: Kolba) -> None:
    forged = jwt.encode({"id": 1}, "not-the-key", algorithm="HS256")
    response = seed_app.test_client().post("/admin", json={"token": forged})
    assert response.json == {"message": "Token 认证失败"}


def test_same_api_with_kolba_jwt() -> None:
    app = Kolba(__name__)
    app.config.update(JWT_SECRET_KEY=SecretKey, JWT_TOKEN_LOCATION=["json"], JWT_JSON_KEY="token")
    JWTManager(app)

    @app.route("/admin", methods=["POST"])
    @jwt_required()
    def admin() -> dict[str, str]:
        return {"message": "登录成功"}

    client = app.test_client()
    with app.app_context():
        good = create_access_token("1", expires_delta=datetime.timedelta(seconds=10))
        old = create_access_token("1", expires_delta=datetime.timedelta(seconds=-1))
    assert client.post("/admin", json={"token": good}).json == {"message": "登录成功"}
    assert client.post("/admin", json={"token": old}).json == {"msg": "Token has expired"}
    forged = jwt.encode({"sub": "1"}, "not-the-key", algorithm="HS256")
    response = client.post("/admin", json={"token": forged})
    assert (response.status_code, response.json) == (422, {"msg": "Signature verification failed"})
