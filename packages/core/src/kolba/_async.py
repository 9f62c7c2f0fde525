"""Running ``async def`` views and hooks from WSGI: one persistent event loop per thread.

Each worker thread gets its own loop the first time it runs a coroutine and keeps it, so
connections and other loop-bound resources created in one request can be reused by the next
request on the same thread. A coroutine cannot be run this way from inside a running loop.
"""

from __future__ import annotations

import asyncio
import threading
import typing as t
from functools import wraps

_local = threading.local()


class _LoopHolder:
    """Owns a thread's loop and closes it when the thread's locals are dropped."""

    __slots__ = ("loop",)

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()

    def __del__(self) -> None:
        if not self.loop.is_closed() and not self.loop.is_running():
            self.loop.close()


def thread_loop() -> asyncio.AbstractEventLoop:
    """Return this thread's event loop, creating it on first use."""
    holder: _LoopHolder | None = getattr(_local, "holder", None)
    if holder is None or holder.loop.is_closed():
        holder = _local.holder = _LoopHolder()
    return holder.loop


def async_to_sync(
    func: t.Callable[..., t.Coroutine[t.Any, t.Any, t.Any]],
) -> t.Callable[..., t.Any]:
    """Wrap a coroutine function into a plain function that runs it on the thread's loop."""

    @wraps(func)
    def run(*args: t.Any, **kwargs: t.Any) -> t.Any:
        loop = thread_loop()
        if loop.is_running():
            raise RuntimeError(
                f"Cannot run the coroutine function {func.__qualname__!r} synchronously:"
                " this thread's event loop is already running. Await it instead."
            )
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            raise RuntimeError(
                f"Cannot run the coroutine function {func.__qualname__!r} synchronously"
                " from inside a running event loop. Await it instead."
            )
        return loop.run_until_complete(func(*args, **kwargs))

    return run
