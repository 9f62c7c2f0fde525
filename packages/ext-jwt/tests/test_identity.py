"""The caller's identity reaches the core's ``kolba_identify`` hook, so ``kolba.get_identity``
and other extensions see who is calling, in protected views and elsewhere."""

from __future__ import annotations

from conftest import bearer

import kolba
from kolba_jwt import create_access_token, create_refresh_token


def add_whoami(app: kolba.Kolba) -> None:
    @app.get("/whoami")
    def whoami() -> dict[str, object]:
        return {"identity": kolba.get_identity()}


def test_identity_from_a_valid_token_in_an_unprotected_view(app: kolba.Kolba) -> None:
    add_whoami(app)
    with app.app_context():
        token = create_access_token("alice")
    response = app.test_client().get("/whoami", headers=bearer(token))
    assert response.json == {"identity": "alice"}


def test_no_or_bad_token_is_no_identity(app: kolba.Kolba) -> None:
    add_whoami(app)
    client = app.test_client()
    assert client.get("/whoami").json == {"identity": None}
    assert client.get("/whoami", headers=bearer("forged")).json == {"identity": None}


def test_refresh_token_is_no_identity_for_other_views(app: kolba.Kolba) -> None:
    add_whoami(app)
    with app.app_context():
        token = create_refresh_token("alice")
    assert app.test_client().get("/whoami", headers=bearer(token)).json == {"identity": None}


def test_identity_inside_a_protected_view(app: kolba.Kolba) -> None:
    from kolba_jwt import jwt_required

    @app.get("/mine")
    @jwt_required()
    def mine() -> dict[str, object]:
        return {"identity": kolba.get_identity()}

    with app.app_context():
        token = create_access_token("bob")
    assert app.test_client().get("/mine", headers=bearer(token)).json == {"identity": "bob"}
