"""``SQLAlchemy``: the extension object. It owns the models' metadata and ``db.session``; each
app it is initialised on gets its engines (one per bind), kept in ``app.extensions``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import math
import os
import threading
import types
import typing as t
import warnings
import weakref

import sqlalchemy as sa
import sqlalchemy.event as sa_event
import sqlalchemy.exc as sa_exc
import sqlalchemy.orm as sa_orm
from werkzeug.exceptions import ServiceUnavailable

from kolba import ConfigKey, Extension, HealthCheck, abort, current_app, hookimpl

from . import record_queries, track_modifications
from .model import (
    BindMixin,
    DefaultMeta,
    DefaultMetaNoName,
    Model,
    NameMixin,
    _QueryProperty,
)
from .pagination import Pagination, SelectPagination
from .query import Query
from .session import Session, _app_ctx_id

if t.TYPE_CHECKING:
    import click
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_scoped_session

    from kolba import Kolba

_O = t.TypeVar("_O")

#: Bind keys meaning "every bind" for create_all, drop_all and reflect.
_ALL = "__all__"


def _check_binds(value: t.Any) -> None:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, (str, dict, sa.engine.URL)) for k, v in value.items()
    ):
        raise ValueError(
            "must be a dict of bind key (str) to a database URL or a dict of engine options"
            ' with "url", e.g. {"users": "sqlite:///users.db"}.'
        )


def _check_positive(value: t.Any) -> None:
    if value <= 0:
        raise ValueError(f"must be more than 0, got {value!r}.")


CONFIG_KEYS = (
    ConfigKey(
        "SQLALCHEMY_DATABASE_URI",
        (str, sa.engine.URL),
        None,
        "The default engine's database URL, e.g. sqlite:///app.db or"
        " postgresql+psycopg://user@host/name.",
        secret=True,
    ),
    ConfigKey(
        "SQLALCHEMY_BINDS",
        dict,
        {},
        "Bind key -> database URL (or engine options with 'url') for models with __bind_key__.",
        secret=True,
        check=_check_binds,
    ),
    ConfigKey(
        "SQLALCHEMY_ENGINE_OPTIONS",
        dict,
        {},
        "Keyword arguments for sqlalchemy.create_engine, for the default engine.",
    ),
    ConfigKey("SQLALCHEMY_ECHO", bool, False, "Log every statement (create_engine's echo)."),
    ConfigKey(
        "SQLALCHEMY_RECORD_QUERIES",
        bool,
        False,
        "Record the queries of each app context for get_recorded_queries().",
    ),
    ConfigKey(
        "SQLALCHEMY_TRACK_MODIFICATIONS",
        bool,
        False,
        "Send models_committed and before_models_committed on commit.",
    ),
    ConfigKey(
        "SQLALCHEMY_MAX_PER_PAGE",
        int,
        100,
        "The largest per_page a request's query arguments may ask paginate() for.",
        check=_check_positive,
    ),
    ConfigKey(
        "SQLALCHEMY_TIMEOUT",
        (int, float),
        10.0,
        "Seconds to wait for a database connection (connect and pool checkout) before the"
        " request gets a 503; also the time limit of kolba doctor's check.",
        check=_check_positive,
    ),
)

# Exceptions a value that cannot be a primary key raises on the way to the database (a number
# too large for the driver, text the database cannot convert). Errors in the code, such as a
# class that is not a model, still raise.
_BAD_IDENT_ERRORS = (OverflowError, ValueError, sa_exc.StatementError)


def _get_or_none(session: sa_orm.Session, get: t.Callable[[], _O | None]) -> _O | None:
    """Run a primary-key lookup, reading an id that cannot exist as "no such row"."""
    try:
        return get()
    except _BAD_IDENT_ERRORS as e:
        if isinstance(e, sa_exc.StatementError) and not (
            isinstance(e, sa_exc.DataError) or isinstance(e.orig, (OverflowError, ValueError))
        ):
            raise
        if isinstance(e, sa_exc.DBAPIError):
            # PostgreSQL aborts the transaction on a bad value; start over so the view can
            # go on using the session.
            session.rollback()
        return None


_INT_RANGES: tuple[tuple[type[sa.types.TypeEngine[t.Any]], int], ...] = (
    (sa.SmallInteger, 2**15),
    (sa.BigInteger, 2**63),
    (sa.Integer, 2**31),
)


def _coerce_ident(entity: t.Any, ident: t.Any) -> tuple[bool, t.Any]:
    """Check an id against an integer primary key before it reaches the database, so a
    hostile one (a huge number, text, a bool) is a miss without an aborted transaction.
    Returns ``(possible, ident)``."""
    try:
        mapper = sa.inspect(entity)
    except sa_exc.NoInspectionAvailable:
        return True, ident
    pk = getattr(mapper, "primary_key", None)
    if not pk or len(pk) != 1 or isinstance(ident, (tuple, dict)):
        return True, ident
    column_type = pk[0].type
    limit = next((lim for type_, lim in _INT_RANGES if isinstance(column_type, type_)), None)
    if limit is None:
        return True, ident
    if isinstance(ident, bool):
        return False, ident
    if isinstance(ident, str):
        text = ident.strip()
        digits = text[1:] if text[:1] == "-" else text
        if not digits.isascii() or not digits.isdigit() or len(digits) > 19:
            return False, ident
        ident = int(text)
    if not isinstance(ident, int):
        return False, ident
    return -limit <= ident < limit, ident


def _async_url(url: sa.engine.URL) -> sa.engine.URL:
    """The async driver's URL for a database: aiosqlite for SQLite, asyncpg for PostgreSQL."""
    backend = url.get_backend_name()
    driver = url.get_driver_name()
    if backend == "sqlite" and driver != "aiosqlite":
        return url.set(drivername="sqlite+aiosqlite")
    if backend == "postgresql" and driver not in ("asyncpg", "psycopg_async"):
        return url.set(drivername="postgresql+asyncpg")
    if backend in ("mysql", "mariadb") and driver not in ("aiomysql", "asyncmy"):
        return url.set(drivername=f"{backend}+aiomysql")
    return url


def _is_memory_sqlite(url: sa.engine.URL) -> bool:
    database = url.database
    if not database or database == ":memory:":
        return True
    return database.startswith("file:") and "mode=memory" in database + str(url.query)


@dataclasses.dataclass
class SQLAlchemyState:
    """What one app holds in ``app.extensions["sqlalchemy"]``: the extension object and the
    app's engines. Attributes it lacks are read from the extension object, so code written for
    Flask-SQLAlchemy's ``app.extensions["sqlalchemy"].session`` keeps working."""

    db: SQLAlchemy
    engines: dict[str | None, sa.engine.Engine]
    #: The ``asyncio`` engines by event loop (``None``: used outside any loop), then bind key.
    async_engines: weakref.WeakKeyDictionary[
        asyncio.AbstractEventLoop, dict[str | None, AsyncEngine]
    ] = dataclasses.field(default_factory=weakref.WeakKeyDictionary)
    async_engines_outside_loop: dict[str | None, AsyncEngine] = dataclasses.field(
        default_factory=dict
    )
    #: Connections ``db.session`` uses instead of the engines (the rollback fixture's).
    connections: dict[str | None, sa.engine.Connection] = dataclasses.field(default_factory=dict)

    def relationship(self, *args: t.Any, **kwargs: t.Any) -> sa_orm.RelationshipProperty[t.Any]:
        """``sqlalchemy.orm.relationship``, with ``db.Query`` for ``lazy="dynamic"``."""
        kwargs.setdefault("query_class", self.Query)
        return sa_orm.relationship(*args, **kwargs)

    def dynamic_loader(
        self, argument: t.Any, **kwargs: t.Any
    ) -> sa_orm.RelationshipProperty[t.Any]:
        """``sqlalchemy.orm.dynamic_loader``, with ``db.Query`` as the query class."""
        kwargs.setdefault("query_class", self.Query)
        return sa_orm.dynamic_loader(argument, **kwargs)

    def backref(self, name: str, **kwargs: t.Any) -> t.Any:
        """``sqlalchemy.orm.backref``, with ``db.Query`` for ``lazy="dynamic"``."""
        kwargs.setdefault("query_class", self.Query)
        return sa_orm.backref(name, **kwargs)

    def __getattr__(self, name: str) -> t.Any:
        if name.startswith("__") or name == "db":
            raise AttributeError(name)
        return getattr(self.db, name)


class SQLAlchemy(Extension):
    """SQLAlchemy for kolba apps, with Flask-SQLAlchemy 3.1's API.

    ``db = SQLAlchemy(app)`` or ``db = SQLAlchemy()`` then ``db.init_app(app)``. Models
    subclass ``db.Model``; ``db.session`` is a session scoped to the app context, rolled back
    and closed when the context ends; ``db.async_session`` is its ``asyncio`` twin for
    ``async def`` views. Every SQLAlchemy and ``sqlalchemy.orm`` name is available on the
    object too (``db.Column``, ``db.relationship``, ``db.select`` ...).

    :param metadata: the default bind's ``MetaData`` (e.g. with a naming convention).
    :param session_options: arguments for the session factory; ``scopefunc`` changes the scope.
    :param query_class: the class of ``Model.query`` and ``db.session.query``.
    :param model_class: the base of ``db.Model``: a plain class (a 1.x-style declarative base
        is made from it) or a ``DeclarativeBase`` / ``MappedAsDataclass`` subclass.
    :param engine_options: defaults for every engine, below ``SQLALCHEMY_ENGINE_OPTIONS``.
    :param add_models_to_shell: add ``db`` and every model to ``kolba shell``.
    :param disable_autonaming: do not generate ``__tablename__`` from class names.
    """

    name = "sqlalchemy"
    config_keys = CONFIG_KEYS
    distribution = "kolba-sqlalchemy"

    def __init__(
        self,
        app: Kolba | None = None,
        *,
        metadata: sa.MetaData | None = None,
        session_options: dict[str, t.Any] | None = None,
        query_class: type[Query] = Query,
        model_class: t.Any = Model,
        engine_options: dict[str, t.Any] | None = None,
        add_models_to_shell: bool = True,
        disable_autonaming: bool = False,
    ) -> None:
        #: The query class of ``Model.query``.
        self.Query = query_class
        #: ``MetaData`` per bind key; ``None`` is the default bind.
        self.metadatas: dict[str | None, sa.MetaData] = {}
        if metadata is not None:
            metadata.info["bind_key"] = None
            self.metadatas[None] = metadata
        self._engine_options = dict(engine_options or {})
        self._add_models_to_shell = add_models_to_shell
        #: The session scoped to the app context.
        self.session: sa_orm.scoped_session[Session] = self._make_scoped_session(session_options)
        self._async_session: async_scoped_session[AsyncSession] | None = None
        # Async engines and the async session are made on first use, maybe by two threads.
        self._async_lock = threading.Lock()
        #: ``db.Table(name, *columns, bind_key=None)``: a table in the bind's metadata.
        self.Table = self._make_table_class()
        #: The base class of the models.
        self.Model: t.Any = self._make_declarative_base(model_class, disable_autonaming)
        self._apps: weakref.WeakSet[Kolba] = weakref.WeakSet()
        super().__init__(app)

    def __repr__(self) -> str:
        try:
            url = repr(self.engine.url)
        except RuntimeError:
            url = "(no app)"
        except KeyError:
            url = "(no default engine)"
        return f"<{type(self).__name__} {url}>"

    # -- set-up ---------------------------------------------------------------------------

    def create_state(self, app: Kolba) -> SQLAlchemyState:
        uri = app.config.get("SQLALCHEMY_DATABASE_URI")
        binds: dict[str, t.Any] = app.config.get("SQLALCHEMY_BINDS") or {}
        if uri is None and not binds:
            raise RuntimeError(
                "Either 'SQLALCHEMY_DATABASE_URI' or 'SQLALCHEMY_BINDS' must be set."
            )
        basic: dict[str, t.Any] = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        echo = app.config.get("SQLALCHEMY_ECHO", False)
        per_bind: dict[str | None, dict[str, t.Any]] = {}
        bind_key: str | None
        for bind_key, value in binds.items():
            options = dict(value) if isinstance(value, dict) else {"url": value}
            per_bind[bind_key] = {**self._engine_options, **options}
        if uri is not None:
            per_bind[None] = {**self._engine_options, **basic, "url": uri}
        engines: dict[str | None, sa.engine.Engine] = {}
        for key, options in per_bind.items():
            self._make_metadata(key)
            options.setdefault("echo", echo)
            options.setdefault("echo_pool", echo)
            self._apply_driver_defaults(options, app)
            engines[key] = self._make_engine(key, options, app)
        if app.config.get("SQLALCHEMY_RECORD_QUERIES", False):
            for engine in engines.values():
                record_queries._listen(engine)
        state = SQLAlchemyState(self, engines)
        # init_app again after ``del app.extensions["sqlalchemy"]`` must not stack teardowns.
        if app not in self._apps:
            app.teardown_appcontext(self._teardown_session)
            self._apps.add(app)
        return state

    def _apply_driver_defaults(self, options: dict[str, t.Any], app: Kolba) -> None:
        """Fill in what a driver needs to work well under a web app: in-memory SQLite shared
        by every thread, relative SQLite paths in the instance folder, MySQL's recycling and
        charset, and a connect timeout so a down database fails fast."""
        url = sa.engine.make_url(options["url"])
        timeout = float(app.config.get("SQLALCHEMY_TIMEOUT") or 10.0)
        backend = url.get_backend_name()
        driver = url.get_driver_name()
        if backend == "sqlite":
            if _is_memory_sqlite(url):
                options.setdefault("poolclass", sa.pool.StaticPool)
                connect_args = options.setdefault("connect_args", {})
                connect_args["check_same_thread"] = False
            else:
                url = self._sqlite_in_instance_folder(url, app)
        else:
            # No blocking forever on a full pool either.
            if options.get("poolclass") in (None, sa.pool.QueuePool):
                options.setdefault("pool_timeout", timeout)
            connect_args = options.setdefault("connect_args", {})
            if driver in ("asyncpg",):
                connect_args.setdefault("timeout", timeout)
            elif backend in ("postgresql", "mysql", "mariadb"):
                connect_args.setdefault("connect_timeout", max(1, math.ceil(timeout)))
            if backend in ("mysql", "mariadb"):
                options.setdefault("pool_recycle", 7200)
                if "charset" not in url.query:
                    url = url.update_query_dict({"charset": "utf8mb4"})
        options["url"] = url

    @staticmethod
    def _sqlite_in_instance_folder(url: sa.engine.URL, app: Kolba) -> sa.engine.URL:
        database = url.database or ""
        is_uri = str(url.query.get("uri", "false")).lower() in ("true", "1")
        path = database[5:] if is_uri and database.startswith("file:") else database
        if os.path.isabs(path):
            return url
        os.makedirs(app.instance_path, exist_ok=True)
        path = os.path.join(app.instance_path, path)
        return url.set(database=f"file:{path}" if is_uri and database.startswith("file:") else path)

    def _make_engine(
        self, bind_key: str | None, options: dict[str, t.Any], app: Kolba
    ) -> sa.engine.Engine:
        """Create the engine of one bind; override to customise engine creation."""
        engine = sa.engine_from_config(options, prefix="")
        sa_event.listen(engine, "handle_error", _mark_unavailable)
        return engine

    def _make_scoped_session(
        self, options: dict[str, t.Any] | None
    ) -> sa_orm.scoped_session[Session]:
        options = dict(options or {})
        scope = options.pop("scopefunc", _app_ctx_id)
        options.setdefault("query_cls", self.Query)
        factory = sa_orm.sessionmaker(db=self, **{"class_": Session, **options})
        session = sa_orm.scoped_session(factory, scope)
        track_modifications._listen(session)
        return session

    def _make_metadata(self, bind_key: str | None) -> sa.MetaData:
        """The ``MetaData`` of a bind key, made on first use; a bind's metadata copies the
        default metadata's naming convention."""
        if bind_key in self.metadatas:
            return self.metadatas[bind_key]
        if bind_key is not None and None in self.metadatas:
            metadata = sa.MetaData(naming_convention=self.metadatas[None].naming_convention)
        else:
            metadata = sa.MetaData()
        metadata.info["bind_key"] = bind_key
        self.metadatas[bind_key] = metadata
        return metadata

    def _make_table_class(self) -> type[sa.Table]:
        db = self

        class Table(sa.Table):
            """``db.Table(name, *columns, bind_key=None, **kwargs)``; a ``MetaData`` given
            as the second argument is used as it is."""

            def __new__(  # type: ignore[misc]
                cls, *args: t.Any, bind_key: str | None = None, **kwargs: t.Any
            ) -> sa.Table:
                if len(args) < 2 or not isinstance(args[1], sa.MetaData):
                    args = (args[0], db._make_metadata(bind_key), *args[1:])
                return sa.Table(*args, **kwargs)

        return Table

    def _make_declarative_base(self, model_class: t.Any, disable_autonaming: bool) -> t.Any:
        declarative_2 = isinstance(model_class, type) and issubclass(
            model_class, (sa_orm.DeclarativeBase, sa_orm.DeclarativeBaseNoMeta)
        )
        if declarative_2:
            declarative_bases = [
                b
                for b in model_class.__bases__
                if issubclass(b, (sa_orm.DeclarativeBase, sa_orm.DeclarativeBaseNoMeta))
            ]
            if len(declarative_bases) > 1:
                raise ValueError(
                    "model_class may subclass only one of DeclarativeBase and"
                    " DeclarativeBaseNoMeta."
                )
            if None in self.metadatas:
                warnings.warn(
                    "The metadata argument is ignored when model_class is a DeclarativeBase"
                    " subclass; set 'metadata' on that class instead.",
                    DeprecationWarning,
                    stacklevel=3,
                )
                del self.metadatas[None]
            mixins: tuple[type, ...] = (
                (BindMixin,) if disable_autonaming else (BindMixin, NameMixin)
            )
            body: dict[str, t.Any] = {"__abstract__": True, "__fsa__": self}
            model: t.Any = types.new_class(
                "Model", (*mixins, Model, model_class), {}, lambda ns: ns.update(body)
            )
        elif not isinstance(model_class, sa_orm.DeclarativeMeta):
            metadata = self.metadatas.get(None)
            if metadata is None and isinstance(getattr(model_class, "metadata", None), sa.MetaData):
                metadata = model_class.metadata
            model = sa_orm.declarative_base(
                metadata=metadata,
                cls=model_class,
                name="Model",
                metaclass=DefaultMetaNoName if disable_autonaming else DefaultMeta,
            )
        else:
            model = model_class
        if None not in self.metadatas:
            model.metadata.info["bind_key"] = None
            self.metadatas[None] = model.metadata
        else:
            model.metadata = self.metadatas[None]
        model.query_class = self.Query
        model.query = _QueryProperty()
        model.__fsa__ = self
        return model

    @property
    def metadata(self) -> sa.MetaData:
        """The default bind's ``MetaData``."""
        return self.metadatas[None]

    # -- per app ---------------------------------------------------------------------------

    def _state(self) -> SQLAlchemyState:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        state: SQLAlchemyState = self.state(app)
        return state

    @property
    def engines(self) -> t.Mapping[str | None, sa.engine.Engine]:
        """The current app's engines by bind key; ``None`` is the default engine."""
        return self._state().engines

    @property
    def engine(self) -> sa.engine.Engine:
        """The current app's default engine (``SQLALCHEMY_DATABASE_URI``)."""
        return self.engines[None]

    def get_engine(self, bind_key: str | None = None) -> sa.engine.Engine:
        """The current app's engine for ``bind_key``."""
        return self.engines[bind_key]

    @property
    def async_engines(self) -> t.Mapping[str | None, AsyncEngine]:
        """The current app's ``asyncio`` engines by bind key, for the running event loop;
        made on first use from the same URLs with the async driver (aiosqlite for SQLite,
        asyncpg for PostgreSQL).

        A connection, and an engine's first-connect lock, belong to one event loop, and kolba
        runs one loop per thread, so each loop gets engines of its own.
        """
        state = self._state()
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        engines = state.async_engines.get(loop) if loop is not None else None
        if loop is None:
            engines = state.async_engines_outside_loop
        if engines is not None and len(engines) == len(state.engines):
            return engines
        from sqlalchemy.ext.asyncio import create_async_engine

        with self._async_lock:
            if engines is None:
                engines = state.async_engines.setdefault(loop, {})  # type: ignore[arg-type]
            for key, engine in state.engines.items():
                if key in engines:
                    continue
                url = _async_url(engine.url)
                async_engine = create_async_engine(url, **self._async_options(engine, url))
                sa_event.listen(async_engine.sync_engine, "handle_error", _mark_unavailable)
                engines[key] = async_engine
        return engines

    @property
    def async_engine(self) -> AsyncEngine:
        """The current app's default ``asyncio`` engine."""
        return self.async_engines[None]

    def _async_options(self, engine: sa.engine.Engine, url: sa.engine.URL) -> dict[str, t.Any]:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        options: dict[str, t.Any] = {"echo": engine.echo}
        timeout = float(app.config.get("SQLALCHEMY_TIMEOUT") or 10.0)
        if url.get_backend_name() == "sqlite" and _is_memory_sqlite(url):
            options["poolclass"] = sa.pool.StaticPool
            options["connect_args"] = {"check_same_thread": False}
        else:
            # A pool per loop would keep connections open for threads that have ended.
            options["poolclass"] = sa.pool.NullPool
            if url.get_driver_name() == "asyncpg":
                options["connect_args"] = {"timeout": timeout}
        return options

    @property
    def async_session(self) -> async_scoped_session[AsyncSession]:
        """An ``AsyncSession`` scoped to the app context, for ``async def`` views; closed at
        the context's teardown like ``db.session``. Needs ``sqlalchemy[asyncio]`` and the
        async driver (``kolba-sqlalchemy[async]``)."""
        if self._async_session is not None:
            return self._async_session
        with self._async_lock:
            if self._async_session is not None:
                return self._async_session
            from sqlalchemy.ext.asyncio import AsyncSession, async_scoped_session
            from sqlalchemy.ext.asyncio import async_sessionmaker as make

            from .session import AsyncBoundSession

            factory = make(
                class_=AsyncSession,
                sync_session_class=AsyncBoundSession,
                db=self,
                expire_on_commit=False,
            )
            self._async_session = async_scoped_session(factory, scopefunc=_app_ctx_id)
        return self._async_session

    def _teardown_session(self, exc: BaseException | None) -> None:
        # close() rolls back whatever a failed view left open and returns the connection.
        self.session.remove()
        scoped = self._async_session
        if scoped is not None and scoped.registry.has():
            current_app.ensure_sync(scoped.remove)()

    # -- queries ---------------------------------------------------------------------------

    def get_or_404(
        self,
        entity: type[_O],
        ident: t.Any,
        *,
        description: str | None = None,
        **kwargs: t.Any,
    ) -> _O:
        """``db.session.get(entity, ident, **kwargs)``, aborting with 404 when there is no
        such row. An id that cannot be a key (wrong type, out of range) is a 404 too."""
        possible, ident = _coerce_ident(entity, ident)
        session = self.session()
        value = (
            _get_or_none(session, lambda: session.get(entity, ident, **kwargs))
            if possible
            else None
        )
        if value is None:
            abort(404, description=description)
        return value

    def first_or_404(
        self, statement: sa.sql.Select[t.Any], *, description: str | None = None
    ) -> t.Any:
        """The first scalar of ``statement``, aborting with 404 when there is none."""
        value = self.session.execute(statement).scalar()
        if value is None:
            abort(404, description=description)
        return value

    def one_or_404(
        self, statement: sa.sql.Select[t.Any], *, description: str | None = None
    ) -> t.Any:
        """The only scalar of ``statement``, aborting with 404 when there is none or more."""
        try:
            return self.session.execute(statement).scalar_one()
        except (sa_exc.NoResultFound, sa_exc.MultipleResultsFound):
            abort(404, description=description)

    def paginate(
        self,
        select: sa.sql.Select[t.Any],
        *,
        page: int | None = None,
        per_page: int | None = None,
        max_per_page: int | None = None,
        error_out: bool = True,
        count: bool = True,
    ) -> Pagination:
        """One page of ``select``'s results.

        ``page`` and ``per_page`` default to the request's ``page`` and ``per_page`` query
        arguments (then 1 and 20). Values from the request are validated and ``per_page`` is
        capped by ``max_per_page`` or ``SQLALCHEMY_MAX_PER_PAGE``. With ``error_out`` (the
        default) a bad value or a page past the end aborts with 404. ``count=False`` skips
        the count query (``total`` is then ``None``).
        """
        return SelectPagination(
            select=select,
            session=self.session(),
            page=page,
            per_page=per_page,
            max_per_page=max_per_page,
            error_out=error_out,
            count=count,
        )

    # -- schema ----------------------------------------------------------------------------

    def _call_for_binds(self, bind_key: str | None | list[str | None], operation: str) -> None:
        if bind_key == _ALL:
            keys: list[str | None] = list(self.metadatas)
        elif bind_key is None or isinstance(bind_key, str):
            keys = [bind_key]
        else:
            keys = list(bind_key)
        for key in keys:
            try:
                engine = self.engines[key]
            except KeyError:
                message = f"Bind key '{key}' is not in 'SQLALCHEMY_BINDS' config."
                if key is None:
                    message = "'SQLALCHEMY_DATABASE_URI' config is not set."
                raise sa_exc.UnboundExecutionError(message) from None
            metadata = self._make_metadata(key)
            getattr(metadata, operation)(bind=engine)

    def create_all(self, bind_key: str | None | list[str | None] = _ALL) -> None:
        """Create the tables that do not exist, for every bind or the given ones."""
        self._call_for_binds(bind_key, "create_all")

    def drop_all(self, bind_key: str | None | list[str | None] = _ALL) -> None:
        """Drop the tables, for every bind or the given ones."""
        self._call_for_binds(bind_key, "drop_all")

    def reflect(self, bind_key: str | None | list[str | None] = _ALL) -> None:
        """Load the tables the databases have into the metadata."""
        self._call_for_binds(bind_key, "reflect")

    def relationship(self, *args: t.Any, **kwargs: t.Any) -> sa_orm.RelationshipProperty[t.Any]:
        """``sqlalchemy.orm.relationship``, with ``db.Query`` for ``lazy="dynamic"``."""
        kwargs.setdefault("query_class", self.Query)
        return sa_orm.relationship(*args, **kwargs)

    def dynamic_loader(
        self, argument: t.Any, **kwargs: t.Any
    ) -> sa_orm.RelationshipProperty[t.Any]:
        """``sqlalchemy.orm.dynamic_loader``, with ``db.Query`` as the query class."""
        kwargs.setdefault("query_class", self.Query)
        return sa_orm.dynamic_loader(argument, **kwargs)

    def backref(self, name: str, **kwargs: t.Any) -> t.Any:
        """``sqlalchemy.orm.backref``, with ``db.Query`` for ``lazy="dynamic"``."""
        kwargs.setdefault("query_class", self.Query)
        return sa_orm.backref(name, **kwargs)

    def __getattr__(self, name: str) -> t.Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name == "event":
            return sa_event
        for module in (sa, sa_orm):
            if hasattr(module, name):
                return getattr(module, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # -- hooks -----------------------------------------------------------------------------

    @hookimpl
    def kolba_handle_exception(self, app: Kolba, error: Exception) -> t.Any | None:
        if app.extensions.get(self.name) is None or not _is_unavailable(error):
            return None
        app.logger.warning("The database is unavailable: %s", error)
        return app.handle_http_exception(
            ServiceUnavailable("The database is unavailable right now. Try again later.")
        )

    @hookimpl
    def kolba_health_checks(self, app: Kolba) -> list[HealthCheck]:
        state: SQLAlchemyState | None = app.extensions.get(self.name)
        if state is None:
            return []
        timeout = float(app.config.get("SQLALCHEMY_TIMEOUT") or 10.0)
        return [
            HealthCheck(
                f"sqlalchemy {'default' if key is None else key} ({engine.url.get_backend_name()})",
                _select_one(engine),
                timeout,
            )
            for key, engine in state.engines.items()
        ]

    @hookimpl
    def kolba_cli_commands(self, app: Kolba) -> list[click.Command]:
        from .cli import db_command

        return [db_command] if app.extensions.get(self.name) is not None else []

    @hookimpl
    def kolba_shell_context(self, app: Kolba) -> dict[str, t.Any]:
        if not self._add_models_to_shell or app.extensions.get(self.name) is None:
            return {}
        from .cli import add_models_to_shell

        return add_models_to_shell(self)


def _select_one(engine: sa.engine.Engine) -> t.Callable[[], None]:
    def check() -> None:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    return check


def _mark_unavailable(context: sa.engine.ExceptionContext) -> None:
    """``handle_error``: mark errors that mean the database cannot be reached (refused,
    timed out, dropped), as opposed to errors in the statement."""
    if context.is_disconnect or context.connection is None:
        error = context.sqlalchemy_exception
        if error is not None:
            error._kolba_unavailable = True  # type: ignore[attr-defined]


def _is_unavailable(error: BaseException) -> bool:
    if getattr(error, "_kolba_unavailable", False):
        return True
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, sa_exc.TimeoutError):
        return True
    if isinstance(error, (OSError, TimeoutError)):
        # asyncpg's connect raises OSError (refused) and TimeoutError without SQLAlchemy's
        # wrapping; count them only when they come out of SQLAlchemy.
        tb = error.__traceback__
        while tb is not None:
            if tb.tb_frame.f_globals.get("__name__", "").startswith("sqlalchemy"):
                return True
            tb = tb.tb_next
    return False
