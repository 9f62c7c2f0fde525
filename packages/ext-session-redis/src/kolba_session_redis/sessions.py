"""Server-side sessions in Redis: the session object views see, and the interface that loads it
with one Redis round trip and saves it with at most one more, or answers 503 when Redis fails.
"""

from __future__ import annotations

import collections.abc as c
import hashlib
import logging
import re
import secrets
import typing as t

from itsdangerous import BadSignature, Signer
from redis.exceptions import RedisError
from werkzeug.exceptions import ServiceUnavailable

from kolba.sessions import NullSession, SecureCookieSession, SessionInterface, SessionMixin

from . import serialization

if t.TYPE_CHECKING:
    from kolba import Kolba
    from kolba.wrappers import Request, Response

logger = logging.getLogger("kolba_session_redis")

# What secrets.token_urlsafe makes. Any length in this range is accepted, so changing
# SESSION_ID_LENGTH keeps existing sessions; anything else in the cookie is ignored.
_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{16,512}")
# Set in the WSGI environ when Redis failed during this request, so that later reads of the
# session in the same request (an error page's template) do not wait for Redis again.
_FAILED = "kolba_session_redis.failed"


def new_session_id(length: int) -> str:
    """A new session id: ``length`` random bytes from :mod:`secrets`, URL-safe base64."""
    return secrets.token_urlsafe(length)


class SessionUnavailable(ServiceUnavailable):
    """Redis did not answer (down, stalled past the timeout, or refusing writes) while a
    request loaded or saved its session; the client gets this 503."""

    description = (
        "Sessions are unavailable right now because the session store is not answering."
        " Please try again in a moment."
    )

    def get_headers(self, *args: t.Any, **kwargs: t.Any) -> list[tuple[str, str]]:
        # An answer about a session that could not be stored must not be cached.
        return [*super().get_headers(*args, **kwargs), ("Cache-Control", "no-store")]


class RedisSession(SecureCookieSession):
    """A session stored in Redis under ``SESSION_KEY_PREFIX + sid``; the cookie holds only
    the id. Reads and writes are tracked, so an unchanged session is not written back."""

    def __init__(
        self,
        initial: c.Mapping[str, t.Any] | None = None,
        *,
        sid: str,
        stored_sid: str | None = None,
        stored: bytes | None = None,
        sid_length: int = 32,
        default_permanent: bool = True,
    ) -> None:
        super().__init__(initial)
        #: The session id the response's cookie carries.
        self.sid = sid
        #: The id this session was loaded from; ``None`` for a new session.
        self.stored_sid = stored_sid
        #: The value as loaded, to skip writing back the same bytes.
        self.stored = stored
        self.sid_length = sid_length
        self.default_permanent = default_permanent
        self.new = stored_sid is None

    @property
    def permanent(self) -> bool:
        """Whether the cookie outlives the browser session; ``SESSION_PERMANENT`` unless set."""
        return bool(dict.get(self, "_permanent", self.default_permanent))

    @permanent.setter
    def permanent(self, value: bool) -> None:
        self["_permanent"] = bool(value)

    def regenerate(self) -> None:
        """Give the session a new id and keep its data; the old id's key is deleted when the
        response is saved. Call it when a user logs in, so an id handed out before the login
        (session fixation) is worthless afterwards.

        .. versionadded:: 0.1.0
        """
        self.sid = new_session_id(self.sid_length)
        self.modified = True

    def has_data(self) -> bool:
        """Whether there is anything to store (``_permanent`` alone is not)."""
        return any(key != "_permanent" for key in dict.keys(self))


class UnavailableSession(NullSession):
    """The session for the rest of a request in which Redis failed: empty, and writing to it
    answers 503, so an error page that reads the session still renders."""

    def _fail(self, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise SessionUnavailable()

    __setitem__ = __delitem__ = clear = pop = popitem = update = setdefault = _fail
    del _fail


class RedisSessionInterface(SessionInterface):
    """Loads and saves :class:`RedisSession` objects in Redis.

    :param client: a redis-py client: ``redis.Redis``, a Sentinel ``master_for(...)`` client or
        ``redis.cluster.RedisCluster``. Its timeouts and retry policy decide how long a request
        waits for a stalled Redis.
    :param key_prefix: put before the session id to make the Redis key.
    :param use_signer: sign the id in the cookie with ``SECRET_KEY`` (ids are random and unknown
        ids are never adopted, so this is defence in depth, not a requirement).
    :param permanent: whether sessions are permanent unless a view says otherwise.
    :param sid_length: random bytes in a session id.
    :param serialization_format: ``"json"`` (the core's tagged JSON) or ``"msgpack"``, for
        writing; both are read.
    """

    session_class = RedisSession
    null_session_class = UnavailableSession
    #: Salt of the signature on the session id (``SESSION_USE_SIGNER``).
    salt = "kolba-session-redis"

    def __init__(
        self,
        client: t.Any,
        *,
        key_prefix: str = "session:",
        use_signer: bool = False,
        permanent: bool = True,
        sid_length: int = 32,
        serialization_format: str = "json",
    ) -> None:
        self.client = client
        self.key_prefix = key_prefix
        self.use_signer = use_signer
        self.permanent = permanent
        self.sid_length = sid_length
        self.serialization_format = serialization_format

    # -- loading ----------------------------------------------------------------------------

    def open_session(self, app: Kolba, request: Request) -> RedisSession | None:
        """Load the session named by the cookie, in one ``GET``. An id Redis does not know, a
        bad signature or a refused payload gives a new session with a new id: a client never
        chooses its own id. Raises :class:`SessionUnavailable` when Redis does not answer."""
        if request.environ.get(_FAILED):
            return None
        sid = self._sid_from_cookie(app, request.cookies.get(self.get_cookie_name(app)))
        if sid is not None:
            key = self.key_prefix + sid
            try:
                raw = self.client.get(key)
            except RedisError as e:
                request.environ[_FAILED] = True
                raise self._unavailable("load", e) from e
            if raw is not None:
                if isinstance(raw, str):  # a client made with decode_responses=True
                    raw = raw.encode()
                try:
                    data = serialization.loads(raw)
                except serialization.PayloadRefused as e:
                    logger.warning(
                        "Refused the session stored under %s...: %s. A new session is issued.",
                        self.key_prefix,
                        e,
                    )
                else:
                    return self._make_session(data, sid=sid, stored_sid=sid, stored=raw)
        return self._make_session(None, sid=self.generate_sid())

    def generate_sid(self) -> str:
        """A new random session id (``SESSION_ID_LENGTH`` bytes from :mod:`secrets`)."""
        return new_session_id(self.sid_length)

    def regenerate(self, session: SessionMixin) -> None:
        """Give ``session`` a new id (Flask-Session's spelling of ``session.regenerate()``)."""
        if isinstance(session, RedisSession):
            session.regenerate()

    def _make_session(self, data: dict[str, t.Any] | None, **kwargs: t.Any) -> RedisSession:
        return self.session_class(
            data, sid_length=self.sid_length, default_permanent=self.permanent, **kwargs
        )

    def _signer(self, app: Kolba) -> Signer:
        if not app.secret_key:
            raise RuntimeError(
                "SESSION_USE_SIGNER is on but SECRET_KEY is not set. Set app.secret_key, or"
                " turn SESSION_USE_SIGNER off."
            )
        # itsdangerous signs with the last key and accepts every key in the list.
        keys = [*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key]
        return Signer(keys, salt=self.salt, key_derivation="hmac", digest_method=hashlib.sha256)

    def _sid_from_cookie(self, app: Kolba, value: str | None) -> str | None:
        if not value:
            return None
        if self.use_signer:
            try:
                value = self._signer(app).unsign(value).decode("ascii")
            except (BadSignature, UnicodeDecodeError):
                return None
        return value if _SESSION_ID.fullmatch(value) else None

    # -- saving -----------------------------------------------------------------------------

    def save_session(self, app: Kolba, session: SessionMixin, response: Response) -> None:
        """Write the session back only when its contents changed (one ``SET`` with ``EX``;
        after :meth:`RedisSession.regenerate` one pipeline of ``DEL`` and ``SET``), refresh the
        expiry of an unchanged permanent session when ``SESSION_REFRESH_EACH_REQUEST`` asks
        (one ``EXPIRE``), or delete the key and the cookie of an emptied session.

        When Redis fails here, :class:`SessionUnavailable` is raised and the client gets the
        app's 503 response instead: it must not take the request for done when its session
        was not saved.
        """
        if not isinstance(session, RedisSession):
            return
        if session.accessed:
            response.vary.add("Cookie")
        try:
            self._store(app, session, response)
        except RedisError as e:
            # The core answers an HTTP error raised here through the app's error handlers.
            raise self._unavailable("save", e) from e

    def _store(self, app: Kolba, session: RedisSession, response: Response) -> None:
        prefix = self.key_prefix
        if not session.has_data():
            if session.modified:
                if session.stored_sid is not None:
                    self.client.delete(prefix + session.stored_sid)
                response.delete_cookie(self.get_cookie_name(app), **self._cookie_options(app))
                response.vary.add("Cookie")
            return
        ttl = max(1, int(app.permanent_session_lifetime.total_seconds()))
        if session.stored_sid != session.sid:  # a new session, or one given a new id
            self._create(session, ttl)
        elif session.modified and (payload := self._dumps(session)) != session.stored:
            # XX: a session that a concurrent request deleted (logout, regenerate) since this
            # request loaded it stays deleted.
            if not self.client.set(prefix + session.sid, payload, ex=ttl, xx=True):
                logger.info("A session deleted by a concurrent request was not written back.")
                return
        elif session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]:
            if not self.client.expire(prefix + session.sid, ttl):
                return
        else:
            return
        value = session.sid
        if self.use_signer:
            value = self._signer(app).sign(value).decode("ascii")
        response.set_cookie(
            self.get_cookie_name(app),
            value,
            expires=self.get_expiration_time(app, session),
            **self._cookie_options(app),
        )
        response.vary.add("Cookie")

    def _create(self, session: RedisSession, ttl: int) -> None:
        """Store ``session`` under its new id with ``SET NX``, deleting the id it had before in
        the same round trip; NX makes sure no other session's key is ever overwritten."""
        payload = self._dumps(session)
        stale = session.stored_sid
        for _ in range(3):
            key = self.key_prefix + session.sid
            if stale is None:
                created = self.client.set(key, payload, ex=ttl, nx=True)
            else:
                pipe = self.client.pipeline(transaction=False)
                pipe.delete(self.key_prefix + stale)
                pipe.set(key, payload, ex=ttl, nx=True)
                created = pipe.execute()[-1]
                stale = None
            if created:
                session.stored_sid = session.sid
                session.stored = payload
                return
            session.sid = self.generate_sid()
        raise RuntimeError("Could not find an unused session id; is the random source broken?")

    def _dumps(self, session: RedisSession) -> bytes:
        return serialization.dumps(dict(session), self.serialization_format)

    def _cookie_options(self, app: Kolba) -> dict[str, t.Any]:
        return {
            "domain": self.get_cookie_domain(app),
            "path": self.get_cookie_path(app),
            "secure": self.get_cookie_secure(app),
            "partitioned": self.get_cookie_partitioned(app),
            "samesite": self.get_cookie_samesite(app),
            "httponly": self.get_cookie_httponly(app),
        }

    # -- failures ---------------------------------------------------------------------------

    def _unavailable(self, action: str, error: RedisError) -> SessionUnavailable:
        logger.warning(
            "Could not %s a session, answering 503: Redis failed with %s: %s",
            action,
            type(error).__name__,
            error,
        )
        return SessionUnavailable()
