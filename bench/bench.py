"""In-process WSGI benchmark: the same app built on kolba and on Flask, timed in one run.

Run it with `python3 -m nox -s bench` (add `-- --quick` for a smoke run). To add a scenario, give
`create_app` the view it needs and append a `Scenario` to `SCENARIOS`.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import io
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import flask
from werkzeug.test import EnvironBuilder

import kolba

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

ROUTE_COUNT = 200
UPLOAD = bytes(range(256)) * 4096  # 1 MiB


@dataclass(frozen=True)
class Framework:
    """What `create_app` needs from one framework; the two APIs are the same."""

    name: str
    app_class: Any
    request: Any
    session: Any
    render_template: Any
    jsonify: Any
    make_response: Any
    blueprint_class: Any
    g: Any
    url_for: Any


FRAMEWORKS = [
    Framework(
        "flask",
        *(flask.Flask, flask.request, flask.session, flask.render_template, flask.jsonify),
        *(flask.make_response, flask.Blueprint, flask.g, flask.url_for),
    ),
    Framework(
        "kolba",
        *(kolba.Kolba, kolba.request, kolba.session, kolba.render_template, kolba.jsonify),
        *(kolba.make_response, kolba.Blueprint, kolba.g, kolba.url_for),
    ),
]


def create_app(fw: Framework) -> Any:
    """Build the benchmark app on `fw`; every scenario's view lives here."""
    app = fw.app_class(__name__)
    app.secret_key = "bench secret"
    request = fw.request
    session = fw.session

    @app.get("/")
    def hello() -> str:
        return "Hello, World!"

    @app.get("/api/items/<int:id>")
    def api_item(id: int) -> Any:
        return fw.jsonify(id=id, name=f"item {id}", tags=["a", "b"], ok=True)

    catalogue = [
        {"id": i, "name": f"item {i}", "price": i * 1.25, "tags": ["a", "b"], "stock": i % 7 != 0}
        for i in range(50)
    ]

    @app.get("/api/items")
    def api_items() -> Any:
        return fw.jsonify(items=catalogue, total=len(catalogue), page=1)

    @app.get("/cookie")
    def cookie() -> Any:
        response = fw.make_response("cookie set")
        response.set_cookie("theme", "dark", max_age=3600, httponly=True)
        return response

    hooked = fw.blueprint_class("hooked", __name__, url_prefix="/hooked")

    @hooked.before_request
    def before() -> None:
        fw.g.user = "ada"

    @hooked.after_request
    def after(response: Any) -> Any:
        response.headers["X-User"] = fw.g.user
        return response

    @hooked.get("/")
    def hooked_page() -> str:
        return "hooked"

    shop = fw.blueprint_class("shop", __name__, url_prefix="/shop")

    @shop.get("/products/<int:id>")
    def product(id: int) -> str:
        return fw.url_for(".product", id=id + 1)

    @shop.get("/cart/")
    def cart() -> str:
        return "cart"

    @shop.post("/checkout")
    def checkout() -> str:
        return "checked out"

    app.register_blueprint(hooked)
    app.register_blueprint(shop)

    @app.get("/json")
    def json_dict() -> dict[str, Any]:
        return {"message": "Hello, World!", "count": 3, "tags": ["a", "b"], "ok": True}

    def static_page() -> str:
        return str(request.path)

    def user_page(id: int) -> str:
        return f"user {id}"

    # Even numbers are static rules and odd numbers dynamic ones, so the two kinds interleave.
    for i in range(ROUTE_COUNT):
        if i % 2:
            app.add_url_rule(f"/user{i}/<int:id>", f"user{i}", user_page)
        else:
            app.add_url_rule(f"/static{i}", f"static{i}", static_page)

    @app.post("/form")
    def form() -> str:
        fields = request.form
        return f"{request.args['page']} {request.args['sort']} {len(fields)} {fields['name']}"

    @app.post("/upload")
    def upload() -> str:
        return str(len(request.files["file"].read()))

    @app.get("/login")
    def login() -> str:
        session["user"] = "ada"
        session["visits"] = 0
        return "ok"

    @app.get("/session")
    def session_visit() -> str:
        session["visits"] = session.get("visits", 0) + 1
        return f"{session['user']} {session['visits']}"

    items = [
        {"name": f"item {i}", "note": "<b>&</b>" if i % 3 == 0 else "plain"} for i in range(30)
    ]

    @app.get("/template")
    def template() -> str:
        return fw.render_template(  # type: ignore[no-any-return]
            "bench_page.html", title="Bench <page>", items=items, footer="done"
        )

    return app


@dataclass(frozen=True)
class Scenario:
    """One request sent to both apps, and the status both must answer it with."""

    name: str
    path: str
    method: str = "GET"
    query: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] = field(default_factory=dict)
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # field -> (content, name)
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200
    #: A path requested once per app first; the session cookie it sets is sent with every call.
    login: str | None = None


SCENARIOS = [
    Scenario("hello text", "/"),
    Scenario("json dict", "/json"),
    Scenario("jsonify, dynamic route", "/api/items/42"),
    Scenario("jsonify, 50 items", "/api/items"),
    Scenario("set_cookie", "/cookie"),
    Scenario("one before + one after hook", "/hooked/"),
    Scenario("blueprint route + url_for", "/shop/products/7"),
    Scenario(f"routing static ({ROUTE_COUNT} rules)", "/static198"),
    Scenario(f"routing dynamic ({ROUTE_COUNT} rules)", "/user195/7"),
    Scenario("404 not found", "/missing/path", status=404),
    Scenario("405 method not allowed", "/shop/checkout", status=405),
    Scenario("trailing-slash redirect", "/shop/cart", status=308),
    Scenario(
        "form + query POST",
        "/form",
        method="POST",
        query={"page": "2", "sort": "name"},
        form={
            "name": "Ada Lovelace",
            "email": "ada@example.org",
            "age": "36",
            "city": "London",
            "comment": "Engines & numbers, 100% analytical.",
        },
    ),
    Scenario(
        "1 MiB multipart upload",
        "/upload",
        method="POST",
        files={"file": (UPLOAD, "upload.bin")},
    ),
    Scenario("session read + write", "/session", login="/login"),
    Scenario("template render", "/template"),
]


class Request:
    """A scenario's environ and body, built once; each call gets a copy and a fresh input."""

    def __init__(self, scenario: Scenario, cookie: str | None = None) -> None:
        data: dict[str, Any] = dict(scenario.form)
        for key, (content, filename) in scenario.files.items():
            data[key] = (io.BytesIO(content), filename)
        builder = EnvironBuilder(
            path=scenario.path,
            method=scenario.method,
            query_string=scenario.query,
            headers={**scenario.headers, **({"Cookie": cookie} if cookie else {})},
            data=data or None,
        )
        try:
            self.environ = builder.get_environ()
        finally:
            builder.close()
        self.body = self.environ["wsgi.input"].read()

    def fresh_environ(self) -> dict[str, Any]:
        environ = dict(self.environ)
        environ["wsgi.input"] = io.BytesIO(self.body)
        return environ


def _ignore_start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
    return None


def call(app: WSGIApp, req: Request, start_response: Callable[..., Any] = _ignore_start) -> bytes:
    """One request as a server makes it: start, consume the body, close; returns the body."""
    app_iter = app(req.fresh_environ(), start_response)
    try:
        return b"".join(app_iter)
    finally:
        close = getattr(app_iter, "close", None)
        if close is not None:
            close()


def response_of(app: WSGIApp, req: Request) -> tuple[int, bytes]:
    """The status code and body `app` answers `req` with."""
    statuses: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        statuses.append(status)
        return None

    body = call(app, req, start_response)
    return int(statuses[-1].split(" ", 1)[0]), body


def session_cookie(app: Any, path: str) -> str:
    """The `Cookie` header value that carries the session `app` sets when `path` is requested."""
    client = app.test_client()
    client.get(path)
    cookie = client.get_cookie("session")
    if cookie is None:
        sys.exit(f"bench: {path} set no session cookie")
    return f"session={cookie.value}"


def requests_for(scenario: Scenario, apps: dict[str, Any]) -> dict[str, Request]:
    """Each app's request for `scenario`: the same, except for the app's own session cookie."""
    if scenario.login is None:
        shared = Request(scenario)
        return {name: shared for name in apps}
    return {
        name: Request(scenario, session_cookie(app, scenario.login)) for name, app in apps.items()
    }


def check(scenario: Scenario, apps: dict[str, WSGIApp], reqs: dict[str, Request]) -> None:
    """Exit unless every app answers `scenario` with its expected status and the same body."""
    answers = {name: response_of(app, reqs[name]) for name, app in apps.items()}
    statuses = {status for status, _ in answers.values()}
    bodies = {body for _, body in answers.values()}
    if statuses != {scenario.status} or len(bodies) != 1:
        got = ", ".join(f"{name} {code} {body[:200]!r}" for name, (code, body) in answers.items())
        sys.exit(f"bench: {scenario.name!r} wants status {scenario.status} and one body; got {got}")


def time_calls(app: WSGIApp, req: Request, number: int) -> float:
    """CPU seconds taken by `number` calls; CPU time keeps other processes out of the count."""
    gc.collect()
    start = time.process_time()
    for _ in range(number):
        call(app, req)
    return time.process_time() - start


def calibrate(app: WSGIApp, req: Request, target: float) -> int:
    """A call count that takes about `target` seconds."""
    number = 1
    while True:
        elapsed = time_calls(app, req, number)
        if elapsed >= target / 10:
            return max(1, round(number * target / elapsed))
        number *= 10


def measure(
    scenario: Scenario, apps: dict[str, WSGIApp], repeats: int, target: float
) -> dict[str, float]:
    """Median requests per second of each app; the apps take turns, in alternating order."""
    reqs = requests_for(scenario, apps)
    check(scenario, apps, reqs)
    numbers = {name: calibrate(app, reqs[name], target) for name, app in apps.items()}
    seconds: dict[str, list[float]] = {name: [] for name in apps}
    turns = list(apps.items())
    for _ in range(repeats):
        for name, app in turns:
            seconds[name].append(time_calls(app, reqs[name], numbers[name]))
        turns.reverse()
    return {name: numbers[name] / statistics.median(times) for name, times in seconds.items()}


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few seconds' smoke run")
    args = parser.parse_args(argv)
    repeats, target = (3, 0.02) if args.quick else (11, 0.3)

    apps = {fw.name: create_app(fw) for fw in FRAMEWORKS}
    print(
        f"python {platform.python_version()}, werkzeug {_version('werkzeug')}, "
        f"flask {_version('flask')}, kolba {_version('kolba')}; "
        f"median of {repeats} repeats of ~{target:g} CPU seconds each"
    )
    header = f"{'scenario':<32} {'flask req/s':>12} {'kolba req/s':>12} {'kolba/flask':>12}"
    print(header)
    print("-" * len(header))
    for scenario in SCENARIOS:
        rates = measure(scenario, apps, repeats, target)
        ratio = rates["kolba"] / rates["flask"]
        print(
            f"{scenario.name:<32} {rates['flask']:>12,.0f} {rates['kolba']:>12,.0f} {ratio:>12.2f}"
        )
    orjson_app = _orjson_app()
    if orjson_app is None:
        print("\n(orjson is not installed: the kolba[speed] rows are left out)")
        return
    print("\nkolba with OrjsonProvider (kolba[speed]), same bytes as the default provider")
    print(header)
    print("-" * len(header))
    apps = {"flask": apps["flask"], "kolba": orjson_app}
    for scenario in SCENARIOS:
        if scenario.path.startswith(("/api/", "/json")):
            rates = measure(scenario, apps, repeats, target)
            ratio = rates["kolba"] / rates["flask"]
            print(
                f"{scenario.name:<32} {rates['flask']:>12,.0f} {rates['kolba']:>12,.0f}"
                f" {ratio:>12.2f}"
            )


def _orjson_app() -> Any:
    """The kolba app with ``OrjsonProvider``; ``None`` without orjson."""
    try:
        import orjson  # noqa: F401
    except ImportError:
        return None
    from kolba.json.provider import OrjsonProvider

    class OrjsonKolba(kolba.Kolba):
        json_provider_class = OrjsonProvider

    kolba_fw = next(fw for fw in FRAMEWORKS if fw.name == "kolba")
    return create_app(dataclasses.replace(kolba_fw, app_class=OrjsonKolba))


if __name__ == "__main__":
    main()
