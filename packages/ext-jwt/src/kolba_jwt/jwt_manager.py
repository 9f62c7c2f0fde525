"""``JWTManager``: the extension object. It declares the ``JWT_*`` config keys, holds the
loader callbacks, signs and verifies tokens for the current app, turns token errors into
JSON responses, and tells the core who the caller is."""

from __future__ import annotations

import dataclasses
import typing as t

import jwt

import kolba
from kolba import ConfigError, HealthCheck, hookimpl

from . import default_callbacks as defaults
from .config import CONFIG_KEYS, config
from .exceptions import (
    CSRFError,
    FreshTokenRequired,
    JWTExtendedException,
    NoAuthorizationError,
    RevokedTokenError,
    UserClaimsVerificationError,
    UserLookupError,
)
from .keys import KeySet
from .revocation import RedisRevocationStore, connect
from .tokens import _decode_jwt, _encode_jwt
from .typing import ExpiresDelta, Fresh
from .utils import current_user
from .view_decorators import _decode_jwt_from_request

if t.TYPE_CHECKING:
    from kolba.wrappers import Request

F = t.TypeVar("F", bound=t.Callable[..., t.Any])


@dataclasses.dataclass
class JWTState(kolba.ExtensionState):
    """What one app keeps in ``app.extensions["flask-jwt-extended"]``: its manager, the
    revocation store (``None`` without ``JWT_REDIS_URL``/``JWT_REDIS``) and whether
    templates see ``current_user``.

    Other attributes are the manager's, so code written for flask-jwt-extended, which kept
    the manager itself there, can still register loaders through it.
    """

    manager: JWTManager
    store: RedisRevocationStore | None = None
    template_current_user: bool = False

    def __getattr__(self, name: str) -> t.Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.manager, name)


def _current_user_context() -> dict[str, t.Any]:
    return {"current_user": current_user}


def _check_key_set(value: t.Any) -> None:
    if not isinstance(value, KeySet):
        raise ValueError(f"got {type(value).__name__}; use a kolba_jwt.KeySet of kolba_jwt.Key.")
    if not len(value):
        raise ValueError("is an empty KeySet; add at least one Key.")


class JWTManager(kolba.Extension[JWTState]):
    """JSON Web Token authentication with flask-jwt-extended's API."""

    name = "flask-jwt-extended"
    distribution = "kolba-jwt"
    config_keys = CONFIG_KEYS

    def __init__(self, app: kolba.Kolba | None = None, add_context_processor: bool = False) -> None:
        super().__init__()
        self._user_claims_callback: t.Callable[..., t.Any] = (
            defaults.default_additional_claims_callback
        )
        self._jwt_additional_header_callback: t.Callable[..., t.Any] = (
            defaults.default_jwt_headers_callback
        )
        self._decode_key_callback: t.Callable[..., t.Any] = defaults.default_decode_key_callback
        self._encode_key_callback: t.Callable[..., t.Any] = defaults.default_encode_key_callback
        self._expired_token_callback: t.Callable[..., t.Any] = (
            defaults.default_expired_token_callback
        )
        self._invalid_token_callback: t.Callable[..., t.Any] = (
            defaults.default_invalid_token_callback
        )
        self._needs_fresh_token_callback: t.Callable[..., t.Any] = (
            defaults.default_needs_fresh_token_callback
        )
        self._revoked_token_callback: t.Callable[..., t.Any] = (
            defaults.default_revoked_token_callback
        )
        self._token_in_blocklist_callback: t.Callable[..., t.Any] = (
            defaults.default_blocklist_callback
        )
        self._token_verification_callback: t.Callable[..., t.Any] = (
            defaults.default_token_verification_callback
        )
        self._unauthorized_callback: t.Callable[..., t.Any] = defaults.default_unauthorized_callback
        self._user_identity_callback: t.Callable[..., t.Any] = (
            defaults.default_user_identity_callback
        )
        self._user_lookup_callback: t.Callable[..., t.Any] | None = None
        self._user_lookup_error_callback: t.Callable[..., t.Any] = (
            defaults.default_user_lookup_error_callback
        )
        self._token_verification_failed_callback: t.Callable[..., t.Any] = (
            defaults.default_token_verification_failed_callback
        )
        if app is not None:
            self.init_app(app, add_context_processor)

    def init_app(
        self, app: kolba.Kolba, add_context_processor: bool = False, **options: t.Any
    ) -> JWTState:
        """Set up ``app``: config defaults and checks, the revocation store, the error
        responses. ``add_context_processor`` puts ``current_user`` in templates."""
        state = super().init_app(app, **options)
        state.template_current_user = add_context_processor
        if add_context_processor:
            app.context_processor(_current_user_context)
        return state

    def create_state(self, app: kolba.Kolba, options: t.Mapping[str, t.Any]) -> JWTState:
        cfg = app.config
        if cfg["JWT_KEYS"] is not None:
            try:
                _check_key_set(cfg["JWT_KEYS"])
            except ValueError as e:
                raise ConfigError("JWT_KEYS", str(e)) from None
        client = cfg["JWT_REDIS"]
        if client is None and cfg["JWT_REDIS_URL"] is not None:
            client = connect(cfg["JWT_REDIS_URL"], float(cfg["JWT_REDIS_TIMEOUT"]))
        store = None
        if client is not None:
            store = RedisRevocationStore(client, prefix=cfg["JWT_REDIS_KEY_PREFIX"])
        return JWTState(self, store)

    def revocation_store(self, app: kolba.Kolba) -> RedisRevocationStore | None:
        """The app's Redis revocation store, or ``None`` when none is configured."""
        state: JWTState = self.state(app)
        return state.store

    # -- loader decorators -------------------------------------------------------------------

    def additional_claims_loader(self, callback: F) -> F:
        """``callback(identity) -> dict``: claims added to every new token (claims passed to
        ``create_*_token`` win)."""
        self._user_claims_callback = callback
        return callback

    def additional_headers_loader(self, callback: F) -> F:
        """``callback(identity) -> dict``: header fields added to every new token."""
        self._jwt_additional_header_callback = callback
        return callback

    def decode_key_loader(self, callback: F) -> F:
        """``callback(jwt_header, jwt_data) -> key``: the key that verifies a token."""
        self._decode_key_callback = callback
        return callback

    def encode_key_loader(self, callback: F) -> F:
        """``callback(identity) -> key``: the key that signs a new token."""
        self._encode_key_callback = callback
        return callback

    def expired_token_loader(self, callback: F) -> F:
        """``callback(jwt_header, jwt_data) -> response`` for an expired token (401)."""
        self._expired_token_callback = callback
        return callback

    def invalid_token_loader(self, callback: F) -> F:
        """``callback(error_string) -> response`` for an invalid token (422)."""
        self._invalid_token_callback = callback
        return callback

    def needs_fresh_token_loader(self, callback: F) -> F:
        """``callback(jwt_header, jwt_data) -> response`` when a fresh token is needed (401)."""
        self._needs_fresh_token_callback = callback
        return callback

    def revoked_token_loader(self, callback: F) -> F:
        """``callback(jwt_header, jwt_data) -> response`` for a revoked token (401)."""
        self._revoked_token_callback = callback
        return callback

    def token_in_blocklist_loader(self, callback: F) -> F:
        """``callback(jwt_header, jwt_data) -> bool``: whether the token is revoked (checked
        after the built-in Redis store, if any)."""
        self._token_in_blocklist_callback = callback
        return callback

    def token_verification_loader(self, callback: F) -> F:
        """``callback(jwt_header, jwt_data) -> bool``: extra checks of a valid token."""
        self._token_verification_callback = callback
        return callback

    def token_verification_failed_loader(self, callback: F) -> F:
        """``callback(jwt_header, jwt_data) -> response`` when those checks fail (400)."""
        self._token_verification_failed_callback = callback
        return callback

    def unauthorized_loader(self, callback: F) -> F:
        """``callback(error_string) -> response`` when no token was sent (401)."""
        self._unauthorized_callback = callback
        return callback

    def user_identity_loader(self, callback: F) -> F:
        """``callback(identity) -> str``: the ``sub`` claim for what ``create_*_token`` got."""
        self._user_identity_callback = callback
        return callback

    def user_lookup_loader(self, callback: F) -> F:
        """``callback(jwt_header, jwt_data) -> user or None``: ``current_user``; ``None``
        refuses the request."""
        self._user_lookup_callback = callback
        return callback

    def user_lookup_error_loader(self, callback: F) -> F:
        """``callback(jwt_header, jwt_data) -> response`` when the lookup returns ``None``
        (401)."""
        self._user_lookup_error_callback = callback
        return callback

    # -- tokens --------------------------------------------------------------------------

    def _encode_jwt_from_config(
        self,
        identity: t.Any,
        token_type: str,
        claims: dict[str, t.Any] | None = None,
        fresh: Fresh = False,
        expires_delta: ExpiresDelta | None = None,
        headers: dict[str, t.Any] | None = None,
    ) -> str:
        header_overrides = dict(self._jwt_additional_header_callback(identity) or {})
        if headers is not None:
            header_overrides.update(headers)
        claim_overrides = dict(self._user_claims_callback(identity) or {})
        if claims is not None:
            claim_overrides.update(claims)
        if expires_delta is None:
            expires_delta = (
                config.access_expires if token_type == "access" else config.refresh_expires
            )
        key_set = config.key_set
        if (
            key_set is not None
            and self._encode_key_callback is defaults.default_encode_key_callback
        ):
            key = key_set.signing_key
            algorithm, secret = key.algorithm, key.signing_key
            header_overrides.setdefault("kid", key.kid)
        else:
            algorithm, secret = config.algorithm, self._encode_key_callback(identity)
        return _encode_jwt(
            algorithm=algorithm,
            audience=config.encode_audience,
            claim_overrides=claim_overrides,
            csrf=config.cookie_csrf_protect,
            expires_delta=expires_delta,
            fresh=fresh,
            header_overrides=header_overrides,
            identity=self._user_identity_callback(identity),
            identity_claim_key=config.identity_claim_key,
            issuer=config.encode_issuer,
            json_encoder=config.json_encoder,
            secret=secret,
            token_type=token_type,
            nbf=config.encode_nbf,
        )

    def _decode_jwt_from_config(
        self, encoded_token: str, csrf_value: str | None = None, allow_expired: bool = False
    ) -> dict[str, t.Any]:
        unverified_claims = jwt.decode(encoded_token, options={"verify_signature": False})
        unverified_header = jwt.get_unverified_header(encoded_token)
        key_set = config.key_set
        if (
            key_set is not None
            and self._decode_key_callback is defaults.default_decode_key_callback
        ):
            key = key_set.get(unverified_header.get("kid"))
            if key is None:
                raise jwt.InvalidTokenError("The token's kid names no key of this app")
            algorithms, secret = [key.algorithm], key.verifying_key
        else:
            algorithms = config.decode_algorithms
            secret = self._decode_key_callback(unverified_header, unverified_claims)
        kwargs: dict[str, t.Any] = {
            "algorithms": algorithms,
            "audience": config.decode_audience,
            "csrf_value": csrf_value,
            "encoded_token": encoded_token,
            "identity_claim_key": config.identity_claim_key,
            "issuer": config.decode_issuer,
            "leeway": config.leeway,
            "secret": secret,
            "verify_aud": config.decode_audience is not None,
            "verify_sub": config.verify_sub,
        }
        try:
            return _decode_jwt(**kwargs, allow_expired=allow_expired)
        except jwt.ExpiredSignatureError as e:
            # The expired-token loader gets the verified claims of the expired token.
            e.jwt_header = unverified_header  # type: ignore[attr-defined]
            e.jwt_data = _decode_jwt(**kwargs, allow_expired=True)  # type: ignore[attr-defined]
            raise

    # -- hooks ---------------------------------------------------------------------------

    def error_response(self, error: Exception) -> t.Any | None:
        """The response the loaders give for a token error, or ``None`` for other errors."""
        if isinstance(error, jwt.ExpiredSignatureError):
            return self._expired_token_callback(
                getattr(error, "jwt_header", {}), getattr(error, "jwt_data", {})
            )
        if isinstance(error, NoAuthorizationError | CSRFError):
            return self._unauthorized_callback(str(error))
        if isinstance(error, FreshTokenRequired):
            return self._needs_fresh_token_callback(error.jwt_header, error.jwt_data)
        if isinstance(error, RevokedTokenError):
            return self._revoked_token_callback(error.jwt_header, error.jwt_data)
        if isinstance(error, UserClaimsVerificationError):
            return self._token_verification_failed_callback(error.jwt_header, error.jwt_data)
        if isinstance(error, UserLookupError):
            return self._user_lookup_error_callback(error.jwt_header, error.jwt_data)
        if isinstance(error, JWTExtendedException | jwt.PyJWTError):
            return self._invalid_token_callback(str(error))
        return None

    @hookimpl
    def kolba_handle_exception(self, app: kolba.Kolba, error: Exception) -> t.Any | None:
        # After the app's own error handlers, so an app can still answer these itself.
        if self.name not in app.extensions:
            return None
        return self.error_response(error)

    @hookimpl
    def kolba_identify(self, app: kolba.Kolba, request: Request) -> t.Any | None:
        data = kolba.g.get("_kolba_jwt_data")
        if data is None:
            # Outside a protected view: check the token fully (revocation included) but leave
            # get_jwt() and current_user as they are, which only jwt_required sets.
            try:
                data, _, _ = _decode_jwt_from_request(None, fresh=False)
            except (JWTExtendedException, jwt.PyJWTError):
                return None
        return data.get(config.identity_claim_key) or None

    @hookimpl
    def kolba_health_checks(self, app: kolba.Kolba) -> list[HealthCheck]:
        store = self.revocation_store(app)
        if store is None:
            return []

        def ping() -> str | None:
            try:
                store.ping()
            except Exception as e:
                return f"The JWT revocation store did not answer PING: {type(e).__name__}: {e}"
            return None

        return [
            HealthCheck("jwt-revocation-redis", ping, float(app.config["JWT_REDIS_TIMEOUT"]) + 1)
        ]
