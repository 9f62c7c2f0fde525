"""Signals about committed model changes, with ``SQLALCHEMY_TRACK_MODIFICATIONS``:
``before_models_committed`` and ``models_committed`` receive the app and a list of
``(instance, "insert" | "update" | "delete")``.
"""

from __future__ import annotations

import typing as t

import sqlalchemy as sa
import sqlalchemy.orm as sa_orm
from blinker import Namespace

from kolba import current_app, has_app_context

_signals = Namespace()

#: Sent after a commit; the sender is the app, ``changes`` the committed changes.
models_committed = _signals.signal("models-committed")
#: Sent before a commit; the sender is the app, ``changes`` the changes about to commit.
before_models_committed = _signals.signal("before-models-committed")


def _listen(session: sa_orm.scoped_session[t.Any]) -> None:
    sa.event.listen(session, "before_flush", _record_ops, named=True)
    sa.event.listen(session, "before_commit", _before_commit)
    sa.event.listen(session, "after_commit", _after_commit)
    sa.event.listen(session, "after_rollback", _after_rollback)


def _tracking(session: sa_orm.Session) -> bool:
    return has_app_context() and bool(current_app.config.get("SQLALCHEMY_TRACK_MODIFICATIONS"))


def _changes(session: sa_orm.Session) -> dict[object, tuple[t.Any, str]]:
    changes: dict[object, tuple[t.Any, str]] | None = getattr(session, "_model_changes", None)
    if changes is None:
        changes = {}
        session._model_changes = changes  # type: ignore[attr-defined]
    return changes


def _app() -> t.Any:
    return current_app._get_current_object()  # type: ignore[attr-defined]


def _record_ops(session: sa_orm.Session, **kwargs: t.Any) -> None:
    if not _tracking(session):
        return
    changes = _changes(session)
    for targets, operation in (
        (session.new, "insert"),
        (session.dirty, "update"),
        (session.deleted, "delete"),
    ):
        for target in targets:
            state = sa.inspect(target)
            key = state.identity_key if state.has_identity else id(target)
            changes[key] = (target, operation)


def _before_commit(session: sa_orm.Session) -> None:
    if not _tracking(session):
        return
    # Pending changes are flushed by the commit; record them before this signal sees them.
    session.flush()
    changes = _changes(session)
    if changes:
        before_models_committed.send(_app(), changes=list(changes.values()))


def _after_commit(session: sa_orm.Session) -> None:
    if not _tracking(session):
        return
    changes = _changes(session)
    if changes:
        models_committed.send(_app(), changes=list(changes.values()))
        changes.clear()


def _after_rollback(session: sa_orm.Session) -> None:
    _changes(session).clear()
