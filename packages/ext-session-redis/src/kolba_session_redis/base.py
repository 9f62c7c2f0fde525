"""The parts of server-side sessions that do not depend on the store, as in Flask-Session's
``base`` module: ``ServerSideSession`` (the session views see, with ``sid`` and
``regenerate()``) and ``ServerSideSessionInterface`` (ids, signing, cookie settings).
"""

from __future__ import annotations

import collections.abc as c
import hashlib
import re
import secrets
import typing as t

from itsdangerous import BadSignature, Signer
from werkzeug.exceptions import ServiceUnavailable

from kolba.sessions import NullSession, SecureCookieSession, SessionInterface, SessionMixin

if t.TYPE_CHECKING:
    from kolba import Kolba

# What secrets.token_urlsafe makes. Any length in this range is accepted, so changing
# SESSION_ID_LENGTH keeps existing sessions; anything else in the cookie is ignored.
_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{16,512}")


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


class ServerSideSession(SecureCookieSession):
    """A session stored on the server under ``SESSION_KEY_PREFIX + sid``; the cookie holds
    only the id. Reads and writes are tracked, so an unchanged session is not written back."""

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


class ServerSideSessionInterface(SessionInterface):
    """What every server-side session interface shares: session ids, their signing, the
    cookie, and the settings of Flask-Session's ``SESSION_*`` keys.

    :param key_prefix: put before the session id to make the store's key.
    :param use_signer: sign the id in the cookie with ``SECRET_KEY`` (ids are random and unknown
        ids are never adopted, so this is defence in depth, not a requirement).
    :param permanent: whether sessions are permanent unless a view says otherwise.
    :param sid_length: random bytes in a session id.
    :param serialization_format: ``"json"`` (the core's tagged JSON) or ``"msgpack"``, for
        writing; both are read.
    """

    session_class: type[ServerSideSession] = ServerSideSession
    null_session_class = UnavailableSession
    #: Salt of the signature on the session id (``SESSION_USE_SIGNER``).
    salt = "kolba-session-redis"

    def __init__(
        self,
        *,
        key_prefix: str = "session:",
        use_signer: bool = False,
        permanent: bool = True,
        sid_length: int = 32,
        serialization_format: str = "json",
    ) -> None:
        self.key_prefix = key_prefix
        self.use_signer = use_signer
        self.permanent = permanent
        self.sid_length = sid_length
        self.serialization_format = serialization_format

    def generate_sid(self) -> str:
        """A new random session id (``SESSION_ID_LENGTH`` bytes from :mod:`secrets`)."""
        return new_session_id(self.sid_length)

    def regenerate(self, session: SessionMixin) -> None:
        """Give ``session`` a new id (Flask-Session's spelling of ``session.regenerate()``)."""
        if isinstance(session, ServerSideSession):
            session.regenerate()

    def _make_session(self, data: dict[str, t.Any] | None, **kwargs: t.Any) -> ServerSideSession:
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

    def _cookie_options(self, app: Kolba) -> dict[str, t.Any]:
        return {
            "domain": self.get_cookie_domain(app),
            "path": self.get_cookie_path(app),
            "secure": self.get_cookie_secure(app),
            "partitioned": self.get_cookie_partitioned(app),
            "samesite": self.get_cookie_samesite(app),
            "httponly": self.get_cookie_httponly(app),
        }
