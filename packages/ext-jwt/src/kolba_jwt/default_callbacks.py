"""What the JWT manager does until a loader decorator replaces it: the default claims,
identity, keys, and the JSON error responses with flask-jwt-extended's status codes and
messages."""

from __future__ import annotations

import typing as t
from http import HTTPStatus

from kolba import jsonify

from .config import config

if t.TYPE_CHECKING:
    from kolba.typing import ResponseReturnValue


def default_additional_claims_callback(userdata: t.Any) -> dict[str, t.Any]:
    """No claims beyond the standard ones."""
    return {}


def default_blocklist_callback(jwt_headers: dict[str, t.Any], jwt_data: dict[str, t.Any]) -> bool:
    """No token is on a user-provided blocklist."""
    return False


def default_jwt_headers_callback(default_headers: t.Any) -> dict[str, t.Any]:
    """No headers beyond ``alg`` and ``typ``."""
    return {}


def default_user_identity_callback(userdata: t.Any) -> t.Any:
    """The identity is what was passed to ``create_access_token``."""
    return userdata


def default_expired_token_callback(
    _expired_jwt_header: dict[str, t.Any], _expired_jwt_data: dict[str, t.Any]
) -> ResponseReturnValue:
    return jsonify({config.error_msg_key: "Token has expired"}), HTTPStatus.UNAUTHORIZED


def default_invalid_token_callback(error_string: str) -> ResponseReturnValue:
    return jsonify({config.error_msg_key: error_string}), HTTPStatus.UNPROCESSABLE_ENTITY


def default_unauthorized_callback(error_string: str) -> ResponseReturnValue:
    return jsonify({config.error_msg_key: error_string}), HTTPStatus.UNAUTHORIZED


def default_needs_fresh_token_callback(
    jwt_header: dict[str, t.Any], jwt_data: dict[str, t.Any]
) -> ResponseReturnValue:
    return jsonify({config.error_msg_key: "Fresh token required"}), HTTPStatus.UNAUTHORIZED


def default_revoked_token_callback(
    jwt_header: dict[str, t.Any], jwt_data: dict[str, t.Any]
) -> ResponseReturnValue:
    return jsonify({config.error_msg_key: "Token has been revoked"}), HTTPStatus.UNAUTHORIZED


def default_user_lookup_error_callback(
    _jwt_header: dict[str, t.Any], jwt_data: dict[str, t.Any]
) -> ResponseReturnValue:
    identity = jwt_data[config.identity_claim_key]
    body = {config.error_msg_key: f"Error loading the user {identity}"}
    return jsonify(body), HTTPStatus.UNAUTHORIZED


def default_token_verification_callback(
    _jwt_header: dict[str, t.Any], _jwt_data: dict[str, t.Any]
) -> bool:
    """Every token passes the custom verification."""
    return True


def default_token_verification_failed_callback(
    _jwt_header: dict[str, t.Any], _jwt_data: dict[str, t.Any]
) -> ResponseReturnValue:
    body = {config.error_msg_key: "User claims verification failed"}
    return jsonify(body), HTTPStatus.BAD_REQUEST


def default_decode_key_callback(jwt_header: dict[str, t.Any], jwt_data: dict[str, t.Any]) -> t.Any:
    """The configured secret or public key."""
    return config.decode_key


def default_encode_key_callback(identity: t.Any) -> t.Any:
    """The configured secret or private key."""
    return config.encode_key
