"""Test isolation for Flask's suite: kolba reads ``KOLBA_*`` where Flask reads ``FLASK_*``.

Flask's own conftest clears the ``FLASK_*`` variables around each test; this clears kolba's
spellings the same way, so a CLI test that sets ``KOLBA_RUN_FROM_CLI`` does not leak into the
next test.
"""

from __future__ import annotations

import collections.abc

import pytest

KOLBA_VARIABLES = ("KOLBA_APP", "KOLBA_DEBUG", "KOLBA_RUN_FROM_CLI", "KOLBA_SKIP_DOTENV")


@pytest.fixture(autouse=True)
def _clear_kolba_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> collections.abc.Iterator[None]:
    for name in KOLBA_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    yield
