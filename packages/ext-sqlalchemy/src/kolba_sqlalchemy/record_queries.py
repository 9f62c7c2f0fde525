"""Recording the queries run during an app context, with ``SQLALCHEMY_RECORD_QUERIES``:
``get_recorded_queries()`` returns what ran, how long it took and which line of the app ran it.
"""

from __future__ import annotations

import dataclasses
import inspect
import time
import typing as t

import sqlalchemy as sa

from kolba import current_app, g, has_app_context

_G_KEY = "_sqlalchemy_queries"


@dataclasses.dataclass
class _QueryInfo:
    """One recorded query."""

    #: The SQL, with placeholders.
    statement: str | None
    #: The parameters sent with it.
    parameters: t.Any
    #: ``time.perf_counter()`` when it started and ended.
    start_time: float
    end_time: float
    #: ``path:line (function)`` of the app code that ran it.
    location: str

    @property
    def duration(self) -> float:
        """Seconds the query took."""
        return self.end_time - self.start_time


def get_recorded_queries() -> list[_QueryInfo]:
    """The queries recorded in the current app context (empty when recording is off)."""
    return g.get(_G_KEY, [])  # type: ignore[no-any-return]


def _caller_location(import_name: str) -> str:
    """The first frame of the app's own code; else the first outside SQLAlchemy and kolba."""
    fallback = "<unknown>"
    frame = inspect.currentframe()
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        here = f"{frame.f_code.co_filename}:{frame.f_lineno} ({frame.f_code.co_name})"
        if module == import_name or module.startswith(import_name + "."):
            return here
        if (
            fallback == "<unknown>"
            and not module.startswith(("sqlalchemy", "kolba", "kolba_sqlalchemy", "contextlib"))
            and module != __name__
        ):
            fallback = here
        frame = frame.f_back
    return fallback


def _listen(engine: sa.engine.Engine) -> None:
    sa.event.listen(engine, "before_cursor_execute", _record_start, named=True)
    sa.event.listen(engine, "after_cursor_execute", _record_end, named=True)


def _record_start(*, context: sa.engine.ExecutionContext, **kwargs: t.Any) -> None:
    if has_app_context():
        context._fsa_start_time = time.perf_counter()  # type: ignore[attr-defined]


def _record_end(*, context: sa.engine.ExecutionContext, **kwargs: t.Any) -> None:
    if not has_app_context() or not hasattr(context, "_fsa_start_time"):
        return
    queries: list[_QueryInfo] = g.setdefault(_G_KEY, [])
    queries.append(
        _QueryInfo(
            statement=context.statement,
            parameters=context.parameters,
            start_time=context._fsa_start_time,
            end_time=time.perf_counter(),
            location=_caller_location(current_app.import_name),
        )
    )
