"""Revocation in Redis, shared by every process of an app: a blocklist of ``jti`` values that
lives as long as the tokens do, and refresh-token rotation with reuse detection (a rotated
refresh token presented again revokes its whole family)."""

from __future__ import annotations

import datetime
import time
import typing as t
import uuid

import redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from kolba import current_app

from .config import config
from .exceptions import RevocationStoreUnavailable, RevokedTokenError
from .internal_utils import get_jwt_manager
from .utils import get_jwt, get_jwt_header

#: The claim that ties the refresh tokens of one login together.
FAMILY_CLAIM = "fam"


def connect(url: str, timeout: float) -> redis.Redis:
    """A client that gives up on a connection or command after ``timeout`` seconds without
    retrying, so a request waits at most about ``timeout`` before its 503."""
    return redis.Redis.from_url(
        url, socket_timeout=timeout, socket_connect_timeout=timeout, retry=Retry(NoBackoff(), 0)
    )


class RedisRevocationStore:
    """Revoked tokens and refresh families, as Redis keys that expire with the tokens.

    ``revoked:<jti>`` marks a revoked token, ``family:<fam>`` a revoked refresh family,
    ``used:<jti>`` a refresh token that was already rotated. ``fallback_ttl`` (seconds) is
    the lifetime of marks for tokens without ``exp``.
    """

    def __init__(self, client: t.Any, prefix: str = "jwt:", fallback_ttl: int = 0) -> None:
        self.client = client
        self.prefix = prefix
        self.fallback_ttl = fallback_ttl

    def _ttl(self, jwt_data: t.Mapping[str, t.Any], leeway: float = 0) -> int | None:
        exp = jwt_data.get("exp")
        if isinstance(exp, int | float) and not isinstance(exp, bool):
            # Outlive the token by the leeway, so it cannot verify once the mark is gone.
            return max(1, int(exp - time.time() + leeway) + 1)
        return self.fallback_ttl or None

    def _call(self, what: str, fn: t.Callable[[], t.Any]) -> t.Any:
        try:
            return fn()
        except RedisError as e:
            current_app.logger.warning("JWT revocation store failed to %s: %s", what, e)
            raise RevocationStoreUnavailable() from e

    def revoke(self, jwt_data: t.Mapping[str, t.Any], leeway: float = 0) -> None:
        """Put the token's ``jti`` on the blocklist for the rest of its lifetime."""
        jti = jwt_data.get("jti")
        if not jti:
            raise ValueError("The token has no jti claim, so it cannot be revoked by id.")
        ttl = self._ttl(jwt_data, leeway)
        self._call("revoke", lambda: self.client.set(f"{self.prefix}revoked:{jti}", 1, ex=ttl))

    def revoke_family(self, family: str, ttl: int | None) -> None:
        """Revoke every refresh token (and access token) of ``family``."""
        self._call(
            "revoke a family", lambda: self.client.set(f"{self.prefix}family:{family}", 1, ex=ttl)
        )

    def is_revoked(self, jwt_data: t.Mapping[str, t.Any]) -> bool:
        """Whether the token or its family is revoked: one round trip."""
        keys = [f"{self.prefix}revoked:{jwt_data.get('jti')}"]
        family = jwt_data.get(FAMILY_CLAIM)
        if isinstance(family, str):
            keys.append(f"{self.prefix}family:{family}")
        values = self._call("check a token", lambda: self.client.mget(keys))
        return any(value is not None for value in values)

    def mark_rotated(self, jwt_data: t.Mapping[str, t.Any], leeway: float = 0) -> bool:
        """Record that a refresh token was exchanged; ``False`` if it already was (reuse)."""
        key = f"{self.prefix}used:{jwt_data.get('jti')}"
        ttl = self._ttl(jwt_data, leeway)
        return bool(self._call("rotate", lambda: self.client.set(key, 1, nx=True, ex=ttl)))

    def ping(self) -> None:
        self.client.ping()


def _store() -> RedisRevocationStore:
    store = get_jwt_manager().revocation_store(current_app)
    if store is None:
        raise RuntimeError(
            "No revocation store: set JWT_REDIS_URL (or JWT_REDIS) before JWTManager.init_app."
        )
    return store


def _leeway() -> float:
    leeway = current_app.config["JWT_DECODE_LEEWAY"]
    return leeway.total_seconds() if isinstance(leeway, datetime.timedelta) else float(leeway)


def _family_ttl() -> int | None:
    """How long a family mark must last: as long as a refresh token made now, the family's
    newest possible member, lives (forever when refresh tokens never expire)."""
    expires = config.refresh_expires
    if expires is False:
        return None
    now = datetime.datetime.now(datetime.UTC)
    return int(((now + expires) - now).total_seconds() + _leeway()) + 1


def revoke_token(jwt_data: t.Mapping[str, t.Any] | None = None) -> None:
    """Revoke a token (by default the current request's) in every process sharing the store.

    Revoking a refresh token that belongs to a family revokes the whole family.
    """
    data = get_jwt() if jwt_data is None else jwt_data
    store = _store()
    store.revoke(data, _leeway())
    family = data.get(FAMILY_CLAIM)
    if data.get("type") == "refresh" and isinstance(family, str):
        store.revoke_family(family, _family_ttl())


def new_family() -> dict[str, str]:
    """Claims that start a refresh family: pass them as ``additional_claims`` to
    ``create_refresh_token`` at login (and to ``create_access_token``, so revoking the family
    revokes the access tokens too)."""
    return {FAMILY_CLAIM: uuid.uuid4().hex}


def rotate_refresh_token(jwt_data: t.Mapping[str, t.Any] | None = None) -> dict[str, str]:
    """Exchange the current refresh token for a new one of the same family.

    Call it in a ``@jwt_required(refresh=True)`` view; returns the claims to give
    ``create_refresh_token`` (and ``create_access_token``) as ``additional_claims``. A
    refresh token that was already exchanged is a sign it was stolen: the whole family is
    revoked and :class:`~kolba_jwt.exceptions.RevokedTokenError` (401) raised.
    """
    data = get_jwt() if jwt_data is None else jwt_data
    family = data.get(FAMILY_CLAIM)
    if data.get("type") != "refresh" or not isinstance(family, str):
        raise ValueError(
            "rotate_refresh_token needs a refresh token of a family: create refresh tokens"
            " with additional_claims=new_family()."
        )
    store = _store()
    if not store.mark_rotated(data, _leeway()):
        store.revoke_family(family, _family_ttl())
        header = get_jwt_header() if jwt_data is None else {}
        raise RevokedTokenError(header, dict(data))
    return {FAMILY_CLAIM: family}
