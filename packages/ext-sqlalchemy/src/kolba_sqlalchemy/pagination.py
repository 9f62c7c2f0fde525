"""``Pagination``: one page of results with the numbers a template needs to link the others.

Page numbers come from the code or from the request's ``page`` and ``per_page`` query
arguments; values from the request are validated (404 when ``error_out``) and ``per_page`` is
capped by ``max_per_page`` or the ``SQLALCHEMY_MAX_PER_PAGE`` config key. A page whose offset
no database could hold is a 404 too, never an overflow error.
"""

from __future__ import annotations

import typing as t
from math import ceil

import sqlalchemy as sa
import sqlalchemy.orm as sa_orm

from kolba import abort, current_app, has_request_context, request

#: The largest offset plus limit SQL databases accept (a signed 64-bit integer).
_MAX_ROW = 2**63 - 1
_DEFAULT_PER_PAGE = 20


def _request_int(name: str) -> int | None:
    if not has_request_context():
        return None
    raw = request.args.get(name)
    if raw is None:
        return None
    raw = raw.strip()
    # int() would accept "1_000" and Unicode digits and take seconds on huge strings.
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        raise ValueError(name)
    return int(raw)


def _config_cap() -> int | None:
    try:
        value = current_app.config.get("SQLALCHEMY_MAX_PER_PAGE")
    except RuntimeError:
        return None
    return value if isinstance(value, int) else None


class Pagination:
    """One page of items. Use a subclass: :class:`SelectPagination` (``db.paginate``) or
    :class:`QueryPagination` (``Query.paginate``).

    ``page`` and ``per_page`` given in the code are trusted; when left ``None`` they are read
    from the request's query arguments, validated, and ``per_page`` is capped by
    ``max_per_page`` (else the app's ``SQLALCHEMY_MAX_PER_PAGE``). With ``error_out`` an
    invalid value, or a page past the end, aborts with 404; without it the values fall back
    to page 1 and 20 per page.
    """

    def __init__(
        self,
        page: int | None = None,
        per_page: int | None = None,
        max_per_page: int | None = None,
        error_out: bool = True,
        count: bool = True,
        **kwargs: t.Any,
    ) -> None:
        self._query_args = kwargs
        page, per_page = self._prepare_page_args(page, per_page, max_per_page, error_out)
        #: The current page number, from 1.
        self.page: int = page
        #: The most items on a page.
        self.per_page: int = per_page
        #: The cap applied to ``per_page``.
        self.max_per_page: int | None = max_per_page
        if (page - 1) * per_page + per_page > _MAX_ROW:
            if error_out:
                abort(404, description="The page number is out of range.")
            items: list[t.Any] = []
        else:
            items = self._query_items()
        if not items and page != 1 and error_out:
            abort(404, description="There is no such page.")
        #: The items on this page.
        self.items: list[t.Any] = items
        #: The number of items over all pages, or ``None`` when ``count=False``.
        self.total: int | None = self._query_count() if count else None

    @staticmethod
    def _prepare_page_args(
        page: int | None, per_page: int | None, max_per_page: int | None, error_out: bool
    ) -> tuple[int, int]:
        from_request = False
        try:
            if page is None:
                page = _request_int("page")
            if per_page is None:
                per_page = _request_int("per_page")
                from_request = per_page is not None
        except ValueError:
            if error_out:
                abort(404, description="page and per_page must be positive whole numbers.")
            page = page if isinstance(page, int) else None
            per_page = per_page if isinstance(per_page, int) else None
        if page is None:
            page = 1
        if per_page is None:
            per_page = _DEFAULT_PER_PAGE
        cap = (
            max_per_page if max_per_page is not None else (_config_cap() if from_request else None)
        )
        if cap is not None:
            per_page = min(per_page, cap)
        if page < 1:
            if error_out:
                abort(404, description="page must be 1 or more.")
            page = 1
        if per_page < 1:
            if error_out:
                abort(404, description="per_page must be 1 or more.")
            per_page = _DEFAULT_PER_PAGE
        return page, per_page

    @property
    def _query_offset(self) -> int:
        return (self.page - 1) * self.per_page

    def _query_items(self) -> list[t.Any]:
        raise NotImplementedError

    def _query_count(self) -> int:
        raise NotImplementedError

    @property
    def first(self) -> int:
        """The 1-based number of the first item on the page, or 0 when it is empty."""
        if not self.items:
            return 0
        return self._query_offset + 1

    @property
    def last(self) -> int:
        """The 1-based number of the last item on the page, or 0 when it is empty."""
        first = self.first
        return max(first, first + len(self.items) - 1)

    @property
    def pages(self) -> int:
        """The number of pages (0 when there are no items or no count)."""
        if self.total == 0 or self.total is None:
            return 0
        return ceil(self.total / self.per_page)

    @property
    def has_prev(self) -> bool:
        """Whether there is a page before this one."""
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        """The previous page number, or ``None``."""
        return self.page - 1 if self.has_prev else None

    def prev(self, *, error_out: bool = False) -> Pagination:
        """The previous page, queried with the same arguments."""
        return self._sibling(
            type(self)(
                page=self.page - 1,
                per_page=self.per_page,
                max_per_page=self.max_per_page,
                error_out=error_out,
                count=False,
                **self._query_args,
            )
        )

    def _sibling(self, other: Pagination) -> Pagination:
        # The total is the same on every page; no second count query for it.
        other.total = self.total
        return other

    @property
    def has_next(self) -> bool:
        """Whether there is a page after this one."""
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        """The next page number, or ``None``."""
        return self.page + 1 if self.has_next else None

    def next(self, *, error_out: bool = False) -> Pagination:
        """The next page, queried with the same arguments."""
        return self._sibling(
            type(self)(
                page=self.page + 1,
                per_page=self.per_page,
                max_per_page=self.max_per_page,
                error_out=error_out,
                count=False,
                **self._query_args,
            )
        )

    def iter_pages(
        self,
        *,
        left_edge: int = 2,
        left_current: int = 2,
        right_current: int = 4,
        right_edge: int = 2,
    ) -> t.Iterator[int | None]:
        """Page numbers for a page widget: the first ``left_edge`` pages, the pages around the
        current one, and the last ``right_edge`` pages, with ``None`` where pages are left
        out (render it as an ellipsis)."""
        pages_end = self.pages + 1
        if pages_end == 1:
            return
        left_end = min(1 + left_edge, pages_end)
        yield from range(1, left_end)
        if left_end == pages_end:
            return
        mid_start = max(left_end, self.page - left_current)
        mid_end = min(self.page + right_current + 1, pages_end)
        if mid_start - left_end > 0:
            yield None
        yield from range(mid_start, mid_end)
        if mid_end == pages_end:
            return
        right_start = max(mid_end, pages_end - right_edge)
        if right_start - mid_end > 0:
            yield None
        yield from range(right_start, pages_end)

    def __iter__(self) -> t.Iterator[t.Any]:
        yield from self.items


class SelectPagination(Pagination):
    """The pagination ``db.paginate(select)`` returns; runs the select on ``db.session``."""

    def _query_items(self) -> list[t.Any]:
        select: sa.sql.Select[t.Any] = self._query_args["select"]
        select = select.limit(self.per_page).offset(self._query_offset)
        session: sa_orm.scoped_session[sa_orm.Session] = self._query_args["session"]
        return list(session.execute(select).unique().scalars())

    def _query_count(self) -> int:
        select: sa.sql.Select[t.Any] = self._query_args["select"]
        sub = select.options(sa_orm.lazyload("*")).order_by(None).subquery()
        session: sa_orm.scoped_session[sa_orm.Session] = self._query_args["session"]
        out = session.execute(sa.select(sa.func.count()).select_from(sub)).scalar()
        return int(out or 0)


class QueryPagination(Pagination):
    """The pagination ``Query.paginate()`` returns."""

    def _query_items(self) -> list[t.Any]:
        query: sa_orm.Query[t.Any] = self._query_args["query"]
        return query.limit(self.per_page).offset(self._query_offset).all()

    def _query_count(self) -> int:
        query: sa_orm.Query[t.Any] = self._query_args["query"]
        return query.order_by(None).count()
