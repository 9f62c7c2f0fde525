"""The model base class behind ``db.Model``: automatic table names, ``__bind_key__``, the
legacy ``Model.query`` property and a readable ``repr``, for SQLAlchemy 1.x-style declarative
bases (a metaclass) and for 2.x ``DeclarativeBase`` subclasses (``__init_subclass__`` mixins).
"""

from __future__ import annotations

import re
import typing as t

import sqlalchemy as sa
import sqlalchemy.orm as sa_orm

from .query import Query

if t.TYPE_CHECKING:
    from .extension import SQLAlchemy


class _QueryProperty:
    """``Model.query``: a new :class:`~kolba_sqlalchemy.query.Query` on the current session
    each time it is read."""

    def __get__(self, obj: Model | None, cls: type[Model]) -> Query:
        return cls.query_class(cls, session=cls.__fsa__.session())


class Model:
    """The base of ``db.Model``. ``db.Model`` adds SQLAlchemy's declarative machinery on top."""

    #: The extension this model belongs to; set on ``db.Model`` when it is made.
    __fsa__: t.ClassVar[SQLAlchemy]
    #: The class ``Model.query`` is built with.
    query_class: t.ClassVar[type[Query]] = Query
    #: A legacy query on the current session, ``User.query.filter_by(...)``.
    query: t.ClassVar[Query] = _QueryProperty()  # type: ignore[assignment]

    def __repr__(self) -> str:
        state = sa.inspect(self)
        if state.transient:
            pk = f"(transient {id(self)})"
        elif state.pending:
            pk = f"(pending {id(self)})"
        else:
            pk = ", ".join(str(value) for value in state.identity or ())
        return f"<{type(self).__name__} {pk}>"


_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def camel_to_snake_case(name: str) -> str:
    """``CamelCase`` -> ``camel_case``, ``HTTPResponse`` -> ``http_response``."""
    return _CAMEL_BOUNDARY.sub("_", name).lower().lstrip("_")


def _metadata_for_bind(cls: type[t.Any], bind_key: str | None) -> sa.MetaData:
    return cls.__fsa__._make_metadata(bind_key)  # type: ignore[no-any-return]


def _declares_bind(cls: type[t.Any]) -> bool:
    """Whether ``cls`` names a bind key itself and so needs that bind's metadata (a subclass
    inherits its parent's metadata as it is)."""
    if "metadata" in cls.__dict__ or "__table__" in cls.__dict__:
        return False
    return "__bind_key__" in cls.__dict__


def _is_declarative_class(cls: type[t.Any]) -> bool:
    if isinstance(cls, sa_orm.DeclarativeMeta):
        return True
    return isinstance(cls, type) and issubclass(
        cls, (sa_orm.DeclarativeBase, sa_orm.DeclarativeBaseNoMeta)
    )


def _wants_automatic_name(cls: type[t.Any]) -> bool:
    """Whether ``cls`` (a model being declared) should get a generated ``__tablename__``."""
    if cls.__dict__.get("__abstract__", False):
        return False
    if any(
        base in (sa_orm.DeclarativeBase, sa_orm.DeclarativeBaseNoMeta) for base in cls.__bases__
    ):
        # The declarative base itself (``db.Model``) maps nothing.
        return False
    if not any(_is_declarative_class(base) for base in cls.__mro__[1:]):
        return False
    for base in cls.__mro__:
        if "__tablename__" not in base.__dict__:
            continue
        if isinstance(base.__dict__["__tablename__"], sa_orm.declared_attr):
            # A declared_attr computes the name itself, for this class and its subclasses.
            return False
        # A name inherited from a mapped parent means inheritance: the class gets its own
        # name for joined-table inheritance; __table_cls__ drops it again for single-table.
        return base is not cls and (
            base.__dict__.get("__abstract__", False) or _is_declarative_class(base)
        )
    return True


def _table_or_single_inheritance(cls: type[t.Any], *args: t.Any, **kwargs: t.Any) -> t.Any:
    """``__table_cls__``: make the table, unless the class only adds columns to its parent's
    table (single-table inheritance), which is the case when it declares no primary key and
    a parent already has a table."""
    key = sa.schema._get_table_key(args[0], kwargs.get("schema"))
    if key in cls.metadata.tables:
        return sa.Table(*args, **kwargs)
    declares_key = any(
        (isinstance(arg, sa.Column) and arg.primary_key) or isinstance(arg, sa.PrimaryKeyConstraint)
        for arg in args
    )
    parent_has_table = any("__table__" in base.__dict__ for base in cls.__mro__[1:-1])
    if declares_key or not parent_has_table:
        return sa.Table(*args, **kwargs)
    if "__tablename__" in cls.__dict__:
        del cls.__tablename__
    return None


class BindMetaMixin(type):
    """Metaclass mixin: a model with ``__bind_key__`` gets that bind's metadata."""

    __fsa__: SQLAlchemy
    metadata: sa.MetaData

    def __init__(cls, name: str, bases: tuple[type, ...], d: dict[str, t.Any], **kwargs: t.Any):
        if _declares_bind(cls):
            cls.metadata = _metadata_for_bind(cls, cls.__dict__["__bind_key__"])
        super().__init__(name, bases, d, **kwargs)


class NameMetaMixin(type):
    """Metaclass mixin: a model without ``__tablename__`` gets one from its class name."""

    metadata: sa.MetaData

    def __init__(cls, name: str, bases: tuple[type, ...], d: dict[str, t.Any], **kwargs: t.Any):
        if _wants_automatic_name(cls):
            cls.__tablename__ = camel_to_snake_case(cls.__name__)
        super().__init__(name, bases, d, **kwargs)
        if (
            "__tablename__" not in cls.__dict__
            and "__table__" in cls.__dict__
            and cls.__dict__["__table__"] is None
        ):
            delattr(cls, "__table__")

    def __table_cls__(cls, *args: t.Any, **kwargs: t.Any) -> sa.Table | None:
        return _table_or_single_inheritance(cls, *args, **kwargs)  # type: ignore[no-any-return]


class DefaultMeta(BindMetaMixin, NameMetaMixin, sa_orm.DeclarativeMeta):
    """The metaclass of a 1.x-style ``db.Model``: bind keys and automatic table names."""


class DefaultMetaNoName(BindMetaMixin, sa_orm.DeclarativeMeta):
    """The metaclass of a 1.x-style ``db.Model`` with automatic table names turned off."""


class BindMixin:
    """``__init_subclass__`` mixin for 2.x bases: ``__bind_key__`` picks the metadata."""

    __fsa__: SQLAlchemy
    metadata: sa.MetaData

    @classmethod
    def __init_subclass__(cls: type[t.Any], **kwargs: dict[str, t.Any]) -> None:
        if _declares_bind(cls):
            cls.metadata = _metadata_for_bind(cls, cls.__dict__["__bind_key__"])
        super().__init_subclass__(**kwargs)


class NameMixin:
    """``__init_subclass__`` mixin for 2.x bases: automatic table names."""

    metadata: sa.MetaData

    @classmethod
    def __init_subclass__(cls: type[t.Any], **kwargs: dict[str, t.Any]) -> None:
        if _wants_automatic_name(cls):
            cls.__tablename__ = camel_to_snake_case(cls.__name__)
        super().__init_subclass__(**kwargs)
        if (
            "__tablename__" not in cls.__dict__
            and "__table__" in cls.__dict__
            and cls.__dict__["__table__"] is None
        ):
            del cls.__table__

    @classmethod
    def __table_cls__(cls, *args: t.Any, **kwargs: t.Any) -> sa.Table | None:
        return _table_or_single_inheritance(cls, *args, **kwargs)  # type: ignore[no-any-return]
