"""Lower bounds: what a bench target would need, next to what this machine cannot go below.

`python3 -m nox -s bench_floors`. For three scenarios, it times Flask, kolba, the time the
target allows (Flask's time divided by the ratio), and a floor that any framework keeping
Flask's behaviour pays:

- hello text: the bench harness alone, and a skeleton of the public-method pipeline (contexts
  on contextvars, the dispatch methods, a response object) that skips every check and hook
  lookup a real app needs;
- 1 MiB upload: spooling the file to a temporary file in 64 KiB writes and reading it back,
  as werkzeug does past 500 KiB, with no multipart decoding at all;
- jsonify, 50 items: the standard library's encoder alone, with the provider's settings.

A target below its floor cannot be met by work in kolba; it would need a change of behaviour.
"""

from __future__ import annotations

import contextvars
import json
import tempfile
import time
from collections.abc import Callable, Iterable
from typing import Any

import bench

_cv_app: contextvars.ContextVar[Any] = contextvars.ContextVar("floor_app")
_cv_request: contextvars.ContextVar[Any] = contextvars.ContextVar("floor_request")


class _Namespace:
    pass


class _AppContext:
    def __init__(self, app: _Skeleton) -> None:
        self.app = app
        self.g = _Namespace()
        self._url_adapter = None
        self._tokens: list[Any] = []

    def push(self) -> None:
        self._tokens.append(_cv_app.set(self))

    def pop(self, exc: BaseException | None) -> None:
        if len(self._tokens) == 1:
            self.app.do_teardown_appcontext(exc)
        _cv_app.reset(self._tokens.pop())


class _RequestContext:
    # The steps of kolba.ctx.RequestContext.push and pop, on purpose: the floor is that
    # structure with every check taken out, so it cannot call kolba's own.
    def __init__(self, app: _Skeleton, environ: dict[str, Any]) -> None:
        self.app = app
        self.environ = environ
        self._request = self._url_adapter = self._session = self.flashes = None
        self.url_rule: Any = None
        self.view_args: dict[str, Any] | None = None
        self.routing_exception = None
        self._after_request_functions: list[Any] = []
        self._tokens: list[Any] = []

    def push(self) -> None:
        app_ctx = _cv_app.get(None)
        if app_ctx is None or app_ctx.app is not self.app:
            app_ctx = self.app.app_context()
            app_ctx.push()
        else:
            app_ctx = None
        self._tokens.append((_cv_request.set(self), app_ctx))
        self.app.match(self)

    def pop(self, exc: BaseException | None) -> None:
        if len(self._tokens) == 1:
            self.app.do_teardown_request(exc)
        token, app_ctx = self._tokens.pop()
        _cv_request.reset(token)
        if app_ctx is not None:
            app_ctx.pop(exc)


class _Response:
    def __init__(self, body: str) -> None:
        data = body.encode()
        self.status = "200 OK"
        self.status_code = 200
        self.headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(data))),
        ]
        self.response = [data]

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response(self.status, self.headers.copy())
        return self.response


class _Rule:
    endpoint = "hello"


class _Skeleton:
    """The call structure of the pipeline, each step doing the least it can."""

    def __init__(self) -> None:
        self.rules = {"/": _Rule()}
        self.view_functions: dict[str, Callable[..., Any]] = {"hello": lambda: "Hello, World!"}
        self.before_request_funcs: dict[str | None, list[Any]] = {}
        self.after_request_funcs: dict[str | None, list[Any]] = {}

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        return self.wsgi_app(environ, start_response)

    def app_context(self) -> _AppContext:
        return _AppContext(self)

    def request_context(self, environ: dict[str, Any]) -> _RequestContext:
        return _RequestContext(self, environ)

    def match(self, ctx: _RequestContext) -> None:
        ctx.url_rule = self.rules[ctx.environ["PATH_INFO"]]
        ctx.view_args = {}

    def wsgi_app(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        ctx = self.request_context(environ)
        try:
            ctx.push()
            response = self.full_dispatch_request()
            return response(environ, start_response)
        finally:
            ctx.pop(None)

    def full_dispatch_request(self) -> _Response:
        rv = self.preprocess_request()
        if rv is None:
            rv = self.dispatch_request()
        return self.finalize_request(rv)

    def preprocess_request(self) -> Any:
        return None

    def dispatch_request(self) -> Any:
        ctx = _cv_request.get()
        return self.view_functions[ctx.url_rule.endpoint](**ctx.view_args)

    def finalize_request(self, rv: Any) -> _Response:
        return self.process_response(self.make_response(rv))

    def make_response(self, rv: Any) -> _Response:
        return _Response(rv)

    def process_response(self, response: _Response) -> _Response:
        return response

    def do_teardown_request(self, exc: BaseException | None) -> None:
        pass

    def do_teardown_appcontext(self, exc: BaseException | None) -> None:
        pass


def _bare(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "13")])
    return [b"Hello, World!"]


def _best(func: Callable[[], object], number: int, repeats: int = 7) -> float:
    """The least CPU time of one call, in microseconds, over `repeats` runs of `number` calls."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        for _ in range(number):
            func()
        best = min(best, time.process_time() - start)
    return best / number * 1e6


def _spool_upload(chunks: list[bytes]) -> Callable[[], None]:
    def spool() -> None:
        with tempfile.SpooledTemporaryFile(max_size=500 * 1024, mode="w+b") as file:
            for chunk in chunks:
                file.write(chunk)
            file.seek(0)
            file.read()

    return spool


def _encode(obj: object) -> Callable[[], None]:
    """The encoding alone: the standard library's C encoder, built once, with the settings of
    the default provider's compact responses."""
    from json import encoder as json_encoder

    make = getattr(json_encoder, "c_make_encoder", None)
    if make is None:  # no accelerator: the pure-Python encoder, built once
        encode = json.JSONEncoder(sort_keys=True, separators=(",", ":")).iterencode
    else:
        encode = make(
            {}, None, json_encoder.encode_basestring_ascii, None, ":", ",", True, False, True
        )

    def run() -> None:
        "".join(encode(obj, 0))

    return run


def main() -> None:
    apps = {fw.name: bench.create_app(fw) for fw in bench.FRAMEWORKS}
    by_name = {s.name: s for s in bench.SCENARIOS}
    chunks = [bench.UPLOAD[i : i + 65536] for i in range(0, len(bench.UPLOAD), 65536)]
    _, body = bench.response_of(apps["kolba"], bench.Request(by_name["jsonify, 50 items"]))
    catalogue = json.loads(body)
    hello_req = bench.Request(by_name["hello text"])
    skeleton = _Skeleton()
    cases: list[tuple[str, float, list[tuple[str, Callable[[], object]]]]] = [
        (
            "hello text",
            15,
            [
                ("harness alone", lambda: bench.call(_bare, hello_req)),
                ("pipeline skeleton", lambda: bench.call(skeleton, hello_req)),
            ],
        ),
        ("1 MiB multipart upload", 3, [("temporary-file spool", _spool_upload(chunks))]),
        ("jsonify, 50 items", 2, [("stdlib encoder alone", _encode(catalogue))]),
    ]
    print(f"{'scenario':<24} {'what':<26} {'us/request':>11}")
    for name, ratio, floors in cases:
        scenario = by_name[name]
        reqs = bench.requests_for(scenario, apps)
        number = max(20, bench.calibrate(apps["kolba"], reqs["kolba"], 0.2))
        times = {
            fw: _best(lambda fw=fw, reqs=reqs: bench.call(apps[fw], reqs[fw]), number)
            for fw in ("flask", "kolba")
        }
        print(f"{name:<24} {'flask':<26} {times['flask']:>11.2f}")
        print(f"{'':<24} {'kolba':<26} {times['kolba']:>11.2f}")
        print(f"{'':<24} {f'target ({ratio:g}x flask)':<26} {times['flask'] / ratio:>11.2f}")
        for label, func in floors:
            print(f"{'':<24} {f'floor: {label}':<26} {_best(func, number):>11.2f}")


if __name__ == "__main__":
    main()
