"""The public helpers: making and reading tokens, what the current request's token says, and
setting or clearing the token cookies on a response."""

from __future__ import annotations

import typing as t

import jwt
from werkzeug.local import LocalProxy

from kolba import Response, g

from .config import config
from .internal_utils import get_jwt_manager
from .typing import ExpiresDelta, Fresh

_NOT_PROTECTED = (
    "You must call `@jwt_required()` or `verify_jwt_in_request()` before using this method"
)


def get_jwt() -> dict[str, t.Any]:
    """The claims of the current request's token (``{}`` after ``optional=True`` without a
    token); ``RuntimeError`` outside a protected view."""
    data: dict[str, t.Any] | None = g.get("_kolba_jwt_data")
    if data is None:
        raise RuntimeError(_NOT_PROTECTED)
    return data


def get_jwt_header() -> dict[str, t.Any]:
    """The header of the current request's token (``{}`` when there is none)."""
    header: dict[str, t.Any] | None = g.get("_kolba_jwt_header")
    if header is None:
        raise RuntimeError(_NOT_PROTECTED)
    return header


def get_jwt_identity() -> t.Any:
    """The identity claim of the current request's token (``None`` when there is none)."""
    return get_jwt().get(config.identity_claim_key)


def get_jwt_request_location() -> str | None:
    """Where the current request's token was found: ``"headers"``, ``"cookies"``,
    ``"query_string"`` or ``"json"`` (``None`` when there is none)."""
    location: str | None = g.get("_kolba_jwt_location")
    return location


def get_current_user() -> t.Any:
    """The user the ``user_lookup_loader`` returned for the current token (``None`` after
    ``optional=True`` without a token); ``RuntimeError`` when no lookup loader is set."""
    user = g.get("_kolba_jwt_user")
    if user is None:
        raise RuntimeError(
            "You must provide a `@jwt.user_lookup_loader` callback to use this method"
        )
    return user["loaded_user"]


#: A proxy to :func:`get_current_user`.
current_user: t.Any = LocalProxy(get_current_user)


def decode_token(
    encoded_token: str, csrf_value: str | None = None, allow_expired: bool = False
) -> dict[str, t.Any]:
    """Verify a token and return its claims; raises PyJWT's or this extension's errors. The
    blocklist and the other request checks are not run."""
    return get_jwt_manager()._decode_jwt_from_config(encoded_token, csrf_value, allow_expired)


def create_access_token(
    identity: t.Any,
    fresh: Fresh = False,
    expires_delta: ExpiresDelta | None = None,
    additional_claims: dict[str, t.Any] | None = None,
    additional_headers: dict[str, t.Any] | None = None,
) -> str:
    """Make an access token for ``identity`` (turned into the ``sub`` claim by the
    ``user_identity_loader``; it must end up a string). ``fresh`` is a flag or how long the
    token stays fresh; ``expires_delta`` overrides ``JWT_ACCESS_TOKEN_EXPIRES`` (``False``:
    never expires)."""
    return get_jwt_manager()._encode_jwt_from_config(
        identity=identity,
        token_type="access",
        claims=additional_claims,
        fresh=fresh,
        expires_delta=expires_delta,
        headers=additional_headers,
    )


def create_refresh_token(
    identity: t.Any,
    expires_delta: ExpiresDelta | None = None,
    additional_claims: dict[str, t.Any] | None = None,
    additional_headers: dict[str, t.Any] | None = None,
) -> str:
    """Make a refresh token for ``identity``; ``expires_delta`` overrides
    ``JWT_REFRESH_TOKEN_EXPIRES``."""
    return get_jwt_manager()._encode_jwt_from_config(
        identity=identity,
        token_type="refresh",
        claims=additional_claims,
        fresh=False,
        expires_delta=expires_delta,
        headers=additional_headers,
    )


def get_unverified_jwt_headers(encoded_token: str) -> dict[str, t.Any]:
    """The header of a token, without verifying anything: do not trust it."""
    return jwt.get_unverified_header(encoded_token)


def get_jti(encoded_token: str) -> str | None:
    """The ``jti`` claim of a (verified) token."""
    jti: str | None = decode_token(encoded_token).get("jti")
    return jti


def get_csrf_token(encoded_token: str) -> str:
    """The double-submit CSRF value of a (verified) token."""
    csrf: str = decode_token(encoded_token)["csrf"]
    return csrf


def _set_token_cookies(
    response: Response,
    token: str,
    max_age: int | None,
    domain: str | None,
    name: str,
    path: str,
    csrf_name: str,
    csrf_path: str,
) -> None:
    common: dict[str, t.Any] = {
        "max_age": max_age or config.cookie_max_age,
        "secure": config.cookie_secure,
        "domain": domain or config.cookie_domain,
        "samesite": config.cookie_samesite,
    }
    response.set_cookie(name, value=token, httponly=True, path=path, **common)
    if config.cookie_csrf_protect and config.csrf_in_cookies:
        # Readable by the page's scripts, which send it back in the CSRF header.
        response.set_cookie(
            csrf_name, value=get_csrf_token(token), httponly=False, path=csrf_path, **common
        )


def set_access_cookies(
    response: Response, encoded_access_token: str, max_age: int | None = None,
    domain: str | None = None,
) -> None:  # fmt: skip
    """Put an access token in its HttpOnly cookie (and its CSRF value in a readable one)."""
    _set_token_cookies(
        response, encoded_access_token, max_age, domain, config.access_cookie_name,
        config.access_cookie_path, config.access_csrf_cookie_name, config.access_csrf_cookie_path,
    )  # fmt: skip


def set_refresh_cookies(
    response: Response, encoded_refresh_token: str, max_age: int | None = None,
    domain: str | None = None,
) -> None:  # fmt: skip
    """Put a refresh token in its HttpOnly cookie (and its CSRF value in a readable one)."""
    _set_token_cookies(
        response, encoded_refresh_token, max_age, domain, config.refresh_cookie_name,
        config.refresh_cookie_path, config.refresh_csrf_cookie_name,
        config.refresh_csrf_cookie_path,
    )  # fmt: skip


def _unset(response: Response, domain: str | None, cookies: list[tuple[str, str, bool]]) -> None:
    for name, path, httponly in cookies:
        response.set_cookie(
            name, value="", expires=0, secure=config.cookie_secure, httponly=httponly,
            domain=domain or config.cookie_domain, path=path, samesite=config.cookie_samesite,
        )  # fmt: skip


def unset_jwt_cookies(response: Response, domain: str | None = None) -> None:
    """Clear the access and refresh cookies (and their CSRF cookies)."""
    unset_access_cookies(response, domain)
    unset_refresh_cookies(response, domain)


def unset_access_cookies(response: Response, domain: str | None = None) -> None:
    """Clear the access token cookie and its CSRF cookie."""
    cookies = [(config.access_cookie_name, config.access_cookie_path, True)]
    if config.cookie_csrf_protect and config.csrf_in_cookies:
        cookies.append((config.access_csrf_cookie_name, config.access_csrf_cookie_path, False))
    _unset(response, domain, cookies)


def unset_refresh_cookies(response: Response, domain: str | None = None) -> None:
    """Clear the refresh token cookie and its CSRF cookie."""
    cookies = [(config.refresh_cookie_name, config.refresh_cookie_path, True)]
    if config.cookie_csrf_protect and config.csrf_in_cookies:
        cookies.append((config.refresh_csrf_cookie_name, config.refresh_csrf_cookie_path, False))
    _unset(response, domain, cookies)
