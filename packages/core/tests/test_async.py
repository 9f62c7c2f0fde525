"""``async def`` views, hooks, error handlers and MethodView methods on WSGI, without asgiref:
each worker thread runs coroutines on its own persistent event loop."""

import asyncio
import sys
import threading

import pytest

from kolba import Kolba, abort, g, render_template_string, request, view_decorator
from kolba.views import MethodView


@pytest.fixture
def app():
    app = Kolba(__name__)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def loop_view(app):
    """A route answering with the id of the event loop that ran it."""

    @app.route("/loop")
    async def loop():
        return str(id(asyncio.get_running_loop()))

    return "/loop"


# -- what may be async -------------------------------------------------------------------------


def test_async_view_is_awaited(app, client):
    @app.route("/")
    async def index():
        await asyncio.sleep(0)
        return "async"

    assert client.get("/").text == "async"


def test_async_view_receives_url_arguments(app, client):
    @app.route("/hello/<name>")
    async def hello(name):
        return f"hello {name}"

    assert client.get("/hello/ada").text == "hello ada"


def test_async_view_awaits_concurrent_coroutines(app, client):
    order = []

    async def fetch(name, started, other_started):
        started.set()
        await other_started.wait()  # deadlocks unless both run at once
        order.append(name)
        return name

    @app.route("/")
    async def index():
        a, b = asyncio.Event(), asyncio.Event()
        return list(await asyncio.gather(fetch("a", a, b), fetch("b", b, a)))

    assert client.get("/").json == ["a", "b"]


def test_async_error_handler_is_awaited(app, client):
    @app.errorhandler(404)
    async def not_found(e):
        await asyncio.sleep(0)
        return "async not found", 404

    assert client.get("/missing").text == "async not found"


def test_async_error_handler_handles_an_async_views_exception(app, client):
    @app.route("/")
    async def index():
        raise KeyError("gone")

    @app.errorhandler(KeyError)
    async def handle(e):
        return f"handled {e.args[0]}", 410

    response = client.get("/")
    assert (response.status_code, response.text) == (410, "handled gone")


def test_abort_in_an_async_view_becomes_the_http_error(app, client):
    @app.route("/")
    async def index():
        abort(403)

    assert client.get("/").status_code == 403


def test_async_before_request_runs_before_the_view(app, client):
    @app.before_request
    async def load_user():
        await asyncio.sleep(0)
        g.user = request.headers.get("X-User")

    @app.route("/")
    def index():
        return g.user

    assert client.get("/", headers={"X-User": "ada"}).text == "ada"


def test_async_before_request_can_answer_the_request(app, client):
    @app.before_request
    async def deny():
        return "denied", 401

    @app.route("/")
    def index():
        return "view"

    assert client.get("/").status_code == 401


def test_async_after_request_receives_and_returns_the_response(app, client):
    @app.after_request
    async def add_header(response):
        await asyncio.sleep(0)
        response.headers["X-Async"] = "yes"
        return response

    @app.route("/")
    async def index():
        return "view"

    assert client.get("/").headers["X-Async"] == "yes"


def test_async_teardown_request_receives_the_error(app, client):
    seen = []

    @app.teardown_request
    async def teardown(exc):
        await asyncio.sleep(0)
        seen.append(exc)

    @app.route("/")
    async def index():
        return "view"

    client.get("/")
    assert seen == [None]


def test_async_method_view_methods_are_awaited(app, client):
    class Items(MethodView):
        async def get(self):
            await asyncio.sleep(0)
            return "list"

        async def post(self):
            return "created", 201

    app.add_url_rule("/items", view_func=Items.as_view("items"))
    assert client.get("/items").text == "list"
    assert client.post("/items").status_code == 201


def test_async_methods_and_sync_methods_mix_in_one_method_view(app, client):
    class Items(MethodView):
        async def get(self):
            return "async get"

        def delete(self):
            return "sync delete"

    app.add_url_rule("/items", view_func=Items.as_view("items"))
    assert client.get("/items").text == "async get"
    assert client.delete("/items").text == "sync delete"


def test_async_views_run_without_asgiref(app, client, monkeypatch):
    # A None entry makes any "import asgiref" raise ImportError.
    monkeypatch.setitem(sys.modules, "asgiref", None)
    monkeypatch.setitem(sys.modules, "asgiref.sync", None)

    @app.route("/")
    async def index():
        return "no asgiref"

    assert client.get("/").text == "no asgiref"


def test_kolba_does_not_import_asgiref(app, client, loop_view):
    client.get(loop_view)
    assert "asgiref" not in sys.modules


# -- the event loop ----------------------------------------------------------------------------


def test_two_requests_on_one_thread_share_the_event_loop(client, loop_view):
    assert client.get(loop_view).text == client.get(loop_view).text


def test_event_loop_is_not_closed_between_requests(app, client):
    loops = []

    @app.route("/")
    async def index():
        loops.append(asyncio.get_running_loop())
        return "ok"

    client.get("/")
    assert not loops[0].is_closed()


def test_loop_bound_resources_survive_to_the_next_request(app, client):
    queue_holder = {}

    @app.route("/put")
    async def put():
        queue_holder.setdefault("q", asyncio.Queue())
        await queue_holder["q"].put("message")
        return "put"

    @app.route("/get")
    async def get():
        return await queue_holder["q"].get()

    client.get("/put")
    assert client.get("/get").text == "message"


def test_two_threads_get_different_event_loops(app, loop_view):
    seen = []

    def worker():
        client = app.test_client()
        seen.append((client.get(loop_view).text, client.get(loop_view).text))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (first, again), (other, other_again) = seen
    assert first == again
    assert other == other_again
    assert first != other


def test_no_loop_runs_outside_a_request(app, client, loop_view):
    client.get(loop_view)
    with pytest.raises(RuntimeError):
        asyncio.get_running_loop()


def test_unawaited_task_is_paused_until_the_thread_runs_a_coroutine_again(app, client):
    progress = []

    async def background():
        progress.append("started")
        await asyncio.sleep(0)
        progress.append("finished")

    @app.route("/start")
    async def start():
        app.extensions["task"] = asyncio.get_running_loop().create_task(background())
        return "started"

    @app.route("/tick")
    async def tick():
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        return "tick"

    client.get("/start")
    assert "finished" not in progress
    client.get("/tick")
    assert progress == ["started", "finished"]


# -- from inside a running loop ----------------------------------------------------------------


def test_calling_an_async_view_from_a_running_loop_raises_a_clear_error(app, client):
    @app.route("/")
    async def index():
        return "never"

    async def main():
        client.get("/")

    with pytest.raises(RuntimeError, match="inside a running event loop. Await it instead"):
        asyncio.run(main())


def test_ensure_sync_from_a_running_loop_raises_naming_the_function(app):
    async def fetch_user():
        return "ada"

    async def main():
        app.ensure_sync(fetch_user)()

    with pytest.raises(RuntimeError, match="'.*fetch_user'"):
        asyncio.run(main())


def test_async_context_processor_cannot_run_inside_an_async_view(app, client):
    @app.context_processor
    async def site():
        return {"site": "kolba"}

    @app.route("/")
    async def index():
        return render_template_string("{{ site }}")

    with pytest.raises(RuntimeError, match="'.*site'.*event loop is already running"):
        client.get("/")


def test_async_context_processor_runs_for_a_sync_view(app, client):
    @app.context_processor
    async def site():
        return {"site": "kolba"}

    @app.route("/")
    def index():
        return render_template_string("{{ site }}")

    assert client.get("/").text == "kolba"


def test_ensure_sync_returns_a_sync_function_unchanged(app):
    def plain():
        return 1

    assert app.ensure_sync(plain) is plain


# -- view_decorator ----------------------------------------------------------------------------


@view_decorator
def require_token(call_view, **kwargs):
    if request.headers.get("X-Token") != "secret":
        return "no token", 401
    return call_view()


def test_view_decorator_runs_an_async_view(app, client):
    @app.route("/")
    @require_token
    async def index():
        await asyncio.sleep(0)
        return "async secret"

    assert client.get("/", headers={"X-Token": "secret"}).text == "async secret"


def test_view_decorator_can_answer_instead_of_an_async_view(app, client):
    called = []

    @app.route("/")
    @require_token
    async def index():
        called.append(1)
        return "never"

    assert client.get("/").status_code == 401
    assert called == []


def test_view_decorator_passes_url_arguments_to_around_and_to_the_async_view(app, client):
    seen = []

    @view_decorator
    def record(call_view, **kwargs):
        seen.append(kwargs)
        return call_view()

    @app.route("/items/<int:item_id>")
    @record
    async def item(item_id):
        return {"id": item_id}

    assert client.get("/items/7").json == {"id": 7}
    assert seen == [{"item_id": 7}]


def test_view_decorator_keeps_the_async_views_name_and_docstring():
    @require_token
    async def dashboard():
        """Show the dashboard."""

    assert dashboard.__name__ == "dashboard"
    assert dashboard.__doc__ == "Show the dashboard."


def test_view_decorator_runs_the_async_view_on_the_threads_loop(app, client, loop_view):
    @app.route("/decorated")
    @require_token
    async def decorated():
        return str(id(asyncio.get_running_loop()))

    plain = client.get(loop_view).text
    assert client.get("/decorated", headers={"X-Token": "secret"}).text == plain
