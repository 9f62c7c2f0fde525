"""Finding the token in each location: headers, cookies with double-submit CSRF, the query
string and the JSON body, and the messages when it is missing or malformed."""

from __future__ import annotations

import pytest
from conftest import bearer
from jwt_app import create_app

import kolba
from kolba_jwt import create_access_token, get_csrf_token, get_jwt_request_location, jwt_required


def token_for(app: kolba.Kolba, user: str = "alice") -> str:
    with app.app_context():
        return create_access_token(user)


def add_location_view(app: kolba.Kolba) -> None:
    @app.route("/where", methods=["GET", "POST"])
    @jwt_required()
    def where() -> dict[str, str | None]:
        return {"location": get_jwt_request_location()}


def test_header_token_is_accepted(app: kolba.Kolba) -> None:
    response = app.test_client().get("/protected", headers=bearer(token_for(app)))
    assert response.status_code == 200
    assert response.json == {"user": "alice"}


def test_missing_header_is_401_with_upstream_message(app: kolba.Kolba) -> None:
    response = app.test_client().get("/protected")
    assert response.status_code == 401
    assert response.json == {"msg": "Missing Authorization Header"}


def test_header_without_bearer_type_is_401(app: kolba.Kolba) -> None:
    response = app.test_client().get("/protected", headers={"Authorization": token_for(app)})
    assert response.status_code == 401
    assert "Missing 'Bearer' type" in response.json["msg"]


def test_header_with_extra_parts_is_422(app: kolba.Kolba) -> None:
    headers = {"Authorization": f"Bearer {token_for(app)} extra"}
    response = app.test_client().get("/protected", headers=headers)
    assert response.status_code == 422
    assert response.json == {
        "msg": "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'"
    }


def test_token_is_found_among_comma_separated_credentials(app: kolba.Kolba) -> None:
    headers = {"Authorization": f"Basic Zm9vOmJhcg==, Bearer {token_for(app)}"}
    assert app.test_client().get("/protected", headers=headers).status_code == 200


def test_custom_header_name_and_empty_type() -> None:
    app = create_app(JWT_HEADER_NAME="X-Token", JWT_HEADER_TYPE="")
    response = app.test_client().get("/protected", headers={"X-Token": token_for(app)})
    assert response.status_code == 200


def test_garbage_token_is_422(app: kolba.Kolba) -> None:
    response = app.test_client().get("/protected", headers=bearer("not-a-token"))
    assert response.status_code == 422
    assert response.json["msg"]


def cookie_app(**config: object) -> kolba.Kolba:
    return create_app(JWT_TOKEN_LOCATION=["cookies"], **config)


def test_login_sets_httponly_secure_lax_cookies() -> None:
    app = cookie_app()
    response = app.test_client().post("/login")
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    access = cookies["access_token_cookie"]
    assert "HttpOnly" in access and "Secure" in access and "SameSite=Lax" in access
    csrf = cookies["csrf_access_token"]
    assert "HttpOnly" not in csrf and "Secure" in csrf


def test_cookie_token_is_accepted_for_get_without_csrf() -> None:
    app = cookie_app()
    client = app.test_client()
    client.post("/login")
    response = client.get("/protected")
    assert response.status_code == 200


def test_cookie_post_without_csrf_header_is_401() -> None:
    app = cookie_app()
    client = app.test_client()
    client.post("/login")
    response = client.post("/protected")
    assert response.status_code == 401
    assert response.json == {"msg": "Missing CSRF token"}


def test_cookie_post_with_matching_csrf_header_passes() -> None:
    app = cookie_app()
    client = app.test_client()
    client.post("/login")
    csrf = client.get_cookie("csrf_access_token")
    assert csrf is not None
    response = client.post("/protected", headers={"X-CSRF-TOKEN": csrf.value})
    assert response.status_code == 200


def test_cookie_post_with_wrong_csrf_value_is_401() -> None:
    app = cookie_app()
    client = app.test_client()
    client.post("/login")
    response = client.post("/protected", headers={"X-CSRF-TOKEN": "forged"})
    assert response.status_code == 401
    assert response.json == {"msg": "CSRF double submit tokens do not match"}


def test_csrf_value_from_form_field_when_enabled() -> None:
    app = cookie_app(JWT_CSRF_CHECK_FORM=True)
    client = app.test_client()
    client.post("/login")
    csrf = client.get_cookie("csrf_access_token")
    assert csrf is not None
    response = client.post("/protected", data={"csrf_token": csrf.value})
    assert response.status_code == 200


def test_csrf_value_is_the_tokens_csrf_claim() -> None:
    app = cookie_app()
    client = app.test_client()
    client.post("/login")
    access, csrf = client.get_cookie("access_token_cookie"), client.get_cookie("csrf_access_token")
    assert access is not None and csrf is not None
    with app.app_context():
        assert get_csrf_token(access.value) == csrf.value


def test_missing_cookie_is_401() -> None:
    response = cookie_app().test_client().get("/protected")
    assert response.status_code == 401
    assert response.json == {"msg": 'Missing cookie "access_token_cookie"'}


def test_query_string_token_is_accepted() -> None:
    app = create_app(JWT_TOKEN_LOCATION="query_string")
    response = app.test_client().get("/protected", query_string={"jwt": token_for(app)})
    assert response.status_code == 200


def test_query_string_prefix_is_required() -> None:
    app = create_app(JWT_TOKEN_LOCATION="query_string", JWT_QUERY_STRING_VALUE_PREFIX="Bearer ")
    client = app.test_client()
    assert client.get("/protected", query_string={"jwt": token_for(app)}).status_code == 422
    ok = client.get("/protected", query_string={"jwt": "Bearer " + token_for(app)})
    assert ok.status_code == 200


def test_missing_query_parameter_is_401() -> None:
    response = create_app(JWT_TOKEN_LOCATION="query_string").test_client().get("/protected")
    assert response.status_code == 401
    assert response.json == {"msg": "Missing 'jwt' query paramater"}


def test_json_body_token_is_accepted() -> None:
    app = create_app(JWT_TOKEN_LOCATION="json")
    response = app.test_client().post("/protected", json={"access_token": token_for(app)})
    assert response.status_code == 200


def test_json_location_needs_json_content_type() -> None:
    app = create_app(JWT_TOKEN_LOCATION="json")
    response = app.test_client().post("/protected", data={"access_token": token_for(app)})
    assert response.status_code == 401
    assert response.json == {"msg": "Invalid content-type. Must be application/json."}


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'{"access_token": 5}'])
def test_unusable_json_body_is_401_not_500(body: bytes) -> None:
    app = create_app(JWT_TOKEN_LOCATION="json")
    response = app.test_client().post("/protected", data=body, content_type="application/json")
    assert response.status_code == 401
    assert response.json == {"msg": 'Missing "access_token" key in json data.'}


def test_missing_everywhere_names_every_location() -> None:
    app = create_app(JWT_TOKEN_LOCATION=["headers", "cookies", "query_string"])
    response = app.test_client().get("/protected")
    assert response.status_code == 401
    assert response.json["msg"].startswith("Missing JWT in headers, cookies or query_string (")


@pytest.mark.parametrize(
    ("location", "kwargs"),
    [
        ("headers", {"headers": {"Authorization": "Bearer {t}"}}),
        ("query_string", {"query_string": {"jwt": "{t}"}}),
        ("json", {"json": {"access_token": "{t}"}}),
    ],
)
def test_request_location_is_reported(location: str, kwargs: dict[str, dict[str, str]]) -> None:
    app = create_app(JWT_TOKEN_LOCATION=["headers", "cookies", "query_string", "json"])
    add_location_view(app)
    token = token_for(app)
    filled = {k: {n: v.format(t=token) for n, v in d.items()} for k, d in kwargs.items()}
    response = app.test_client().post("/where", **filled)  # type: ignore[arg-type]
    assert response.json == {"location": location}


def test_cookie_location_is_reported() -> None:
    app = create_app(JWT_TOKEN_LOCATION=["headers", "cookies"])
    add_location_view(app)
    client = app.test_client()
    client.post("/login")
    assert client.get("/where").json == {"location": "cookies"}


def test_per_view_locations_override_config(app: kolba.Kolba) -> None:
    @app.get("/qs-only")
    @jwt_required(locations="query_string")
    def qs_only() -> str:
        return "ok"

    client = app.test_client()
    assert client.get("/qs-only", headers=bearer(token_for(app))).status_code == 401
    assert client.get("/qs-only", query_string={"jwt": token_for(app)}).status_code == 200


def test_options_requests_are_exempt(app: kolba.Kolba) -> None:
    assert app.test_client().options("/protected").status_code == 200
