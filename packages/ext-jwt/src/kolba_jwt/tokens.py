"""Writing and reading the tokens themselves on PyJWT: the claims this extension adds
(``jti``, ``type``, ``fresh``, ``csrf``), and the checks made on every token read."""

from __future__ import annotations

import datetime
import hmac
import json
import typing as t
import uuid

import jwt

from .exceptions import CSRFError, JWTDecodeError
from .typing import ExpiresDelta, Fresh


def _encode_jwt(
    algorithm: str,
    audience: str | t.Iterable[str] | None,
    claim_overrides: dict[str, t.Any] | None,
    csrf: bool,
    expires_delta: ExpiresDelta | None,
    fresh: Fresh,
    header_overrides: dict[str, t.Any] | None,
    identity: t.Any,
    identity_claim_key: str,
    issuer: str | None,
    json_encoder: type[json.JSONEncoder] | None,
    secret: t.Any,
    token_type: str,
    nbf: bool,
) -> str:
    """Sign a new token; ``expires_delta`` of ``False`` (or ``None``) writes no ``exp``."""
    now = datetime.datetime.now(datetime.UTC)
    if isinstance(fresh, datetime.timedelta):
        fresh = (now + fresh).timestamp()
    claims: dict[str, t.Any] = {
        "fresh": fresh,
        "iat": now,
        "jti": str(uuid.uuid4()),
        "type": token_type,
        identity_claim_key: identity,
    }
    if nbf:
        claims["nbf"] = now
    if csrf:
        claims["csrf"] = str(uuid.uuid4())
    if audience:
        claims["aud"] = audience
    if issuer:
        claims["iss"] = issuer
    if expires_delta:
        claims["exp"] = now + expires_delta
    if claim_overrides:
        claims.update(claim_overrides)
    return jwt.encode(
        claims, secret, algorithm, headers=header_overrides or None, json_encoder=json_encoder
    )


def check_header(header: dict[str, t.Any]) -> None:
    """Reject what PyJWT would otherwise let pass in a token's header: critical extensions
    (``crit``), which this extension implements none of, so a token that demands one must
    not be accepted (RFC 7515, section 4.1.11)."""
    if "crit" in header:
        raise jwt.InvalidTokenError(f"Unsupported critical header parameters: {header['crit']!r}")


def _decode_jwt(
    algorithms: list[str],
    allow_expired: bool,
    audience: str | t.Iterable[str] | None,
    csrf_value: str | None,
    encoded_token: str,
    identity_claim_key: str,
    issuer: str | None,
    leeway: float | datetime.timedelta,
    secret: t.Any,
    verify_aud: bool,
    verify_sub: bool,
) -> dict[str, t.Any]:
    """Verify ``encoded_token`` (signature with one of ``algorithms``, ``exp``, ``nbf``,
    ``iat``, audience, issuer) and fill in the claims this extension relies on."""
    check_header(jwt.get_unverified_header(encoded_token))
    options: dict[str, t.Any] = {"verify_aud": verify_aud, "verify_sub": verify_sub}
    if allow_expired:
        options["verify_exp"] = False
    decoded: dict[str, t.Any] = jwt.decode(
        encoded_token,
        secret,
        algorithms=algorithms,
        audience=audience,
        issuer=issuer,
        leeway=leeway,
        options=options,  # type: ignore[arg-type]
    )
    if identity_claim_key not in decoded:
        raise JWTDecodeError(f"Missing claim: {identity_claim_key}")
    decoded.setdefault("type", "access")
    decoded.setdefault("fresh", False)
    decoded.setdefault("jti", None)
    if csrf_value:
        if "csrf" not in decoded:
            raise JWTDecodeError("Missing claim: csrf")
        if not hmac.compare_digest(str(decoded["csrf"]), csrf_value):
            raise CSRFError("CSRF double submit tokens do not match")
    return decoded
