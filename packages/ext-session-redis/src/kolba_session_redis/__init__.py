"""kolba-session-redis: server-side sessions in Redis for kolba, with Flask-Session's API:
``Session(app)``, the ``SESSION_*`` config keys, ``session.sid`` and ``session.regenerate()``.
"""

from __future__ import annotations

from .extension import Session as Session
from .extension import connect as connect
from .serialization import PayloadRefused as PayloadRefused
from .sessions import RedisSession as RedisSession
from .sessions import RedisSessionInterface as RedisSessionInterface
from .sessions import SessionUnavailable as SessionUnavailable
from .sessions import UnavailableSession as UnavailableSession

__version__ = "0.1.0"
