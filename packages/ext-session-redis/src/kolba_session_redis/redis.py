"""Server-side sessions in Redis, as in Flask-Session's ``redis`` module: ``RedisSession`` and
``RedisSessionInterface``, which loads a session with one Redis round trip and saves it with at
most one more, or answers 503 when Redis fails.
"""

from __future__ import annotations

import logging
import typing as t

import redis
from redis.exceptions import RedisError

from . import serialization
from .base import ServerSideSession, ServerSideSessionInterface, SessionUnavailable

if t.TYPE_CHECKING:
    from kolba import Kolba
    from kolba.sessions import SessionMixin
    from kolba.wrappers import Request, Response

__all__ = ["RedisSession", "RedisSessionInterface"]

logger = logging.getLogger("kolba_session_redis")

#: Where sessions go when no client is given, as with Flask-Session's default client.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
# Set in the WSGI environ when Redis failed during this request, so that later reads of the
# session in the same request (an error page's template) do not wait for Redis again.
_FAILED = "kolba_session_redis.failed"


class RedisSession(ServerSideSession):
    """A session stored in Redis under ``SESSION_KEY_PREFIX + sid``."""


class RedisSessionInterface(ServerSideSessionInterface):
    """Loads and saves :class:`RedisSession` objects in Redis.

    :param app: accepted for Flask-Session's signature; not used.
    :param client: a redis-py client: ``redis.Redis``, a Sentinel ``master_for(...)`` client or
        ``redis.cluster.RedisCluster``. Its timeouts and retry policy decide how long a request
        waits for a stalled Redis. ``None``: a client for ``redis://127.0.0.1:6379/0``, as
        Flask-Session makes.
    :param key_prefix: put before the session id to make the Redis key.
    :param use_signer: sign the id in the cookie with ``SECRET_KEY``.
    :param permanent: whether sessions are permanent unless a view says otherwise.
    :param sid_length: random bytes in a session id.
    :param serialization_format: ``"json"`` (the core's tagged JSON) or ``"msgpack"``, for
        writing; both are read.
    """

    session_class = RedisSession
    #: Redis expires the keys itself (Flask-Session's flag for stores with a TTL).
    ttl = True

    def __init__(
        self,
        app: Kolba | None = None,
        client: t.Any = None,
        key_prefix: str = "session:",
        use_signer: bool = False,
        permanent: bool = True,
        sid_length: int = 32,
        serialization_format: str = "json",
    ) -> None:
        super().__init__(
            key_prefix=key_prefix,
            use_signer=use_signer,
            permanent=permanent,
            sid_length=sid_length,
            serialization_format=serialization_format,
        )
        if client is None:
            client = redis.Redis.from_url(DEFAULT_REDIS_URL)
        self.client = client

    # -- loading ----------------------------------------------------------------------------

    def open_session(self, app: Kolba, request: Request) -> ServerSideSession | None:
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
        if not isinstance(session, ServerSideSession):
            return
        if session.accessed:
            response.vary.add("Cookie")
        try:
            self._store(app, session, response)
        except RedisError as e:
            # The core answers an HTTP error raised here through the app's error handlers.
            raise self._unavailable("save", e) from e

    def _store(self, app: Kolba, session: ServerSideSession, response: Response) -> None:
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

    def _create(self, session: ServerSideSession, ttl: int) -> None:
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

    def _dumps(self, session: ServerSideSession) -> bytes:
        return serialization.dumps(dict(session), self.serialization_format)

    # -- failures ---------------------------------------------------------------------------

    def _unavailable(self, action: str, error: RedisError) -> SessionUnavailable:
        logger.warning(
            "Could not %s a session, answering 503: Redis failed with %s: %s",
            action,
            type(error).__name__,
            error,
        )
        return SessionUnavailable()
