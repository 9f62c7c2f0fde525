"""Setting and clearing the token cookies: their attributes, the CSRF cookies, and the
settings that change them."""

from __future__ import annotations

import typing as t

from jwt_app import create_app

import kolba
from kolba_jwt import (
    create_access_token,
    create_refresh_token,
    get_jti,
    set_access_cookies,
    set_refresh_cookies,
    unset_access_cookies,
    unset_jwt_cookies,
    unset_refresh_cookies,
)


def cookies_of(app: kolba.Kolba, fill: t.Callable[[kolba.Response], None]) -> dict[str, str]:
    with app.test_request_context():
        response = app.make_response("ok")
        fill(response)
    return {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}


def set_both(response: kolba.Response) -> None:
    set_access_cookies(response, create_access_token("alice"))
    set_refresh_cookies(response, create_refresh_token("alice"))


def test_four_cookies_with_safe_defaults() -> None:
    cookies = cookies_of(create_app(), set_both)
    assert set(cookies) == {
        "access_token_cookie", "refresh_token_cookie", "csrf_access_token", "csrf_refresh_token",
    }  # fmt: skip
    for name, header in cookies.items():
        assert "Secure" in header and "SameSite=Lax" in header and "Path=/" in header
        assert ("HttpOnly" in header) is name.endswith("_cookie")
        assert "Max-Age" not in header  # browser-session cookies by default


def test_persistent_cookies_when_session_cookie_is_off() -> None:
    cookies = cookies_of(create_app(JWT_SESSION_COOKIE=False), set_both)
    assert "Max-Age=31540000" in cookies["access_token_cookie"]


def test_max_age_and_domain_arguments_win() -> None:
    def fill(response: kolba.Response) -> None:
        set_access_cookies(response, create_access_token("a"), max_age=60, domain="example.com")

    cookies = cookies_of(create_app(JWT_COOKIE_DOMAIN="other.example"), fill)
    assert "Max-Age=60" in cookies["access_token_cookie"]
    assert "Domain=example.com" in cookies["access_token_cookie"]


def test_configured_names_paths_and_flags() -> None:
    app = create_app(
        JWT_ACCESS_COOKIE_NAME="at", JWT_ACCESS_COOKIE_PATH="/api/", JWT_COOKIE_SECURE=False,
        JWT_COOKIE_SAMESITE="Strict", JWT_ACCESS_CSRF_COOKIE_NAME="at_csrf",
        JWT_ACCESS_CSRF_COOKIE_PATH="/",
    )  # fmt: skip
    cookies = cookies_of(app, lambda r: set_access_cookies(r, create_access_token("a")))
    assert "Path=/api/" in cookies["at"] and "Secure" not in cookies["at"]
    assert "SameSite=Strict" in cookies["at"] and "at_csrf" in cookies


def test_samesite_none_value_omits_the_attribute() -> None:
    cookies = cookies_of(
        create_app(JWT_COOKIE_SAMESITE=None),
        lambda r: set_access_cookies(r, create_access_token("a")),
    )
    assert "SameSite" not in cookies["access_token_cookie"]


def test_no_csrf_cookies_when_csrf_is_off_or_kept_out_of_cookies() -> None:
    for config in ({"JWT_COOKIE_CSRF_PROTECT": False}, {"JWT_CSRF_IN_COOKIES": False}):
        cookies = cookies_of(create_app(**config), set_both)  # type: ignore[arg-type]
        assert set(cookies) == {"access_token_cookie", "refresh_token_cookie"}


def test_unset_cookies_expire_them() -> None:
    app = create_app()
    cookies = cookies_of(app, unset_jwt_cookies)
    assert len(cookies) == 4
    assert all("Expires=Thu, 01 Jan 1970" in c for c in cookies.values())
    assert set(cookies_of(app, unset_access_cookies)) == {
        "access_token_cookie",
        "csrf_access_token",
    }
    assert set(cookies_of(app, unset_refresh_cookies)) == {
        "refresh_token_cookie",
        "csrf_refresh_token",
    }


def test_csrf_protection_off_lets_cookie_posts_through() -> None:
    app = create_app(JWT_TOKEN_LOCATION="cookies", JWT_COOKIE_CSRF_PROTECT=False)
    client = app.test_client()
    client.post("/login")
    assert client.post("/protected").status_code == 200


def test_csrf_methods_are_configurable() -> None:
    app = create_app(JWT_TOKEN_LOCATION="cookies", JWT_CSRF_METHODS=["GET"])
    client = app.test_client()
    client.post("/login")
    assert client.get("/protected").status_code == 401
    assert client.post("/protected").status_code == 200


def test_refresh_cookie_needs_its_own_csrf_value() -> None:
    app = create_app(JWT_TOKEN_LOCATION="cookies")
    client = app.test_client()
    client.post("/login")
    access_csrf = client.get_cookie("csrf_access_token")
    assert access_csrf is not None
    response = client.post("/refresh", headers={"X-CSRF-TOKEN": access_csrf.value})
    assert response.status_code == 401
    assert response.json == {"msg": "CSRF double submit tokens do not match"}


def test_get_jti_reads_the_token_id() -> None:
    app = create_app()
    with app.app_context():
        a, b = create_access_token("a"), create_access_token("a")
        assert get_jti(a) and get_jti(a) != get_jti(b)
