"""Bad input over real HTTP behind gunicorn: a body the server cannot deliver is a 400 with one
log line, MAX_CONTENT_LENGTH holds for chunked bodies, and invalid Host names are 400s."""

from __future__ import annotations

import json

import pytest
from http_server.server import Server, gunicorn, status_of

from kolba.pytest_plugin import free_port, service_unavailable

pytest.importorskip("gunicorn", reason="gunicorn is not installed in this environment")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("gunicorn") / "server.log"
    try:
        with gunicorn("bad_input_app:app", free_port(), log, workers=2) as srv:
            yield srv
    except RuntimeError as e:
        service_unavailable(f"gunicorn could not serve the test app: {e}")


@pytest.fixture(scope="module")
def trusted_server(tmp_path_factory):
    log = tmp_path_factory.mktemp("gunicorn-trusted") / "server.log"
    try:
        with gunicorn("bad_input_app:trusted_app", free_port(), log, workers=1) as srv:
            yield srv
    except RuntimeError as e:
        service_unavailable(f"gunicorn could not serve the test app: {e}")


def _chunked(path: str, body: bytes, content_type: str = "application/octet-stream") -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


def _chunks(data: bytes, size: int = 8192) -> bytes:
    out = b""
    for i in range(0, len(data), size):
        part = data[i : i + size]
        out += f"{len(part):x}\r\n".encode() + part + b"\r\n"
    return out + b"0\r\n\r\n"


def _body(answer: bytes) -> bytes:
    return answer.partition(b"\r\n\r\n")[2]


BROKEN_BODIES = {
    "bad-chunk-size": b"zz\r\nabc\r\n0\r\n\r\n",
    "missing-chunk-terminator": b"3\r\nabcXY0\r\n\r\n",
    "cut-off-mid-chunk": b"100\r\nonly a few bytes",
}
VIEWS = {
    "/form": "application/x-www-form-urlencoded",
    "/json": "application/json",
    "/data": "application/octet-stream",
    "/files": "multipart/form-data; boundary=xyz",
}


@pytest.mark.parametrize("body", BROKEN_BODIES.values(), ids=BROKEN_BODIES.keys())
@pytest.mark.parametrize(("path", "content_type"), VIEWS.items(), ids=VIEWS.keys())
def test_body_the_server_cannot_deliver_is_a_400_with_one_log_line(
    server: Server, path, content_type, body
):
    before = server.log()
    answer = server.raw(_chunked(path, body, content_type))
    assert status_of(answer) == 400, answer[:300]
    new_log = server.log()[len(before) :]
    assert "Traceback" not in new_log
    assert new_log.count("The request body could not be read") == 1, new_log


@pytest.mark.parametrize("path", ["/data", "/form", "/json", "/files"])
def test_chunked_body_over_max_content_length_is_a_413(server: Server, path):
    content_type = VIEWS[path]
    answer = server.raw(_chunked(path, _chunks(b"a" * (200 * 1024)), content_type))
    assert status_of(answer) == 413, answer[:300]
    assert "Traceback" not in server.log()


def test_chunked_body_within_the_limit_is_read_whole(server: Server):
    answer = server.raw(_chunked("/data", _chunks(b"a" * 50_000)))
    assert status_of(answer) == 200
    assert _body(answer).endswith(b"50000")


def test_chunked_form_within_the_limit_is_parsed(server: Server):
    body = b"name=kolba&lang=py"
    answer = server.raw(_chunked("/form", _chunks(body), "application/x-www-form-urlencoded"))
    assert status_of(answer) == 200
    assert json.loads(_body(answer))["form"]["name"] == "kolba"


def test_content_length_body_cut_short_is_a_400(server: Server):
    request = (
        b"POST /data HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n"
        b"Connection: close\r\n\r\nshort"
    )
    assert status_of(server.raw(request)) == 400
    assert "Traceback" not in server.log()


BAD_HOSTS = ["xn--", "xn--zz-", "a..example.com", "a" * 64 + ".example.com", ".example.com"]


@pytest.mark.parametrize("host", BAD_HOSTS)
@pytest.mark.parametrize("path", ["/url", "/", "/item/3", "/missing"])
def test_invalid_host_name_is_a_400(server: Server, host, path):
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
    assert status_of(server.raw(request)) == 400
    assert "Traceback" not in server.log()


@pytest.mark.parametrize("host", ["xn--", "xn--zz-"])
def test_invalid_host_name_is_a_400_with_trusted_hosts(trusted_server: Server, host):
    request = f"GET /url HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
    assert status_of(trusted_server.raw(request)) == 400
    assert "Traceback" not in trusted_server.log()


def test_valid_idna_host_is_served(server: Server):
    request = b"GET /url HTTP/1.1\r\nHost: xn--ls8h.la\r\nConnection: close\r\n\r\n"
    answer = server.raw(request)
    assert status_of(answer) == 200
    assert json.loads(_body(answer))["external"] == "http://xn--ls8h.la/url"


def test_websocket_upgrade_to_a_plain_route_is_a_400(server: Server):
    for path in ["/", "/item/3"]:
        request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
        assert status_of(server.raw(request)) == 400


def test_unicode_host_sent_as_raw_utf8_is_a_400(server: Server):
    # A Host header is ASCII; a name with other letters is sent in its xn-- form.
    host = "ąśźäüжŠßя.com".encode()
    request = b"GET /url HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n"
    assert status_of(server.raw(request)) == 400


def test_unicode_host_in_its_idna_form_is_served(server: Server):
    host = "ąśźäüжŠßя.com".encode("idna")
    request = b"GET /url HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n"
    answer = server.raw(request)
    assert status_of(answer) == 200
    assert json.loads(_body(answer))["host_url"] == "http://ąśźäüжšssя.com/"
