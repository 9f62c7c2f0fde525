"""``Session``: SQLAlchemy's session, choosing the engine of a model's bind key."""

from __future__ import annotations

import typing as t

import sqlalchemy as sa
import sqlalchemy.exc as sa_exc
import sqlalchemy.orm as sa_orm

from kolba.globals import app_ctx

if t.TYPE_CHECKING:
    from .extension import SQLAlchemy


def _bind_key_of(clause: t.Any) -> tuple[bool, str | None]:
    """The bind key of a mapper or table's metadata: ``(found, key)``."""
    table: t.Any = None
    if isinstance(clause, sa_orm.Mapper):
        table = clause.local_table
    elif isinstance(clause, sa.Table):
        table = clause
    if table is None:
        return False, None
    info = getattr(table.metadata, "info", {})
    if "bind_key" in info:
        return True, info["bind_key"]
    return False, None


class Session(sa_orm.Session):
    """The class of ``db.session``'s sessions. A model or table whose metadata names a bind
    key is read and written through that bind's engine; everything else uses the default
    engine (``SQLALCHEMY_DATABASE_URI``)."""

    def __init__(self, db: SQLAlchemy, **kwargs: t.Any) -> None:
        super().__init__(**kwargs)
        self._db = db
        self._model_changes: dict[object, tuple[t.Any, str]] = {}

    def _engines(self) -> t.Mapping[str | None, sa.engine.Engine | sa.engine.Connection]:
        state = self._db._state()
        return state.connections or state.engines

    def get_bind(
        self,
        mapper: t.Any | None = None,
        clause: t.Any | None = None,
        bind: sa.engine.Engine | sa.engine.Connection | None = None,
        **kwargs: t.Any,
    ) -> sa.engine.Engine | sa.engine.Connection:
        if bind is not None:
            return bind
        engines = self._engines()
        if mapper is not None:
            try:
                mapper = sa.inspect(mapper)
            except sa_exc.NoInspectionAvailable as e:
                if isinstance(mapper, type):
                    raise sa_orm.exc.UnmappedClassError(mapper) from e
                raise
            # A subclass in joined inheritance has its own table; walk up to a table that
            # says which bind it is in.
            for candidate in mapper.iterate_to_root():
                found, key = _bind_key_of(candidate)
                if found:
                    return self._engine_for(engines, key)
        if clause is not None:
            for table in _tables_of(clause):
                found, key = _bind_key_of(table)
                if found:
                    return self._engine_for(engines, key)
        if None in engines:
            return engines[None]
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)

    @staticmethod
    def _engine_for(
        engines: t.Mapping[str | None, sa.engine.Engine | sa.engine.Connection], key: str | None
    ) -> sa.engine.Engine | sa.engine.Connection:
        try:
            return engines[key]
        except KeyError:
            raise sa_exc.UnboundExecutionError(
                f"Bind key {key!r} is not in 'SQLALCHEMY_BINDS'. Add it to the config."
            ) from None


def _tables_of(clause: t.Any) -> list[sa.Table]:
    from sqlalchemy.sql import visitors

    found: list[sa.Table] = []
    if isinstance(clause, sa.Table):
        return [clause]
    for element in visitors.iterate(clause):
        if isinstance(element, sa.Table):
            found.append(element)
    return found


def _app_ctx_id() -> int:
    """The scope of ``db.session``: the current app context."""
    return id(app_ctx._get_current_object())  # type: ignore[attr-defined]


class AsyncBoundSession(Session):
    """The synchronous session inside ``db.async_session``'s ``AsyncSession``: the same bind
    key rules, over the app's ``asyncio`` engines."""

    def _engines(self) -> t.Mapping[str | None, sa.engine.Engine | sa.engine.Connection]:
        return {key: engine.sync_engine for key, engine in self._db.async_engines.items()}
