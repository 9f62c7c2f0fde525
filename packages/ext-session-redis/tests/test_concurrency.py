"""Two requests of one session at once. Each request loads the whole session, and a changed
session is written back whole, so the last request to finish wins: keys the other request
wrote are lost. A session that one request deletes (logout) or moves (regenerate) is never
brought back by a slower request that loaded it before."""

from __future__ import annotations

import threading

import pytest
from redis_session_app import create_app

from kolba import session


class Gate:
    """Lets the test hold a request inside its view, after it loaded the session."""

    def __init__(self) -> None:
        self.loaded = threading.Event()
        self.release = threading.Event()

    def wait_in_view(self) -> None:
        self.loaded.set()
        assert self.release.wait(10)


@pytest.fixture
def app(redis_server):
    app = create_app(SESSION_REDIS_URL=redis_server.url)
    app.gates = {}

    @app.post("/held/<key>")
    def held(key):
        session[key] = "written"
        app.gates[key].wait_in_view()
        return ""

    return app


def start_held(app, cookie, key):
    """Send POST /held/<key> with ``cookie`` in a thread; return once the view holds."""
    gate = app.gates[key] = Gate()
    client = app.test_client()
    client.set_cookie("session", cookie)
    thread = threading.Thread(target=client.post, args=(f"/held/{key}",))
    thread.start()
    assert gate.loaded.wait(10)
    return gate, thread


def finish(gate, thread):
    gate.release.set()
    thread.join(10)


@pytest.fixture
def browser(app):
    client = app.test_client()
    client.post("/login", data={"user": "ann"})
    return client


def test_last_request_to_finish_wins(app, browser):
    cookie = browser.get_cookie("session").value
    first = start_held(app, cookie, "a")
    second = start_held(app, cookie, "b")
    finish(*first)  # writes {user, a}
    finish(*second)  # writes {user, b}: the whole session, so "a" is gone
    assert browser.get("/get/a").json == {"value": None}
    assert browser.get("/get/b").json == {"value": "written"}
    assert browser.get("/whoami").json == {"user": "ann"}


def test_logout_is_not_undone_by_a_slower_request(app, browser, redis_server):
    cookie = browser.get_cookie("session").value
    slow = start_held(app, cookie, "a")
    browser.post("/logout")
    finish(*slow)
    assert redis_server.keys() == []
    stale = app.test_client()
    stale.set_cookie("session", cookie)
    assert stale.get("/whoami").json == {"user": None}


def test_regenerate_is_not_undone_by_a_slower_request(app, browser, redis_server):
    old = browser.get_cookie("session").value
    slow = start_held(app, old, "a")
    browser.post("/login", data={"user": "ann"})
    new = browser.get_cookie("session").value
    finish(*slow)
    assert redis_server.keys() == [f"session:{new}".encode()]
    assert browser.get("/whoami").json == {"user": "ann"}
