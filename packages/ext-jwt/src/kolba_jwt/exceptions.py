"""The exceptions kolba_jwt raises while reading and checking a token; the JWT manager turns
each into a JSON error response (see :mod:`kolba_jwt.default_callbacks`)."""

from __future__ import annotations

import json
import typing as t

from werkzeug.exceptions import ServiceUnavailable

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment


class JWTExtendedException(Exception):
    """Base class of every error about a request's JWT."""


class JWTDecodeError(JWTExtendedException):
    """The token could not be decoded or lacks a claim this extension needs."""


class InvalidHeaderError(JWTExtendedException):
    """The header that should carry the token is malformed."""


class InvalidQueryParamError(JWTExtendedException):
    """The query parameter that should carry the token is malformed."""


class NoAuthorizationError(JWTExtendedException):
    """No token was found in any of the places looked at."""


class CSRFError(JWTExtendedException):
    """A cookie token came without its double-submit CSRF value, or with a wrong one."""


class WrongTokenError(JWTExtendedException):
    """A refresh token was sent where an access token is needed, or the reverse."""


class RevokedTokenError(JWTExtendedException):
    """The token is on the blocklist (or belongs to a revoked refresh family)."""

    def __init__(self, jwt_header: dict[str, t.Any], jwt_data: dict[str, t.Any]) -> None:
        super().__init__("Token has been revoked")
        self.jwt_header = jwt_header
        self.jwt_data = jwt_data


class FreshTokenRequired(JWTExtendedException):
    """The view needs a fresh token and the one sent is not (or no longer) fresh."""

    def __init__(
        self, message: str, jwt_header: dict[str, t.Any], jwt_data: dict[str, t.Any]
    ) -> None:
        super().__init__(message)
        self.jwt_header = jwt_header
        self.jwt_data = jwt_data


class UserLookupError(JWTExtendedException):
    """The user lookup loader returned ``None`` for the token's identity."""

    def __init__(
        self, message: str, jwt_header: dict[str, t.Any], jwt_data: dict[str, t.Any]
    ) -> None:
        super().__init__(message)
        self.jwt_header = jwt_header
        self.jwt_data = jwt_data


class UserClaimsVerificationError(JWTExtendedException):
    """The token verification loader returned ``False`` for the token."""

    def __init__(
        self, message: str, jwt_header: dict[str, t.Any], jwt_data: dict[str, t.Any]
    ) -> None:
        super().__init__(message)
        self.jwt_header = jwt_header
        self.jwt_data = jwt_data


class RevocationStoreUnavailable(ServiceUnavailable):
    """The revocation store (Redis) did not answer in time, so the token cannot be checked:
    the request is refused with a 503 instead of being let through unchecked."""

    description = "The token revocation store is unavailable; try again shortly."

    def get_body(
        self, environ: WSGIEnvironment | None = None, scope: dict[str, t.Any] | None = None
    ) -> str:
        # JSON like every other token error, under the app's JWT_ERROR_MESSAGE_KEY.
        from kolba import current_app, has_app_context

        key = current_app.config.get("JWT_ERROR_MESSAGE_KEY", "msg") if has_app_context() else "msg"
        return json.dumps({key: self.description})

    def get_headers(
        self, environ: WSGIEnvironment | None = None, scope: dict[str, t.Any] | None = None
    ) -> list[tuple[str, str]]:
        return [("Content-Type", "application/json"), ("Retry-After", "1")]
