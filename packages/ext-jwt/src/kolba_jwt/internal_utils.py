"""Helpers the other modules share: finding the app's JWT manager, the JSON encoder tokens are
written with, and the checks run on every decoded token (type, revocation, custom claims)."""

from __future__ import annotations

import json
import typing as t

from kolba import Kolba, current_app
from kolba.json.provider import DefaultJSONProvider

from .exceptions import RevokedTokenError, UserClaimsVerificationError, WrongTokenError

if t.TYPE_CHECKING:
    from .jwt_manager import JWTManager


def get_jwt_manager() -> JWTManager:
    """The :class:`~kolba_jwt.JWTManager` of the current app."""
    try:
        state = current_app.extensions["flask-jwt-extended"]
    except KeyError:
        raise RuntimeError(
            "You must initialize a JWTManager with this kolba application before using this"
            " method: JWTManager(app) or jwt.init_app(app)."
        ) from None
    manager: JWTManager = state.manager
    return manager


def has_user_lookup() -> bool:
    return get_jwt_manager()._user_lookup_callback is not None


def user_lookup(jwt_header: dict[str, t.Any], jwt_data: dict[str, t.Any]) -> t.Any:
    callback = get_jwt_manager()._user_lookup_callback
    return callback(jwt_header, jwt_data) if callback is not None else None


def verify_token_type(decoded_token: dict[str, t.Any], refresh: bool) -> None:
    if not refresh and decoded_token["type"] == "refresh":
        raise WrongTokenError("Only non-refresh tokens are allowed")
    if refresh and decoded_token["type"] != "refresh":
        raise WrongTokenError("Only refresh tokens are allowed")


def verify_token_not_blocklisted(jwt_header: dict[str, t.Any], jwt_data: dict[str, t.Any]) -> None:
    """Raise :class:`RevokedTokenError` if the built-in store or the blocklist loader says the
    token is revoked. A store that does not answer raises a 503 instead: never let through."""
    manager = get_jwt_manager()
    store = manager.revocation_store(current_app)
    if store is not None and store.is_revoked(jwt_data):
        raise RevokedTokenError(jwt_header, jwt_data)
    if manager._token_in_blocklist_callback(jwt_header, jwt_data):
        raise RevokedTokenError(jwt_header, jwt_data)


def custom_verification_for_token(jwt_header: dict[str, t.Any], jwt_data: dict[str, t.Any]) -> None:
    if not get_jwt_manager()._token_verification_callback(jwt_header, jwt_data):
        raise UserClaimsVerificationError("User claims verification failed", jwt_header, jwt_data)


class JSONEncoder(json.JSONEncoder):
    """A JSON encoder that serialises what the app's JSON provider can (dates, UUIDs,
    dataclasses ...), so custom claims encode as they would in a response."""

    def default(self, o: t.Any) -> t.Any:
        default = getattr(current_app.json_provider_class, "default", DefaultJSONProvider.default)
        return default(o)


def get_json_encoder(app: Kolba) -> type[json.JSONEncoder]:
    """The JSON encoder class tokens of ``app`` are written with."""
    return JSONEncoder
