"""The kinds of client SESSION_REDIS takes besides a plain redis.Redis: a Sentinel master and a
RedisCluster, each against real servers."""

from __future__ import annotations

import time

import pytest
from conftest import RedisServer, free_port
from redis.backoff import NoBackoff
from redis.cluster import RedisCluster
from redis.retry import Retry
from redis.sentinel import Sentinel
from redis_session_app import create_app

FAST = {"socket_timeout": 1.0, "socket_connect_timeout": 1.0, "retry": Retry(NoBackoff(), 0)}
SLOTS = 16384


def exercise(app):
    """Log in (new id), regenerate (the old and new keys usually sit in different slots),
    count, log out."""
    client = app.test_client()
    client.post("/set/cart", data={"value": "tea"})
    client.post("/login", data={"user": "ann"})
    client.post("/login", data={"user": "ann"})
    assert client.get("/whoami").json == {"user": "ann"}
    assert client.get("/get/cart").json == {"value": "tea"}
    for n in range(1, 4):
        assert client.post("/incr").json == {"count": n}
    return client


@pytest.fixture
def sentinel(tmp_path):
    """A master and one Sentinel watching it as "sessions"."""
    master = RedisServer(tmp_path)
    config = tmp_path / "sentinel.conf"
    watcher = RedisServer(tmp_path, config_file=config, options=("--sentinel",))
    try:
        master.start()
        config.write_text(f"sentinel monitor sessions 127.0.0.1 {master.port} 1\n")
        watcher.start()
        yield master, watcher
    finally:
        watcher.stop()
        master.stop()


def test_sentinel_master_client(sentinel):
    master, watcher = sentinel
    client = Sentinel([("127.0.0.1", watcher.port)], **FAST).master_for("sessions", **FAST)
    app = create_app(SESSION_REDIS=client)
    browser = exercise(app)
    assert master.keys() == [f"session:{browser.get_cookie('session').value}".encode()]
    browser.post("/logout")
    assert master.keys() == []


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Three primaries sharing the slots; the bus ports are chosen, as port + 10000 may not
    be free (or may not exist)."""
    workdir = tmp_path_factory.mktemp("cluster")
    nodes: list[RedisServer] = []
    try:
        bus_ports = []
        for number in range(3):
            bus_ports.append(free_port())
            options = ["--cluster-enabled", "yes", "--cluster-port", str(bus_ports[-1])]
            options += ["--cluster-config-file", f"nodes-{number}.conf"]
            nodes.append(RedisServer(workdir, options=tuple(options)))
            nodes[-1].start()
        share = SLOTS // len(nodes)
        for number, node in enumerate(nodes):
            last = SLOTS - 1 if number == len(nodes) - 1 else (number + 1) * share - 1
            node.admin.execute_command("CLUSTER", "ADDSLOTSRANGE", number * share, last)
        for node, bus_port in zip(nodes[1:], bus_ports[1:], strict=True):
            nodes[0].admin.execute_command("CLUSTER", "MEET", "127.0.0.1", node.port, bus_port)
        deadline = time.monotonic() + 15
        while not all(
            b"cluster_state:ok" in n.admin.execute_command("CLUSTER", "INFO") for n in nodes
        ):
            if time.monotonic() > deadline:
                pytest.fail("The three-node cluster did not become ready within 15 s")
            time.sleep(0.05)
        yield nodes
    finally:
        for node in nodes:
            node.stop()


@pytest.fixture
def empty_cluster(cluster):
    for node in cluster:
        node.admin.flushall()
    return cluster


def test_redis_cluster_client(empty_cluster):
    cluster = empty_cluster
    client = RedisCluster(host="127.0.0.1", port=cluster[0].port, **FAST)
    app = create_app(SESSION_REDIS=client)
    browser = exercise(app)
    sid = browser.get_cookie("session").value
    assert client.exists(f"session:{sid}") == 1
    assert sum(len(node.keys()) for node in cluster) == 1
    browser.post("/logout")
    assert sum(len(node.keys()) for node in cluster) == 0


def test_health_check_pings_the_cluster(cluster):
    client = RedisCluster(host="127.0.0.1", port=cluster[0].port, **FAST)
    app = create_app(SESSION_REDIS=client)
    [check] = app.plugins.hook.kolba_health_checks(app=app)[0]
    assert check.check() is None
