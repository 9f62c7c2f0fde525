"""Background sending (``MAIL_BACKGROUND``): a worker thread per app that delivers queued
messages over one reused connection, drained by ``flush()`` and at interpreter exit."""

from __future__ import annotations

import atexit
import logging
import threading
import typing as t
from collections import deque

from .connection import Connection
from .errors import BackgroundSendError

if t.TYPE_CHECKING:
    from .extension import MailState
    from .message import Envelope

logger = logging.getLogger("kolba_mail")


class BackgroundSender:
    """Delivers queued messages on a daemon thread, started with the first message.

    Nothing queued is dropped: :meth:`flush` waits for the queue to drain, and an ``atexit``
    handler does the same when the interpreter exits. A message that fails is logged at
    once (logger ``kolba_mail``) and reported by the next :meth:`flush`.
    """

    def __init__(self, state: MailState) -> None:
        self._state = state
        self._cond = threading.Condition()
        self._queue: deque[Envelope] = deque()
        self._busy = False
        self._closed = False
        self._failures: list[tuple[object, BaseException]] = []
        self._thread: threading.Thread | None = None

    def submit(self, envelope: Envelope) -> None:
        """Queue a rendered message."""
        with self._cond:
            if self._closed:
                raise RuntimeError(
                    "This app's background mail sender is closed (init_app was called again)."
                )
            self._queue.append(envelope)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name=f"kolba-mail ({self._state.app.name})", daemon=True
                )
                self._thread.start()
                atexit.register(self.close)
            self._cond.notify_all()

    def flush(self, timeout: float | None = None) -> None:
        """Wait until every queued message is handled; then raise
        :class:`~kolba_mail.BackgroundSendError` if some failed since the last flush.

        Raises :class:`TimeoutError` if messages are still queued after ``timeout`` seconds.
        """
        with self._cond:
            if not self._cond.wait_for(lambda: not self._queue and not self._busy, timeout):
                raise TimeoutError(
                    f"{len(self._queue) + self._busy} message(s) still unsent after {timeout} s."
                )
            failures, self._failures = self._failures, []
        if failures:
            raise BackgroundSendError(failures)

    def close(self) -> None:
        """Send what is queued, then stop the thread. Failures are logged, not raised."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join()
            atexit.unregister(self.close)

    def _run(self) -> None:
        connection = Connection(self._state)
        try:
            while (envelope := self._next(connection)) is not None:
                try:
                    with self._state.app.app_context():
                        connection.deliver(envelope)
                except Exception as e:
                    logger.error(
                        "Could not send %r to %s: %s",
                        envelope.message.subject,
                        ", ".join(envelope.recipients),
                        e,
                    )
                    with self._cond:
                        self._failures.append((envelope.message, e))
                finally:
                    with self._cond:
                        self._busy = False
                        self._cond.notify_all()
        finally:
            connection.close()

    def _next(self, connection: Connection) -> Envelope | None:
        with self._cond:
            if self._queue:
                self._busy = True
                return self._queue.popleft()
        # Idle: close the session rather than hold it open while nothing is queued.
        connection.close()
        with self._cond:
            while not self._queue:
                if self._closed:
                    return None
                self._cond.wait()
            self._busy = True
            return self._queue.popleft()
