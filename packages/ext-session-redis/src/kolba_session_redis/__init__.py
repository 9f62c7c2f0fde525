"""kolba-session-redis: server-side sessions in Redis for kolba, with Flask-Session's API:
``Session(app)``, the ``SESSION_*`` config keys, ``session.sid`` and ``session.regenerate()``.

Flask-Session's modules are here under the same names: ``kolba_session_redis.base``
(``ServerSideSession``, ``ServerSideSessionInterface``) and ``kolba_session_redis.redis``
(``RedisSession``, ``RedisSessionInterface``).
"""

from __future__ import annotations

from .base import ServerSideSession as ServerSideSession
from .base import ServerSideSessionInterface as ServerSideSessionInterface
from .base import SessionUnavailable as SessionUnavailable
from .base import UnavailableSession as UnavailableSession
from .extension import Session as Session
from .extension import SessionState as SessionState
from .extension import connect as connect
from .redis import RedisSession as RedisSession
from .redis import RedisSessionInterface as RedisSessionInterface
from .serialization import PayloadRefused as PayloadRefused

__version__ = "0.1.0"
