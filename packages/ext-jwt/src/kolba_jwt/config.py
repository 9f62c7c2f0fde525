"""The ``JWT_*`` config keys (declared once, as :class:`kolba.ConfigKey`) and ``config``, the
object that reads them for the current app, checking each value when it is used."""

from __future__ import annotations

import collections.abc as cabc
import datetime
import json
import typing as t

from jwt.algorithms import get_default_algorithms

from kolba import ConfigKey, current_app

from .internal_utils import get_json_encoder
from .typing import ExpiresDelta

LOCATIONS = ("headers", "cookies", "query_string", "json")
SYMMETRIC_ALGORITHMS = ("HS256", "HS384", "HS512")


def _check_algorithm(value: str) -> None:
    if value.lower() == "none":
        raise ValueError(
            "'none' means unsigned tokens, which anyone can forge. Use HS256 with a secret, or"
            " RS256/ES256/EdDSA with a key pair."
        )
    known = sorted(name for name in get_default_algorithms() if name != "none")
    if value not in known:
        raise ValueError(f"unknown algorithm {value!r}; use one of {', '.join(known)}.")


def _check_algorithms(value: t.Sequence[str]) -> None:
    for name in value:
        _check_algorithm(name)
    families = {name in SYMMETRIC_ALGORITHMS for name in value}
    if len(families) > 1:
        raise ValueError(
            f"mixes HMAC and public-key algorithms ({', '.join(value)}): a public key must"
            " never be accepted as an HMAC secret. List algorithms of one family, or use"
            " JWT_KEYS with one algorithm per key."
        )


def _check_locations(value: t.Any) -> None:
    locations = (value,) if isinstance(value, str) else tuple(value)
    unknown = [loc for loc in locations if loc not in LOCATIONS]
    if not locations or unknown:
        raise ValueError(
            f"got {value!r}; use one or more of {', '.join(repr(x) for x in LOCATIONS)}."
        )


def _check_samesite(value: str) -> None:
    if value not in ("Lax", "Strict", "None"):
        raise ValueError(f"got {value!r}; use 'Lax', 'Strict', 'None', or None to omit it.")


def _check_client(value: t.Any) -> None:
    missing = [
        name for name in ("get", "set", "mget", "ping") if not callable(getattr(value, name, None))
    ]
    if missing:
        raise ValueError(
            f"{value!r} is not a Redis client (it lacks {', '.join(missing)}). Use a"
            " redis.Redis with socket_timeout set, or set JWT_REDIS_URL instead."
        )


def _check_timeout(value: float) -> None:
    if value <= 0:
        raise ValueError(f"got {value!r}; use a number of seconds above 0, such as 1.0.")


def _addable_to_datetime(value: t.Any) -> bool:
    try:
        value + datetime.datetime.now(datetime.UTC)
    except TypeError:
        return False
    return True


def _check_delta(value: t.Any) -> None:
    if value is False or (type(value) is int and value >= 0) or _addable_to_datetime(value):
        return
    raise ValueError(
        f"got {value!r}; use a datetime.timedelta (or dateutil relativedelta), a number of"
        " seconds, or False for tokens that never expire."
    )


#: Every config key kolba_jwt reads. Names and defaults are flask-jwt-extended 4.7's except
#: the cookie flags, which are safe by default (Secure, SameSite=Lax), and the kolba keys
#: for key sets and revocation.
CONFIG_KEYS: tuple[ConfigKey, ...] = (
    ConfigKey("JWT_ACCESS_TOKEN_EXPIRES", object, datetime.timedelta(minutes=15),
              "Lifetime of access tokens (timedelta or seconds); False: never expire.",
              check=_check_delta),
    ConfigKey("JWT_REFRESH_TOKEN_EXPIRES", object, datetime.timedelta(days=30),
              "Lifetime of refresh tokens (timedelta or seconds); False: never expire.",
              check=_check_delta),
    ConfigKey("JWT_ALGORITHM", str, "HS256", "Algorithm that signs new tokens.",
              check=_check_algorithm),
    ConfigKey("JWT_DECODE_ALGORITHMS", (list, tuple), None,
              "Algorithms accepted when verifying; None: only JWT_ALGORITHM.",
              check=_check_algorithms),
    ConfigKey("JWT_SECRET_KEY", (str, bytes), None,
              "Secret of HS* algorithms; None: the app's SECRET_KEY.", secret=True),
    ConfigKey("JWT_PRIVATE_KEY", (str, bytes, object), None,
              "PEM private key that signs tokens with RS*/ES*/PS*/EdDSA.", secret=True),
    ConfigKey("JWT_PUBLIC_KEY", (str, bytes, object), None,
              "PEM public key that verifies RS*/ES*/PS*/EdDSA tokens."),
    ConfigKey("JWT_KEYS", object, None,
              "A kolba_jwt.KeySet: sign with its newest key, verify by kid with any of them.",
              secret=True),
    ConfigKey("JWT_TOKEN_LOCATION", (str, list, tuple, set), ("headers",),
              "Where tokens are looked for: headers, cookies, query_string, json.",
              check=_check_locations),
    ConfigKey("JWT_HEADER_NAME", str, "Authorization", "Header that carries the token."),
    ConfigKey("JWT_HEADER_TYPE", str, "Bearer",
              "Word before the token in the header; empty: the bare token."),
    ConfigKey("JWT_QUERY_STRING_NAME", str, "jwt", "Query parameter that carries the token."),
    ConfigKey("JWT_QUERY_STRING_VALUE_PREFIX", str, "",
              "Prefix the query parameter's value must start with."),
    ConfigKey("JWT_JSON_KEY", str, "access_token", "JSON body key of access tokens."),
    ConfigKey("JWT_REFRESH_JSON_KEY", str, "refresh_token", "JSON body key of refresh tokens."),
    ConfigKey("JWT_ACCESS_COOKIE_NAME", str, "access_token_cookie",
              "Cookie that carries access tokens."),
    ConfigKey("JWT_REFRESH_COOKIE_NAME", str, "refresh_token_cookie",
              "Cookie that carries refresh tokens."),
    ConfigKey("JWT_ACCESS_COOKIE_PATH", str, "/", "Path of the access token cookie."),
    ConfigKey("JWT_REFRESH_COOKIE_PATH", str, "/", "Path of the refresh token cookie."),
    ConfigKey("JWT_COOKIE_SECURE", bool, True,
              "Send token cookies over HTTPS only (flask-jwt-extended: False)."),
    ConfigKey("JWT_COOKIE_SAMESITE", str, "Lax",
              "SameSite of token cookies: Lax, Strict, None; None (the value): omitted.",
              check=_check_samesite),
    ConfigKey("JWT_COOKIE_DOMAIN", str, None, "Domain of token cookies."),
    ConfigKey("JWT_SESSION_COOKIE", bool, True,
              "Token cookies end with the browser session; False: they last a year."),
    ConfigKey("JWT_COOKIE_CSRF_PROTECT", bool, True,
              "Require the double-submit CSRF value for cookie tokens."),
    ConfigKey("JWT_CSRF_METHODS", (list, tuple, set), ["POST", "PUT", "PATCH", "DELETE"],
              "Methods that need the CSRF value."),
    ConfigKey("JWT_CSRF_IN_COOKIES", bool, True,
              "Also set the CSRF values as script-readable cookies."),
    ConfigKey("JWT_CSRF_CHECK_FORM", bool, False,
              "Also accept the CSRF value from a form field."),
    ConfigKey("JWT_ACCESS_CSRF_COOKIE_NAME", str, "csrf_access_token",
              "Cookie holding the access token's CSRF value."),
    ConfigKey("JWT_REFRESH_CSRF_COOKIE_NAME", str, "csrf_refresh_token",
              "Cookie holding the refresh token's CSRF value."),
    ConfigKey("JWT_ACCESS_CSRF_COOKIE_PATH", str, "/", "Path of the access CSRF cookie."),
    ConfigKey("JWT_REFRESH_CSRF_COOKIE_PATH", str, "/", "Path of the refresh CSRF cookie."),
    ConfigKey("JWT_ACCESS_CSRF_HEADER_NAME", str, "X-CSRF-TOKEN",
              "Header carrying the access CSRF value."),
    ConfigKey("JWT_REFRESH_CSRF_HEADER_NAME", str, "X-CSRF-TOKEN",
              "Header carrying the refresh CSRF value."),
    ConfigKey("JWT_ACCESS_CSRF_FIELD_NAME", str, "csrf_token",
              "Form field carrying the access CSRF value."),
    ConfigKey("JWT_REFRESH_CSRF_FIELD_NAME", str, "csrf_token",
              "Form field carrying the refresh CSRF value."),
    ConfigKey("JWT_IDENTITY_CLAIM", str, "sub", "Claim that holds the identity."),
    ConfigKey("JWT_ERROR_MESSAGE_KEY", str, "msg", "JSON key of error messages."),
    ConfigKey("JWT_DECODE_AUDIENCE", (str, list, tuple), None,
              "Audience(s) a token must name; None: aud is not checked."),
    ConfigKey("JWT_ENCODE_AUDIENCE", (str, list, tuple), None, "aud claim of new tokens."),
    ConfigKey("JWT_DECODE_ISSUER", str, None, "Issuer a token must name."),
    ConfigKey("JWT_ENCODE_ISSUER", str, None, "iss claim of new tokens."),
    ConfigKey("JWT_DECODE_LEEWAY", (int, float, datetime.timedelta), 0,
              "Clock skew allowed on exp, nbf and iat (seconds or timedelta)."),
    ConfigKey("JWT_ENCODE_NBF", bool, True, "Put an nbf claim in new tokens."),
    ConfigKey("JWT_VERIFY_SUB", bool, True, "Require the sub claim to be a string."),
    ConfigKey("JWT_REDIS", object, None,
              "A redis-py client for the revocation store (takes precedence over the URL).",
              check=_check_client),
    ConfigKey("JWT_REDIS_URL", str, None,
              "redis:// URL of the revocation store; None: no built-in revocation.",
              secret=True),
    ConfigKey("JWT_REDIS_TIMEOUT", (float, int), 1.0,
              "Seconds a request waits for the revocation store before its 503.",
              check=_check_timeout),
    ConfigKey("JWT_REDIS_KEY_PREFIX", str, "jwt:", "Put before every revocation store key."),
)  # fmt: skip


class _Config:
    """The current app's ``JWT_*`` settings, read at the time of use, so changing
    ``app.config`` after ``init_app`` takes effect; bad values raise ``RuntimeError``
    naming the key."""

    def _get(self, key: str) -> t.Any:
        return current_app.config[key]

    @property
    def is_asymmetric(self) -> bool:
        return self.algorithm not in SYMMETRIC_ALGORITHMS

    @property
    def encode_key(self) -> t.Any:
        return self._private_key if self.is_asymmetric else self._secret_key

    @property
    def decode_key(self) -> t.Any:
        return self._public_key if self.is_asymmetric else self._secret_key

    @property
    def key_set(self) -> t.Any:
        return current_app.config.get("JWT_KEYS")

    @property
    def token_location(self) -> t.Sequence[str]:
        locations = self._get("JWT_TOKEN_LOCATION")
        if isinstance(locations, str):
            locations = (locations,)
        elif not isinstance(locations, cabc.Iterable):
            raise RuntimeError("JWT_TOKEN_LOCATION must be a sequence or a set")
        if not locations:
            raise RuntimeError(
                "JWT_TOKEN_LOCATION must contain at least one "
                'of "headers", "cookies", "query_string", or "json"'
            )
        for location in locations:
            if location not in LOCATIONS:
                raise RuntimeError(
                    "JWT_TOKEN_LOCATION can only contain "
                    '"headers", "cookies", "query_string", or "json"'
                )
        return t.cast(t.Sequence[str], locations)

    @property
    def jwt_in_cookies(self) -> bool:
        return "cookies" in self.token_location

    @property
    def jwt_in_headers(self) -> bool:
        return "headers" in self.token_location

    @property
    def jwt_in_query_string(self) -> bool:
        return "query_string" in self.token_location

    @property
    def jwt_in_json(self) -> bool:
        return "json" in self.token_location

    @property
    def header_name(self) -> str:
        name: str = self._get("JWT_HEADER_NAME")
        if not name:
            raise RuntimeError("JWT_ACCESS_HEADER_NAME cannot be empty")
        return name

    @property
    def header_type(self) -> str:
        return str(self._get("JWT_HEADER_TYPE"))

    @property
    def query_string_name(self) -> str:
        return str(self._get("JWT_QUERY_STRING_NAME"))

    @property
    def query_string_value_prefix(self) -> str:
        return str(self._get("JWT_QUERY_STRING_VALUE_PREFIX"))

    @property
    def access_cookie_name(self) -> str:
        return str(self._get("JWT_ACCESS_COOKIE_NAME"))

    @property
    def refresh_cookie_name(self) -> str:
        return str(self._get("JWT_REFRESH_COOKIE_NAME"))

    @property
    def access_cookie_path(self) -> str:
        return str(self._get("JWT_ACCESS_COOKIE_PATH"))

    @property
    def refresh_cookie_path(self) -> str:
        return str(self._get("JWT_REFRESH_COOKIE_PATH"))

    @property
    def cookie_secure(self) -> bool:
        return bool(self._get("JWT_COOKIE_SECURE"))

    @property
    def cookie_domain(self) -> str | None:
        value: str | None = self._get("JWT_COOKIE_DOMAIN")
        return value

    @property
    def session_cookie(self) -> bool:
        return bool(self._get("JWT_SESSION_COOKIE"))

    @property
    def cookie_samesite(self) -> str | None:
        value: str | None = self._get("JWT_COOKIE_SAMESITE")
        return value

    @property
    def json_key(self) -> str:
        return str(self._get("JWT_JSON_KEY"))

    @property
    def refresh_json_key(self) -> str:
        return str(self._get("JWT_REFRESH_JSON_KEY"))

    @property
    def cookie_csrf_protect(self) -> bool:
        return bool(self._get("JWT_COOKIE_CSRF_PROTECT"))

    @property
    def csrf_request_methods(self) -> t.Iterable[str]:
        return [method.upper() for method in self._get("JWT_CSRF_METHODS")]

    @property
    def csrf_in_cookies(self) -> bool:
        return bool(self._get("JWT_CSRF_IN_COOKIES"))

    @property
    def access_csrf_cookie_name(self) -> str:
        return str(self._get("JWT_ACCESS_CSRF_COOKIE_NAME"))

    @property
    def refresh_csrf_cookie_name(self) -> str:
        return str(self._get("JWT_REFRESH_CSRF_COOKIE_NAME"))

    @property
    def access_csrf_cookie_path(self) -> str:
        return str(self._get("JWT_ACCESS_CSRF_COOKIE_PATH"))

    @property
    def refresh_csrf_cookie_path(self) -> str:
        return str(self._get("JWT_REFRESH_CSRF_COOKIE_PATH"))

    @property
    def access_csrf_header_name(self) -> str:
        return str(self._get("JWT_ACCESS_CSRF_HEADER_NAME"))

    @property
    def refresh_csrf_header_name(self) -> str:
        return str(self._get("JWT_REFRESH_CSRF_HEADER_NAME"))

    @property
    def csrf_check_form(self) -> bool:
        return bool(self._get("JWT_CSRF_CHECK_FORM"))

    @property
    def access_csrf_field_name(self) -> str:
        return str(self._get("JWT_ACCESS_CSRF_FIELD_NAME"))

    @property
    def refresh_csrf_field_name(self) -> str:
        return str(self._get("JWT_REFRESH_CSRF_FIELD_NAME"))

    def _expires(self, key: str) -> ExpiresDelta:
        delta = self._get(key)
        if delta is False:
            return False
        if type(delta) is int:
            delta = datetime.timedelta(seconds=delta)
        if not _addable_to_datetime(delta):
            raise RuntimeError(f"must be able to add {key} to datetime.datetime")
        return t.cast(ExpiresDelta, delta)

    @property
    def access_expires(self) -> ExpiresDelta:
        return self._expires("JWT_ACCESS_TOKEN_EXPIRES")

    @property
    def refresh_expires(self) -> ExpiresDelta:
        return self._expires("JWT_REFRESH_TOKEN_EXPIRES")

    @property
    def algorithm(self) -> str:
        name = str(self._get("JWT_ALGORITHM"))
        if name.lower() == "none":
            raise RuntimeError("JWT_ALGORITHM must not be 'none': unsigned tokens are forgeable")
        return name

    @property
    def decode_algorithms(self) -> list[str]:
        algorithms = self._get("JWT_DECODE_ALGORITHMS")
        if not algorithms:
            return [self.algorithm]
        result = [str(name) for name in algorithms if str(name).lower() != "none"]
        if self.algorithm not in result:
            result.append(self.algorithm)
        return result

    @property
    def _secret_key(self) -> t.Any:
        key = self._get("JWT_SECRET_KEY") or current_app.config.get("SECRET_KEY")
        if not key:
            raise RuntimeError(
                "JWT_SECRET_KEY or flask SECRET_KEY must be set when using symmetric"
                f' algorithm "{self.algorithm}"'
            )
        return key

    @property
    def _public_key(self) -> t.Any:
        key = self._get("JWT_PUBLIC_KEY")
        if not key:
            raise RuntimeError(
                "JWT_PUBLIC_KEY must be set to use asymmetric cryptography algorithm"
                f' "{self.algorithm}"'
            )
        return key

    @property
    def _private_key(self) -> t.Any:
        key = self._get("JWT_PRIVATE_KEY")
        if not key:
            raise RuntimeError(
                "JWT_PRIVATE_KEY must be set to use asymmetric cryptography algorithm"
                f' "{self.algorithm}"'
            )
        return key

    @property
    def cookie_max_age(self) -> int | None:
        # A persistent cookie lasts a year; the token's own exp still bounds its use.
        return None if self.session_cookie else 31540000

    @property
    def identity_claim_key(self) -> str:
        return str(self._get("JWT_IDENTITY_CLAIM"))

    @property
    def exempt_methods(self) -> t.Iterable[str]:
        return {"OPTIONS"}

    @property
    def error_msg_key(self) -> str:
        return str(self._get("JWT_ERROR_MESSAGE_KEY"))

    @property
    def json_encoder(self) -> type[json.JSONEncoder]:
        return get_json_encoder(current_app)

    @property
    def decode_audience(self) -> str | t.Iterable[str] | None:
        value: str | t.Iterable[str] | None = self._get("JWT_DECODE_AUDIENCE")
        return value

    @property
    def encode_audience(self) -> str | t.Iterable[str] | None:
        value: str | t.Iterable[str] | None = self._get("JWT_ENCODE_AUDIENCE")
        return value

    @property
    def encode_issuer(self) -> str | None:
        value: str | None = self._get("JWT_ENCODE_ISSUER")
        return value

    @property
    def decode_issuer(self) -> str | None:
        value: str | None = self._get("JWT_DECODE_ISSUER")
        return value

    @property
    def leeway(self) -> float | datetime.timedelta:
        value: float | datetime.timedelta = self._get("JWT_DECODE_LEEWAY")
        return value

    @property
    def verify_sub(self) -> bool:
        return bool(self._get("JWT_VERIFY_SUB"))

    @property
    def encode_nbf(self) -> bool:
        return bool(self._get("JWT_ENCODE_NBF"))


#: The settings of the current app.
config = _Config()
