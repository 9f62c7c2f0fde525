"""Type aliases of kolba_jwt's public API."""

from __future__ import annotations

import datetime
import typing as t

#: How long a token lives: a timedelta, or ``False`` for a token that never expires.
ExpiresDelta = t.Union[datetime.timedelta, t.Literal[False]]  # noqa: UP007
#: A token's freshness: a flag, or how long from now it stays fresh (a timedelta, or a
#: POSIX timestamp when read back from a token).
Fresh = t.Union[bool, float, datetime.timedelta]  # noqa: UP007
