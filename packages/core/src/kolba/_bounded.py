"""Bounded memo tables: what kolba remembers about values that come from clients (paths, hosts,
headers, cookies) must not grow without end."""

from __future__ import annotations

import typing as t

K = t.TypeVar("K")
V = t.TypeVar("V")


def remember(table: dict[K, V], key: K, value: V, limit: int) -> V:
    """Store ``value`` under ``key`` and return it; a table holding ``limit`` entries is
    emptied first, so an attacker sending new values costs a re-computation, not memory."""
    if len(table) >= limit:
        table.clear()
    table[key] = value
    return value
