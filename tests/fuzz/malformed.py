"""Generators of malformed HTTP requests: request lines, headers, chunked and multipart bodies,
JSON, cookies, Host names, query strings and paths. Each call returns raw request bytes."""

from __future__ import annotations

import json
import random
import typing as t

PATHS = ["/", "/form", "/json", "/data", "/files", "/url", "/session", "/item/7", "/missing"]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "BREW", "G\tT"]
CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/json",
    "multipart/form-data; boundary=xyz",
    "multipart/form-data",
    "multipart/form-data; boundary=",
    'multipart/form-data; boundary="a b"',
    "text/plain; charset=nope",
    "application/json; charset=utf-16",
    ";;;",
]


def _junk(rng: random.Random, n: int | None = None) -> bytes:
    n = rng.randint(0, 40) if n is None else n
    alphabet = b"abcXYZ019%&=;:,./\\?#[]{}<>\"' \t\x00\x7f\xc3\xa9\xff\r\n"
    return bytes(rng.choice(alphabet) for _ in range(n))


def _text(rng: random.Random, n: int | None = None) -> str:
    return _junk(rng, n).decode("latin-1").replace("\r", "").replace("\n", "")


def host(rng: random.Random) -> str:
    labels = [
        "xn--",
        "xn--zz-",
        "xn--ls8h",
        "a" * rng.choice([1, 63, 64, 200]),
        "",
        "例子",
        "exa mple",
        "localhost",
        "127.0.0.1",
        "[::1]",
        "-a-",
        "_x",
    ]
    name = ".".join(rng.choice(labels) for _ in range(rng.choice([1, 1, 2, 3])))
    if rng.random() < 0.3:
        name += ":" + rng.choice(["80", "0", "99999", "x", ""])
    return name


def path(rng: random.Random) -> str:
    base = rng.choice(PATHS)
    if rng.random() < 0.5:
        return base
    extra = rng.choice(
        ["", "/", "//", "/..", "%2e%2e/", "%", "%zz", "%00", "%c3%28", "?" + query(rng), "#frag"]
    )
    if rng.random() < 0.05:
        extra += "a" * rng.choice([2000, 9000])
    return base + extra


def query(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(0, 6)):
        parts.append(rng.choice(["q", "a[]", "%", "%zz", "=", "", "x" * 300]) + "=" + _text(rng, 8))
    return rng.choice(["&", ";", "&&"]).join(parts).replace(" ", "%20").replace("#", "%23")


def cookie(rng: random.Random) -> str:
    value = rng.choice(
        [
            _text(rng),
            "eyJuIjoxfQ." + _text(rng, 10),
            "." + "A" * rng.randint(0, 500),
            '"unterminated',
            "a" * 5000,
        ]
    )
    return rng.choice(["session", "Session", "", "x"]) + "=" + value.replace(";", "")


def json_body(rng: random.Random) -> bytes:
    choice = rng.randint(0, 7)
    if choice == 0:
        depth = rng.choice([10, 1000, 100_000])
        return b"[" * depth + b"]" * depth
    if choice == 1:
        return b'{"a": ' + b"9" * rng.choice([10, 5000]) + b"}"
    if choice == 2:
        return b'{"a": NaN, "b": Infinity}'
    if choice == 3:
        return b"\xff\xfe{\x00}"
    if choice == 4:
        return json.dumps({"k": _text(rng)}).encode()[: rng.randint(0, 20)]
    if choice == 5:
        return b'"\\ud800"'
    if choice == 6:
        return b""
    return _junk(rng)


def multipart_body(rng: random.Random) -> bytes:
    boundary = b"xyz"
    parts = []
    for _ in range(rng.randint(0, 4)):
        disposition = rng.choice(
            [
                b'form-data; name="f"; filename="a.txt"',
                b'form-data; name="f"; filename="../../etc/passwd"',
                b"form-data; name=",
                b'form-data; name="\x00"',
                b"attachment",
                b"",
            ]
        )
        parts.append(
            b"--" + boundary + b"\r\nContent-Disposition: " + disposition + b"\r\n"
            b"Content-Type: "
            + rng.choice([b"text/plain", b"", b"\xff"])
            + b"\r\n\r\n"
            + _junk(rng)
            + b"\r\n"
        )
    tail = rng.choice([b"--" + boundary + b"--\r\n", b"--" + boundary, b"", b"--zzz--\r\n"])
    return b"".join(parts) + tail


def chunked(rng: random.Random, body: bytes) -> bytes:
    out = b""
    i = 0
    while i < len(body):
        n = rng.randint(1, 16)
        piece = body[i : i + n]
        size = rng.choice([f"{len(piece):x}", f"{len(piece):x}", "zz", "-1", "ffffffffff", ""])
        sep = rng.choice([b"\r\n", b"\r\n", b"\n", b""])
        out += size.encode() + sep + piece + rng.choice([b"\r\n", b"\r\n", b"XY"])
        i += n
    return out + rng.choice([b"0\r\n\r\n", b"0\r\n\r\n", b"0\r\n", b"", b"5\r\nab"])


def body_for(rng: random.Random, content_type: str) -> bytes:
    if "json" in content_type:
        return json_body(rng)
    if "multipart" in content_type:
        return multipart_body(rng)
    if "urlencoded" in content_type:
        return query(rng).encode("latin-1", "replace")
    return _junk(rng, rng.randint(0, 200))


def request(rng: random.Random) -> bytes:
    """One malformed request, mixing every kind of fault."""
    # Most request lines are well formed, so most requests reach the app.
    method = rng.choice(METHODS) if rng.random() < 0.15 else rng.choice(["GET", "POST", "PUT"])
    target = path(rng)
    version = "HTTP/1.1" if rng.random() < 0.9 else rng.choice(["HTTP/1.0", "HTTP/2.0", "x", ""])
    headers: list[tuple[str, str]] = []
    if rng.random() < 0.9:
        headers.append(("Host", host(rng) if rng.random() < 0.3 else "127.0.0.1"))
    if rng.random() < 0.4:
        headers.append(("Cookie", cookie(rng)))
    content_type = rng.choice(CONTENT_TYPES)
    body = body_for(rng, content_type) if rng.random() < 0.7 else b""
    if body or rng.random() < 0.2:
        headers.append(("Content-Type", content_type))
    framing = rng.randint(0, 5)
    if framing == 0:
        headers.append(("Transfer-Encoding", "chunked"))
        body = chunked(rng, body)
    elif framing == 1:
        headers.append(("Content-Length", str(len(body) + rng.choice([-3, 5, 100]))))
    elif framing == 2:
        headers.append(("Content-Length", rng.choice(["-1", "abc", "1e3", " 5", "99999999999"])))
    elif framing == 3:
        headers.append(("Content-Length", str(len(body))))
        headers.append(("Transfer-Encoding", rng.choice(["chunked", "gzip", "identity"])))
    else:
        headers.append(("Content-Length", str(len(body))))
    if rng.random() < 0.2:
        headers.append((rng.choice(["X-A", "Bad Header", "", "X\x00", "Upgrade"]), _text(rng)))
    if rng.random() < 0.1:
        headers.append(("Upgrade", "websocket"))
        headers.append(("Connection", "Upgrade"))
    if rng.random() < 0.1:
        headers.append(("Accept-Language", _text(rng, 300)))
    if rng.random() < 0.1:
        headers.append(("Authorization", rng.choice(["Basic !!!", "Bearer", "Digest x=", "Basic"])))
    headers.append(("Connection", "close"))
    lines = [f"{method} {target} {version}".rstrip()]
    lines += [f"{name}: {value}" for name, value in headers]
    head = "\r\n".join(lines).encode("utf-8", "surrogateescape") + b"\r\n\r\n"
    return head + body


def requests(seed: int, count: int) -> t.Iterator[bytes]:
    rng = random.Random(seed)
    for _ in range(count):
        yield request(rng)
