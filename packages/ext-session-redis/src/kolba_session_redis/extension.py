"""The ``Session`` extension: reads the ``SESSION_*`` config keys, builds the Redis client and
the session interface for each app, and gives them to the core through its hooks."""

from __future__ import annotations

import dataclasses
import inspect
import logging
import typing as t

import redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

import kolba
from kolba import ConfigError, ConfigKey, HealthCheck, hookimpl

from .redis import DEFAULT_REDIS_URL, RedisSessionInterface
from .serialization import FORMATS, msgpack_available

logger = logging.getLogger("kolba_session_redis")

_CLIENT_METHODS = ("get", "set", "delete", "expire", "pipeline", "ping")


def _check_client(value: t.Any) -> None:
    missing = [name for name in _CLIENT_METHODS if not callable(getattr(value, name, None))]
    if missing:
        raise ValueError(
            f"{value!r} is not a Redis client (it lacks {', '.join(missing)}). Use a"
            " redis.Redis, a Sentinel master_for(...) client or a redis.cluster.RedisCluster,"
            " or set SESSION_REDIS_URL instead."
        )
    if inspect.iscoroutinefunction(getattr(value, "execute_command", None)):
        raise ValueError(
            "is an asyncio client; sessions are loaded synchronously. Use redis.Redis (the"
            " synchronous client)."
        )


def _check_timeout(value: float) -> None:
    if value <= 0:
        raise ValueError(f"got {value!r}; use a number of seconds above 0, such as 1.0.")


def _check_sid_length(value: int) -> None:
    if not 16 <= value <= 256:
        raise ValueError(f"got {value}; use 16 to 256 random bytes (32, the default, is plenty).")


def _check_type(value: str) -> None:
    # Flask-Session compares the type case-insensitively.
    if value.lower() != "redis":
        raise ValueError(
            f"Unrecognized value for SESSION_TYPE: {value!r}. This package stores sessions in"
            " Redis only: set SESSION_TYPE = 'redis'."
        )


def _check_prefix(value: str) -> None:
    if not value:
        raise ValueError("must not be empty: keys would mix with the rest of the database.")


def connect(url: str, timeout: float) -> redis.Redis:
    """A client for ``url`` that gives up on a connection or a command after ``timeout``
    seconds and does not retry, so a request waits at most about ``timeout`` for Redis.

    A refused connection fails at once; the connection pool reconnects by itself once Redis
    is back.
    """
    return redis.Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
    )


def _connection_kwargs(client: t.Any) -> dict[str, t.Any]:
    """The settings a redis-py client makes connections with (empty where it has none)."""
    kwargs = getattr(getattr(client, "connection_pool", None), "connection_kwargs", None)
    return kwargs if isinstance(kwargs, dict) else {}


def client_problems(client: t.Any, budget: float) -> list[str]:
    """Why ``client`` may hold a request longer than ``budget`` seconds when Redis stalls:
    no socket timeout, a longer one, or a retry policy that tries again (redis-py's default
    client waits 5 s a try and retries 10 times, with backoff)."""
    kwargs = _connection_kwargs(client)
    if not kwargs:
        return []
    problems = []
    timeout = kwargs.get("socket_timeout")
    if timeout is None:
        problems.append("it has no socket_timeout, so a request waits as long as Redis stalls")
    elif timeout > budget:
        problems.append(f"its socket_timeout is {timeout:g} s")
    retry = kwargs.get("retry")
    retries = retry.get_retries() if retry is not None else 0
    if retries > 0:
        problems.append(f"it retries {retries} times, each try waiting for the timeout again")
    return problems


def fail_fast(client: t.Any, timeout: float) -> t.Any:
    """A client for sessions that talks to the same Redis as ``client`` but gives up after
    ``timeout`` seconds without retrying, whatever ``client``'s own timeouts and retry policy.

    ``client`` itself is left as it is for the app's other uses; the copy has its own
    connection pool, which reconnects by itself once Redis is back. Clients whose pools cannot
    be copied this way (Sentinel, cluster) are returned unchanged.
    """
    if not client_problems(client, timeout):
        return client
    pool: t.Any = getattr(client, "connection_pool", None)
    if type(client) is not redis.Redis or type(pool) not in (
        redis.ConnectionPool,
        redis.BlockingConnectionPool,
    ):
        return client
    kwargs = dict(_connection_kwargs(client))
    own = kwargs.get("socket_timeout")
    kwargs["socket_timeout"] = timeout if own is None else min(own, timeout)
    connect_timeout = kwargs.get("socket_connect_timeout")
    kwargs["socket_connect_timeout"] = (
        timeout if connect_timeout is None else min(connect_timeout, timeout)
    )
    kwargs["retry"] = Retry(NoBackoff(), 0)
    copy = type(pool)(
        connection_class=pool.connection_class,
        max_connections=pool.max_connections,
        **kwargs,
    )
    return redis.Redis(connection_pool=copy)


@dataclasses.dataclass
class SessionState(kolba.ExtensionState):
    """What ``app.extensions["session"]`` holds: the app's session interface (also set as
    ``app.session_interface`` by ``init_app``, as Flask-Session does)."""

    interface: RedisSessionInterface


class Session(kolba.Extension[SessionState]):
    """Server-side sessions in Redis, with Flask-Session's API.

    ``Session(app)`` or ``Session().init_app(app)`` reads the ``SESSION_*`` config keys and
    sets ``app.session_interface`` to a :class:`~kolba_session_redis.redis.RedisSessionInterface`;
    an invalid value raises ``ValueError`` (a :class:`kolba.ConfigError` naming the key).
    """

    name = "session"
    distribution = "kolba-session-redis"
    config_keys = (
        ConfigKey(
            "SESSION_TYPE",
            str,
            "redis",
            "Where sessions are stored; this package stores them in Redis only.",
            check=_check_type,
        ),
        ConfigKey(
            "SESSION_REDIS",
            object,
            None,
            "A redis-py client (Redis, Sentinel master, RedisCluster); its timeouts apply.",
            check=_check_client,
        ),
        ConfigKey(
            "SESSION_REDIS_URL",
            str,
            None,
            "redis://, rediss:// or unix:// URL to connect to when SESSION_REDIS is not set.",
            secret=True,
        ),
        ConfigKey(
            "SESSION_REDIS_TIMEOUT",
            (float, int),
            1.0,
            "Seconds a request waits for Redis before its 503 (for SESSION_REDIS: a warning).",
            check=_check_timeout,
        ),
        ConfigKey(
            "SESSION_KEY_PREFIX",
            str,
            "session:",
            "Put before the session id to make the Redis key.",
            check=_check_prefix,
        ),
        ConfigKey(
            "SESSION_PERMANENT",
            bool,
            True,
            "New sessions are permanent: the cookie lasts PERMANENT_SESSION_LIFETIME.",
        ),
        ConfigKey(
            "SESSION_USE_SIGNER",
            bool,
            False,
            "Sign the session id in the cookie with SECRET_KEY.",
        ),
        ConfigKey(
            "SESSION_ID_LENGTH",
            int,
            32,
            "Random bytes in a session id (from the secrets module).",
            check=_check_sid_length,
        ),
        ConfigKey(
            "SESSION_SERIALIZATION_FORMAT",
            str,
            "json",
            "How sessions are written: 'json' (tagged JSON) or 'msgpack'; both are read.",
            choices=FORMATS,
        ),
    )

    def create_state(self, app: kolba.Kolba, options: t.Mapping[str, t.Any]) -> SessionState:
        """Build the app's session interface, keep it in ``app.extensions["session"]`` and
        make it ``app.session_interface``."""
        config = app.config
        if config["SESSION_SERIALIZATION_FORMAT"] == "msgpack" and not msgpack_available():
            raise ConfigError(
                "SESSION_SERIALIZATION_FORMAT",
                "is 'msgpack' but msgpack is not installed. Install"
                " kolba-session-redis[msgpack], or use 'json'.",
            )
        client = config["SESSION_REDIS"]
        url = config["SESSION_REDIS_URL"]
        if client is not None and url is not None:
            raise ConfigError(
                "SESSION_REDIS_URL",
                "is set together with SESSION_REDIS; set only one of them.",
            )
        if client is None:
            client = connect(url or DEFAULT_REDIS_URL, float(config["SESSION_REDIS_TIMEOUT"]))
        elif (client := fail_fast(client, float(config["SESSION_REDIS_TIMEOUT"]))) is config[
            "SESSION_REDIS"
        ] and (problems := client_problems(client, config["SESSION_REDIS_TIMEOUT"])):
            logger.warning(
                "The SESSION_REDIS client of app %r may keep a request waiting longer than"
                " SESSION_REDIS_TIMEOUT (%g s) when Redis stalls: %s. Create it with"
                " socket_timeout, socket_connect_timeout and retry=Retry(NoBackoff(), 0), or"
                " set SESSION_REDIS_URL instead.",
                app.name,
                config["SESSION_REDIS_TIMEOUT"],
                "; ".join(problems),
            )
        interface = RedisSessionInterface(
            client=client,
            key_prefix=config["SESSION_KEY_PREFIX"],
            use_signer=config["SESSION_USE_SIGNER"],
            permanent=config["SESSION_PERMANENT"],
            sid_length=config["SESSION_ID_LENGTH"],
            serialization_format=config["SESSION_SERIALIZATION_FORMAT"],
        )
        app.session_interface = interface
        return SessionState(interface)

    @hookimpl
    def kolba_app_startup(self, app: kolba.Kolba) -> None:
        if app.config["SESSION_USE_SIGNER"] and not app.secret_key:
            raise ConfigError(
                "SECRET_KEY",
                "is required when SESSION_USE_SIGNER is on: it signs the session id. Set"
                " app.secret_key, or turn SESSION_USE_SIGNER off.",
            )

    @hookimpl
    def kolba_health_checks(self, app: kolba.Kolba) -> list[HealthCheck]:
        interface = self.state(app).interface
        timeout = (
            _connection_kwargs(interface.client).get("socket_timeout")
            or app.config["SESSION_REDIS_TIMEOUT"]
        )

        def ping() -> str | None:
            try:
                interface.client.ping()
            except RedisError as e:
                return f"Redis did not answer PING: {type(e).__name__}: {e}"
            return None

        return [HealthCheck("session-redis", ping, timeout=float(timeout) + 1.0)]
