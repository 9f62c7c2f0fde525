"""Key sets for key rotation: each key has a ``kid`` and one algorithm; new tokens are signed
with the newest key and carry its ``kid``, tokens are verified by the key their ``kid`` names,
with that key's algorithm only. :meth:`KeySet.jwks` publishes the public keys."""

from __future__ import annotations

import dataclasses
import typing as t

import jwt
from jwt.algorithms import get_default_algorithms

from kolba import current_app, jsonify

from .config import SYMMETRIC_ALGORITHMS


@dataclasses.dataclass(frozen=True)
class Key:
    """One key of a :class:`KeySet`.

    ``key`` is an HMAC secret for HS256/384/512, else a private key (PEM text or a
    cryptography key object) that signs, or a public key that only verifies. The public
    half of a private key is derived, so a private key verifies too.
    """

    kid: str
    algorithm: str
    key: t.Any = dataclasses.field(repr=False)
    # PyJWT's prepared key object, made once from ``key``.
    _prepared: t.Any = dataclasses.field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        if not self.kid:
            raise ValueError("A Key needs a non-empty kid.")
        algorithms = get_default_algorithms()
        if self.algorithm.lower() == "none" or self.algorithm not in algorithms:
            raise ValueError(
                f"Key {self.kid!r}: unknown or unsafe algorithm {self.algorithm!r}; use one"
                f" of {', '.join(sorted(a for a in algorithms if a != 'none'))}."
            )
        try:
            prepared = algorithms[self.algorithm].prepare_key(self.key)
        except (jwt.InvalidKeyError, ValueError, TypeError) as e:
            raise ValueError(f"Key {self.kid!r} is not a {self.algorithm} key: {e}") from None
        object.__setattr__(self, "_prepared", prepared)

    @property
    def symmetric(self) -> bool:
        return self.algorithm in SYMMETRIC_ALGORITHMS

    @property
    def can_sign(self) -> bool:
        """Whether this key can sign (an HMAC secret or a private key)."""
        return self.symmetric or hasattr(self._prepared, "sign")

    @property
    def signing_key(self) -> t.Any:
        return self._prepared

    @property
    def verifying_key(self) -> t.Any:
        """The HMAC secret, or the public key."""
        if self.symmetric:
            return self._prepared
        public = getattr(self._prepared, "public_key", None)
        return public() if public is not None else self._prepared

    def public_jwk(self) -> dict[str, t.Any]:
        """The public key as a JWK with ``kid``, ``alg`` and ``use``; HMAC keys have none."""
        if self.symmetric:
            raise ValueError(f"Key {self.kid!r} is an HMAC secret: it must not be published.")
        algorithm = get_default_algorithms()[self.algorithm]
        jwk: dict[str, t.Any] = algorithm.to_jwk(self.verifying_key, as_dict=True)
        jwk.update(kid=self.kid, alg=self.algorithm, use="sig")
        return jwk


class KeySet:
    """Keys by ``kid``, oldest first. Put one in ``app.config["JWT_KEYS"]``::

        keys = KeySet([Key("2026-01", "ES256", old_private_pem)])
        keys.add(Key("2026-06", "ES256", new_private_pem))  # signs from now on
        keys.remove("2026-01")  # once tokens signed with it have expired

    The newest key that can sign signs new tokens; any key verifies the tokens naming it.
    """

    def __init__(self, keys: t.Iterable[Key] = ()) -> None:
        self._keys: dict[str, Key] = {}
        for key in keys:
            self.add(key)

    def add(self, key: Key) -> None:
        """Add ``key`` as the newest; a ``kid`` already present raises ``ValueError``."""
        if key.kid in self._keys:
            raise ValueError(f"The key set already has a key with kid {key.kid!r}.")
        self._keys[key.kid] = key

    def remove(self, kid: str) -> None:
        """Retire a key: tokens naming it no longer verify."""
        del self._keys[kid]

    def get(self, kid: t.Any) -> Key | None:
        return self._keys.get(kid) if isinstance(kid, str) else None

    def __iter__(self) -> t.Iterator[Key]:
        return iter(self._keys.values())

    def __len__(self) -> int:
        return len(self._keys)

    @property
    def signing_key(self) -> Key:
        """The newest key that can sign."""
        for key in reversed(self._keys.values()):
            if key.can_sign:
                return key
        raise RuntimeError(
            "JWT_KEYS has no key that can sign: add a Key with an HMAC secret or a private key."
        )

    def jwks(self) -> dict[str, t.Any]:
        """The public keys as a JWK Set document (RFC 7517); HMAC secrets are left out."""
        return {"keys": [key.public_jwk() for key in self if not key.symmetric]}


def jwks_response() -> t.Any:
    """A view body serving the current app's ``JWT_KEYS`` public keys as a JWKS document::

    app.add_url_rule("/.well-known/jwks.json", "jwks", kolba_jwt.jwks_response)
    """
    key_set = current_app.config.get("JWT_KEYS")
    if not isinstance(key_set, KeySet):
        raise RuntimeError("JWT_KEYS is not set to a KeySet, so there are no keys to publish.")
    response = jsonify(key_set.jwks())
    response.mimetype = "application/jwk-set+json"
    return response
