"""Sessions: the interface an app uses to load and save them, and signed-cookie sessions.

The default keeps the session in a cookie signed with ``SECRET_KEY`` (HMAC-SHA256), encoded as
tagged JSON; nothing is ever unpickled.
"""

from __future__ import annotations

import collections.abc as c
import hashlib
import time
import typing as t
import zlib
from datetime import UTC, datetime

from itsdangerous import (
    BadData,
    BadPayload,
    BadSignature,
    Serializer,
    SignatureExpired,
    TimestampSigner,
    URLSafeTimedSerializer,
)
from itsdangerous.encoding import base64_decode, base64_encode
from werkzeug.datastructures import CallbackDict

from ._bounded import remember
from .json.tag import TaggedJSONSerializer

if t.TYPE_CHECKING:
    from .app import Kolba
    from .wrappers import Request, Response


class SessionMixin(c.MutableMapping[str, t.Any]):
    """What every session object has on top of being a dict."""

    @property
    def permanent(self) -> bool:
        """Whether the cookie outlives the browser session (``PERMANENT_SESSION_LIFETIME``)."""
        return self.get("_permanent", False)  # type: ignore[no-any-return]

    @permanent.setter
    def permanent(self, value: bool) -> None:
        self["_permanent"] = bool(value)

    #: True for a session that was created fresh, not loaded from the client.
    new = False
    #: True when the session was changed; nested changes need setting this by hand.
    modified = True
    #: True when the session was read; the response then gets ``Vary: Cookie``.
    accessed = True


class SecureCookieSession(CallbackDict[str, t.Any], SessionMixin):
    """The session of :class:`SecureCookieSessionInterface`: a dict that records reads and
    writes so the cookie is only sent when needed."""

    modified = False
    accessed = False

    def __init__(
        self, initial: c.Mapping[str, t.Any] | c.Iterable[tuple[str, t.Any]] | None = None
    ) -> None:
        def on_update(self: SecureCookieSession) -> None:
            self.modified = True
            self.accessed = True

        super().__init__(initial, on_update)

    def __getitem__(self, key: str) -> t.Any:
        self.accessed = True
        return super().__getitem__(key)

    def get(self, key: str, default: t.Any = None) -> t.Any:
        self.accessed = True
        return super().get(key, default)

    def setdefault(self, key: str, default: t.Any = None) -> t.Any:
        self.accessed = True
        return super().setdefault(key, default)

    def __contains__(self, key: object) -> bool:
        self.accessed = True
        return super().__contains__(key)

    def __len__(self) -> int:
        self.accessed = True
        return super().__len__()

    def __iter__(self) -> t.Iterator[str]:
        self.accessed = True
        return super().__iter__()

    def keys(self) -> t.KeysView[str]:  # type: ignore[override]
        self.accessed = True
        return super().keys()

    def values(self) -> t.ValuesView[t.Any]:  # type: ignore[override]
        self.accessed = True
        return super().values()

    def items(self) -> t.ItemsView[str, t.Any]:  # type: ignore[override]
        self.accessed = True
        return super().items()


class NullSession(SecureCookieSession):
    """The session used when no secret key is set: readable (always empty), and any write
    raises an error that says how to fix it."""

    def _fail(self, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise RuntimeError(
            "The session is unavailable because no secret key was set. Set the secret_key"
            " on the application (app.secret_key or the SECRET_KEY config key) to something"
            " unique and secret."
        )

    __setitem__ = __delitem__ = clear = pop = popitem = update = setdefault = _fail
    del _fail


class SessionInterface:
    """How an app loads and saves sessions; replace ``app.session_interface`` to change it.

    Implement :meth:`open_session` and :meth:`save_session`; the ``get_cookie_*`` helpers
    read the ``SESSION_COOKIE_*`` config keys.
    """

    #: What :meth:`make_null_session` creates.
    null_session_class = NullSession
    #: Whether the session cannot contain anything that pickles badly (informational).
    pickle_based = False

    def make_null_session(self, app: Kolba) -> NullSession:
        """Create the session used when :meth:`open_session` returns ``None``."""
        return self.null_session_class()

    def is_null_session(self, obj: object) -> bool:
        """Whether ``obj`` is a null session (which is never saved)."""
        return isinstance(obj, self.null_session_class)

    def get_cookie_name(self, app: Kolba) -> str:
        """``SESSION_COOKIE_NAME``."""
        return app.config["SESSION_COOKIE_NAME"]  # type: ignore[no-any-return]

    def get_cookie_domain(self, app: Kolba) -> str | None:
        """``SESSION_COOKIE_DOMAIN``; ``None`` makes a host-only cookie."""
        return app.config["SESSION_COOKIE_DOMAIN"]  # type: ignore[no-any-return]

    def get_cookie_path(self, app: Kolba) -> str:
        """``SESSION_COOKIE_PATH``, else ``APPLICATION_ROOT``."""
        return app.config["SESSION_COOKIE_PATH"] or app.config["APPLICATION_ROOT"]  # type: ignore[no-any-return]

    def get_cookie_httponly(self, app: Kolba) -> bool:
        """``SESSION_COOKIE_HTTPONLY``."""
        return app.config["SESSION_COOKIE_HTTPONLY"]  # type: ignore[no-any-return]

    def get_cookie_secure(self, app: Kolba) -> bool:
        """``SESSION_COOKIE_SECURE``."""
        return app.config["SESSION_COOKIE_SECURE"]  # type: ignore[no-any-return]

    def get_cookie_samesite(self, app: Kolba) -> str | None:
        """``SESSION_COOKIE_SAMESITE``."""
        return app.config["SESSION_COOKIE_SAMESITE"]  # type: ignore[no-any-return]

    def get_cookie_partitioned(self, app: Kolba) -> bool:
        """``SESSION_COOKIE_PARTITIONED``."""
        return app.config["SESSION_COOKIE_PARTITIONED"]  # type: ignore[no-any-return]

    def get_expiration_time(self, app: Kolba, session: SessionMixin) -> datetime | None:
        """When the cookie expires: now + ``PERMANENT_SESSION_LIFETIME`` for a permanent
        session, else ``None`` (a browser-session cookie)."""
        if session.permanent:
            return datetime.now(UTC) + app.permanent_session_lifetime
        return None

    def should_set_cookie(self, app: Kolba, session: SessionMixin) -> bool:
        """Whether to send the cookie: when modified, or for a permanent session when
        ``SESSION_REFRESH_EACH_REQUEST`` is on."""
        return session.modified or (
            session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]
        )

    def open_session(self, app: Kolba, request: Request) -> SessionMixin | None:
        """Load the session for ``request``; ``None`` means use a null session."""
        raise NotImplementedError()

    def save_session(self, app: Kolba, session: SessionMixin, response: Response) -> None:
        """Persist ``session`` and set what the client needs on ``response``."""
        raise NotImplementedError()


session_json_serializer = TaggedJSONSerializer()
_COMPRESS_FROM = 128


class _KeyCachingSigner(TimestampSigner):
    """A timestamp signer that derives its HMAC keys once instead of on every call."""

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._derived: dict[str | bytes | None, bytes] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        key = self._derived.get(secret_key)
        if key is None:
            key = self._derived[secret_key] = super().derive_key(secret_key)
        return key


class _SessionSerializer(URLSafeTimedSerializer):
    """Keeps its signers (they hold no per-call state) instead of building two per request."""

    default_signer = _KeyCachingSigner

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._signers: dict[str | bytes | None, t.Any] = {}
        # Cookies this serializer has verified: value -> (signing time, JSON payload). A
        # browser sends the same cookie until the session changes; its signature is checked
        # once, its age on every request.
        self._verified: dict[str, tuple[int, bytes]] = {}

    def loads(  # type: ignore[override]
        self,
        s: str | bytes,
        max_age: int | None = None,
        return_timestamp: bool = False,
        salt: str | bytes | None = None,
    ) -> t.Any:
        if return_timestamp or salt is not None or not isinstance(s, str) or len(s) > 4096:
            return super().loads(s, max_age=max_age, return_timestamp=return_timestamp, salt=salt)
        hit = self._verified.get(s)
        if hit is not None:
            signed_at, payload = hit
            age = int(time.time()) - signed_at
            if max_age is None or 0 <= age <= max_age:
                return Serializer.load_payload(self, payload)
            # Expired: itsdangerous raises the error it raises for such a cookie.
            return super().loads(s, max_age=max_age)
        last: BadSignature | None = None
        for signer in self.iter_unsigners(None):
            try:
                value, timestamp = signer.unsign(s, max_age=max_age, return_timestamp=True)
            except SignatureExpired:
                raise
            except BadSignature as e:
                last = e
                continue
            payload = self._decode_payload(value)
            obj = Serializer.load_payload(self, payload)
            remember(self._verified, s, (int(timestamp.timestamp()), payload), 1024)
            return obj
        assert last is not None
        raise last

    def make_signer(self, salt: str | bytes | None = None) -> t.Any:
        signer = self._signers.get(salt)
        if signer is None:
            signer = self._signers[salt] = super().make_signer(salt)
        return signer

    #: The most bytes a compressed payload may inflate to; a larger one is refused
    #: before it is parsed, so a small signed cookie cannot expand into megabytes.
    max_inflated_size = 256 * 1024

    def load_payload(self, payload: bytes, *args: t.Any, **kwargs: t.Any) -> t.Any:
        # Skip the URL-safe mixin's own decoding, done by _decode_payload.
        return Serializer.load_payload(self, self._decode_payload(payload), *args, **kwargs)

    def _decode_payload(self, payload: bytes) -> bytes:
        """The JSON bytes of a signed payload: base64, inflated if it starts with a dot."""
        compressed = payload.startswith(b".")
        try:
            data = base64_decode(payload[1:] if compressed else payload)
        except Exception as e:
            raise BadPayload("Could not base64 decode the payload.", original_error=e) from e
        if compressed:
            inflater = zlib.decompressobj()
            try:
                data = inflater.decompress(data, self.max_inflated_size)
            except zlib.error as e:
                raise BadPayload("Could not inflate the payload.", original_error=e) from e
            if inflater.unconsumed_tail or not inflater.eof:
                raise BadPayload(f"The payload inflates past {self.max_inflated_size} bytes.")
        return data

    def dump_payload(self, obj: t.Any) -> bytes:
        # Compressing a small session never makes the cookie shorter; skip the attempt.
        # Both forms are read back the same way.
        json = self.serializer.dumps(obj).encode()
        if len(json) < _COMPRESS_FROM:
            return base64_encode(json)
        return super().dump_payload(obj)


_serializers: dict[tuple[t.Any, ...], URLSafeTimedSerializer] = {}


class SecureCookieSessionInterface(SessionInterface):
    """Sessions stored in a cookie signed with ``SECRET_KEY`` (``SECRET_KEY_FALLBACKS`` are
    accepted when reading, never used to sign)."""

    #: Salt mixed into the signing key so session signatures differ from other signatures.
    salt = "cookie-session"
    #: The hash behind the HMAC signature.
    digest_method = staticmethod(hashlib.sha256)
    #: How the signing key is derived from the secret key.
    key_derivation = "hmac"
    #: Turns the session dict into a string and back.
    serializer = session_json_serializer
    session_class = SecureCookieSession

    def get_signing_serializer(self, app: Kolba) -> URLSafeTimedSerializer | None:
        """The serializer that signs and checks cookies, or ``None`` without a secret key."""
        if not app.secret_key:
            return None
        return self._serializer(app, self.digest_method)

    def _serializer(self, app: Kolba, digest_method: t.Any) -> URLSafeTimedSerializer:
        fallbacks = app.config["SECRET_KEY_FALLBACKS"] or ()
        # Building a serializer per request is measurable; keep one per key set (and per
        # class settings, which subclasses may change).
        cache_key = (
            type(self),
            self.salt,
            self.key_derivation,
            digest_method,
            self.serializer,
            app.secret_key,
            *fallbacks,
        )
        serializer = _serializers.get(cache_key)
        if serializer is None:
            # itsdangerous signs with the last key and accepts every key in the list.
            keys = [*fallbacks, app.secret_key]
            serializer = _SessionSerializer(
                keys,
                salt=self.salt,
                serializer=self.serializer,
                signer_kwargs={
                    "key_derivation": self.key_derivation,
                    "digest_method": digest_method,
                },
            )
            remember(_serializers, cache_key, serializer, 64)
        return serializer

    def open_session(self, app: Kolba, request: Request) -> SecureCookieSession | None:
        s = self.get_signing_serializer(app)
        if s is None:
            return None
        val = request.cookies.get(self.get_cookie_name(app))
        if not val:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data = s.loads(val, max_age=max_age)
        except BadData:
            return self._open_flask_cookie(app, val, max_age)
        if not isinstance(data, dict):
            return self.session_class()
        return self.session_class(data)

    def _open_flask_cookie(self, app: Kolba, val: str, max_age: int) -> SecureCookieSession:
        """Read a cookie signed the way Flask signs sessions (HMAC-SHA1), so moving an app
        from Flask logs nobody out; the session is marked modified and so re-signed in
        kolba's format when the response is saved. ``SESSION_ACCEPT_FLASK_COOKIES`` turns
        this off."""
        if not app.config.get("SESSION_ACCEPT_FLASK_COOKIES", True):
            return self.session_class()
        s = self._serializer(app, hashlib.sha1)
        try:
            data = s.loads(val, max_age=max_age)
        except BadData:
            return self.session_class()
        if not isinstance(data, dict):
            return self.session_class()
        session = self.session_class(data)
        session.modified = True
        return session

    def save_session(self, app: Kolba, session: SessionMixin, response: Response) -> None:
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        secure = self.get_cookie_secure(app)
        partitioned = self.get_cookie_partitioned(app)
        samesite = self.get_cookie_samesite(app)
        httponly = self.get_cookie_httponly(app)
        # Whether the request used the session, before the checks below read it.
        accessed = session.accessed

        if not session:
            if session.modified:
                response.delete_cookie(
                    name,
                    domain=domain,
                    path=path,
                    secure=secure,
                    partitioned=partitioned,
                    samesite=samesite,
                    httponly=httponly,
                )
                _vary_on_cookie(response)
            elif accessed:
                _vary_on_cookie(response)
            return
        if not self.should_set_cookie(app, session):
            if accessed:
                _vary_on_cookie(response)
            return
        expires = self.get_expiration_time(app, session)
        val = self.get_signing_serializer(app).dumps(dict(session))  # type: ignore[union-attr]
        response.set_cookie(
            name,
            val,
            expires=expires,
            httponly=httponly,
            domain=domain,
            path=path,
            secure=secure,
            partitioned=partitioned,
            samesite=samesite,
        )
        _vary_on_cookie(response)


def _vary_on_cookie(response: Response) -> None:
    """``response.vary.add("Cookie")``, without parsing a Vary header the response lacks."""
    headers = response.headers
    for key, _ in headers.items():
        if key.lower() == "vary":
            response.vary.add("Cookie")
            return
    headers.add("Vary", "Cookie")
