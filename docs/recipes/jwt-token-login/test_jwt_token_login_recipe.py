"""Tests for the token login recipe."""

import datetime

import pytest
from jwt_token_login_recipe import create_app

from kolba_jwt import create_access_token


@pytest.fixture
def app():
    return create_app({"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


def get_token(client):
    response = client.post(
        "/token", json={"username": "liuyuyang1024", "password": "correct horse"}
    )
    assert response.status_code == 200
    return response.json["token"]


def test_token_in_header_reaches_admin(client):
    token = get_token(client)
    response = client.get("/admin", headers={"Authorization": f"Bearer {token}"})
    assert response.json == {"message": "Logged in", "username": "liuyuyang1024", "id": 1}


def test_token_in_json_body_reaches_admin(client):
    response = client.post("/admin", json={"token": get_token(client)})
    assert response.status_code == 200


def test_wrong_password_gets_no_token(client):
    response = client.post("/token", json={"username": "liuyuyang1024", "password": "guess"})
    assert response.status_code == 401


def test_login_without_json_is_400(client):
    assert client.post("/token", data="x").status_code == 400


def test_expired_token_is_told_apart_from_an_invalid_one(app, client):
    with app.app_context():
        expired = create_access_token("liuyuyang1024", expires_delta=datetime.timedelta(seconds=-1))
    response = client.get("/admin", headers={"Authorization": f"Bearer {expired}"})
    assert (response.status_code, response.json) == (401, {"message": "Token has expired"})
    tampered = get_token(client)[:-2] + "xx"
    response = client.get("/admin", headers={"Authorization": f"Bearer {tampered}"})
    assert response.status_code == 422
    assert response.json["message"].startswith("Token is invalid")


def test_no_token_is_401(client):
    assert client.get("/admin").status_code == 401
