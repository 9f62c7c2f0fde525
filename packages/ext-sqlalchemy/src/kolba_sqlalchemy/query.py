"""The legacy ``Query`` of ``Model.query`` and ``db.session.query``, with the ``*_or_404``
helpers and ``paginate``."""

from __future__ import annotations

import typing as t

import sqlalchemy.exc as sa_exc
import sqlalchemy.orm as sa_orm

from kolba import abort

from .pagination import Pagination, QueryPagination


class Query(sa_orm.Query):  # type: ignore[type-arg]
    """SQLAlchemy's legacy ``Query`` with helpers for views: a missing row aborts with 404."""

    def get_or_404(self, ident: t.Any, description: str | None = None) -> t.Any:
        """Like ``get()``, but abort with 404 when there is no such row, or the id cannot be
        one (wrong type, out of range)."""
        from .extension import _coerce_ident, _get_or_none

        entity = self._only_full_mapper_zero("get_or_404")
        possible, ident = _coerce_ident(entity, ident)
        rv = _get_or_none(self.session, lambda: self.get(ident)) if possible else None
        if rv is None:
            abort(404, description=description)
        return rv

    def first_or_404(self, description: str | None = None) -> t.Any:
        """Like ``first()``, but abort with 404 when there is no row."""
        rv = self.first()
        if rv is None:
            abort(404, description=description)
        return rv

    def one_or_404(self, description: str | None = None) -> t.Any:
        """Like ``one()``, but abort with 404 when there is no row or more than one."""
        try:
            return self.one()
        except (sa_exc.NoResultFound, sa_exc.MultipleResultsFound):
            abort(404, description=description)

    def paginate(
        self,
        *,
        page: int | None = None,
        per_page: int | None = None,
        max_per_page: int | None = None,
        error_out: bool = True,
        count: bool = True,
    ) -> Pagination:
        """Return one page of results as a :class:`~kolba_sqlalchemy.pagination.Pagination`;
        ``page`` and ``per_page`` default to the request's query arguments (see
        :meth:`kolba_sqlalchemy.SQLAlchemy.paginate`)."""
        return QueryPagination(
            query=self,
            page=page,
            per_page=per_page,
            max_per_page=max_per_page,
            error_out=error_out,
            count=count,
        )
