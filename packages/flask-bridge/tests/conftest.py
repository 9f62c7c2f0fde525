"""Fixtures of the kolba-flask-bridge tests. The bridge is enabled here, before any test module
imports a Flask extension, as an app would do it: ``import kolba_flask_bridge`` first."""

import pytest
from bridge_helpers import LiveServer

import kolba_flask_bridge  # noqa: F401  (enables the bridge for the whole test process)


@pytest.fixture
def live_server():
    """Serve an app over real HTTP on 127.0.0.1: ``server = live_server(app)``."""
    servers: list[LiveServer] = []

    def start(app):
        server = LiveServer(app)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
