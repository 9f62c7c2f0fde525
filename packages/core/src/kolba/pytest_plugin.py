"""kolba's pytest plugin: the ``app``, ``client`` and ``runner`` fixtures and the ``kolba_config``
marker, active wherever kolba is installed (entry point group ``pytest11``).

A project replaces the ``app`` fixture by defining its own ``app`` fixture in ``conftest.py`` or
in a test module; ``client`` and ``runner`` then use that app.
"""

from __future__ import annotations

import os
import socket
import typing as t
import weakref

import pytest

from .app import Kolba
from .testing import KolbaClient, KolbaCliRunner

#: The ``SECRET_KEY`` of apps made by :func:`make_app`; for signing test cookies only.
TEST_SECRET_KEY = "kolba-test-secret-key"


def running_in_ci() -> bool:
    """Whether the ``CI`` environment variable asks for a CI run (any value but empty, ``0``,
    ``false`` or ``no``)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def service_unavailable(reason: str) -> t.NoReturn:
    """Give up on a test whose backing service (a server binary, a browser) is missing: fail
    under CI, where a missing service is a broken set-up, and skip elsewhere."""
    if running_in_ci():
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)")
    pytest.skip(reason)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on ``host`` that nothing listens on right now, for a test server."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def make_app(import_name: str = "kolba_test_app", **config: t.Any) -> Kolba:
    """Return a new app for a test: ``TESTING`` on, a test ``SECRET_KEY``, then ``config``.

    Use it where a test needs more than one app, e.g. to check that two apps stay isolated.
    """
    app = Kolba(import_name)
    app.config.update(TESTING=True, SECRET_KEY=TEST_SECRET_KEY)
    app.config.update(config)
    return app


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "kolba_config(**values): config values the app fixture sets for this test; the marker"
        " closest to the test wins.",
    )


# Apps made by the plugin's own ``app`` fixture, so ``client`` and ``runner`` can tell that the
# project defined no ``app`` fixture of its own.
_DEFAULT_APPS: weakref.WeakSet[Kolba] = weakref.WeakSet()


def _require_an_app(request: pytest.FixtureRequest, app: Kolba, fixture: str) -> None:
    """Fail a test that uses ``fixture`` on the plugin's empty app without touching that app
    itself: it would only ever see 404s and missing commands."""
    if app not in _DEFAULT_APPS:
        return
    info = getattr(request.node, "_fixtureinfo", None)
    if info is None or "app" in info.initialnames:
        return
    for name, definitions in info.name2fixturedefs.items():
        if name not in ("client", "runner") and any("app" in d.argnames for d in definitions):
            return
    pytest.fail(
        f"the {fixture!r} fixture needs your app, and this project defines no 'app' fixture:"
        " add one to conftest.py that returns your app (for instance one that returns"
        " create_app({'TESTING': True})). Without it,"
        f" {fixture!r} talks to an empty app that answers 404 to every URL. See docs/testing.md.",
        pytrace=False,
    )


@pytest.fixture
def app(request: pytest.FixtureRequest) -> Kolba:
    """A fresh app named ``kolba_test_app`` with ``TESTING`` on, a test ``SECRET_KEY`` and the
    values of ``@pytest.mark.kolba_config(...)`` markers."""
    values: dict[str, t.Any] = {}
    # iter_markers yields the closest marker first (function, class, module); apply the farthest
    # first so the closest one wins.
    for marker in reversed(list(request.node.iter_markers("kolba_config"))):
        values.update(marker.kwargs)
    made = make_app(**values)
    _DEFAULT_APPS.add(made)
    return made


@pytest.fixture
def client(request: pytest.FixtureRequest, app: Kolba) -> KolbaClient:
    """The test client of the ``app`` fixture."""
    _require_an_app(request, app, "client")
    return app.test_client()


@pytest.fixture
def runner(request: pytest.FixtureRequest, app: Kolba) -> KolbaCliRunner:
    """The CLI runner of the ``app`` fixture."""
    _require_an_app(request, app, "runner")
    return app.test_cli_runner()
