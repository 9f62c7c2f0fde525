"""kolba-sqlalchemy: SQLAlchemy 2.x for kolba apps with Flask-SQLAlchemy 3.1's API, plus
``asyncio`` sessions, safe pagination, a rollback-per-test fixture and ``kolba db`` commands.
"""

from __future__ import annotations

from .extension import SQLAlchemy as SQLAlchemy
from .extension import SQLAlchemyState as SQLAlchemyState
from .pagination import Pagination as Pagination
from .query import Query as Query
from .record_queries import get_recorded_queries as get_recorded_queries
from .session import Session as Session
from .track_modifications import before_models_committed as before_models_committed
from .track_modifications import models_committed as models_committed

__version__ = "0.1.0"
