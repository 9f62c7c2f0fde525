"""Class-based views: kolba.views.View and kolba.views.MethodView.
Dispatch, methods, decorators, instance lifetime and the generated view function."""

import pytest

from kolba import Blueprint, Kolba, request, url_for
from kolba.views import MethodView, View


@pytest.fixture
def app():
    app = Kolba(__name__)
    app.testing = True
    return app


def text(response):
    return response.get_data(as_text=True)


class Hello(View):
    """Say hello."""

    def dispatch_request(self):
        return "hello"


class Items(MethodView):
    def get(self):
        return "list"

    def post(self):
        return "created", 201


# --- View --------------------------------------------------------------------------------------


def test_view_dispatch_request_builds_the_response(app):
    app.add_url_rule("/", view_func=Hello.as_view("hello"))
    assert text(app.test_client().get("/")) == "hello"


def test_as_view_name_is_the_endpoint(app):
    app.add_url_rule("/", view_func=Hello.as_view("greeting"))
    with app.test_request_context():
        assert url_for("greeting") == "/"


def test_url_arguments_are_passed_to_dispatch_request(app):
    class Show(View):
        def dispatch_request(self, name, n):
            return f"{name} #{n}"

    app.add_url_rule("/<name>/<int:n>", view_func=Show.as_view("show"))
    assert text(app.test_client().get("/ada/3")) == "ada #3"


def test_view_accepts_only_get_by_default(app):
    app.add_url_rule("/", view_func=Hello.as_view("hello"))
    client = app.test_client()
    assert client.post("/").status_code == 405
    assert client.head("/").status_code == 200


def test_view_methods_attribute_sets_the_allowed_methods(app):
    class Form(View):
        methods = ["GET", "POST"]

        def dispatch_request(self):
            return request.method

    app.add_url_rule("/", view_func=Form.as_view("form"))
    client = app.test_client()
    assert text(client.post("/")) == "POST"
    assert client.put("/").status_code == 405


def test_as_view_passes_arguments_to_the_constructor(app):
    class Greet(View):
        def __init__(self, greeting, who="world"):
            self.greeting = greeting
            self.who = who

        def dispatch_request(self):
            return f"{self.greeting}, {self.who}"

    app.add_url_rule("/", view_func=Greet.as_view("greet", "hi", who="kolba"))
    assert text(app.test_client().get("/")) == "hi, kolba"


def counting_view(**attributes):
    class Counter(View):
        instances = 0

        def __init__(self, start):
            type(self).instances += 1
            self.count = start

        def dispatch_request(self):
            self.count += 1
            return str(self.count)

    for key, value in attributes.items():
        setattr(Counter, key, value)
    return Counter


def test_a_new_instance_is_created_for_every_request(app):
    counter = counting_view()
    app.add_url_rule("/", view_func=counter.as_view("count", 10))
    client = app.test_client()
    assert [text(client.get("/")) for _ in range(3)] == ["11", "11", "11"]
    assert counter.instances == 3


def test_init_every_request_false_reuses_one_instance(app):
    counter = counting_view(init_every_request=False)
    app.add_url_rule("/", view_func=counter.as_view("count", 10))
    client = app.test_client()
    assert [text(client.get("/")) for _ in range(3)] == ["11", "12", "13"]
    assert counter.instances == 1


def test_view_function_exposes_the_view_class(app):
    assert Hello.as_view("hello").view_class is Hello


def test_view_function_takes_name_doc_and_module_from_the_class():
    view = Hello.as_view("greeting")
    assert view.__name__ == "greeting"
    assert view.__doc__ == "Say hello."
    assert view.__module__ == __name__


def test_view_function_carries_the_methods(app):
    assert Items.as_view("items").methods == {"GET", "POST"}


def test_each_as_view_call_returns_a_new_function():
    assert Hello.as_view("a") is not Hello.as_view("a")


def test_decorators_wrap_the_view_function(app):
    def shout(view):
        def wrapper(**kwargs):
            return view(**kwargs).upper()

        return wrapper

    class Quiet(View):
        decorators = [shout]

        def dispatch_request(self):
            return "quiet"

    app.add_url_rule("/", view_func=Quiet.as_view("quiet"))
    assert text(app.test_client().get("/")) == "QUIET"


def test_decorators_are_applied_first_innermost(app):
    def tag(label):
        def decorator(view):
            def wrapper(**kwargs):
                return f"{label}({view(**kwargs)})"

            return wrapper

        return decorator

    class Tagged(View):
        decorators = [tag("inner"), tag("outer")]

        def dispatch_request(self):
            return "view"

    app.add_url_rule("/", view_func=Tagged.as_view("tagged"))
    assert text(app.test_client().get("/")) == "outer(inner(view))"


def test_decorated_view_function_still_exposes_the_view_class():
    class Decorated(View):
        decorators = [lambda view: view]

        def dispatch_request(self):
            return ""

    assert Decorated.as_view("d").view_class is Decorated


def test_provide_automatic_options_false_disables_options(app):
    class NoOptions(View):
        provide_automatic_options = False

        def dispatch_request(self):
            return "ok"

    app.add_url_rule("/", view_func=NoOptions.as_view("no_options"))
    assert app.test_client().options("/").status_code == 405


def test_automatic_options_lists_the_allowed_methods(app):
    app.add_url_rule("/", view_func=Items.as_view("items"))
    allow = app.test_client().options("/").headers["Allow"]
    assert set(allow.split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}


def test_view_without_dispatch_request_raises_not_implemented(app):
    class Empty(View):
        pass

    app.add_url_rule("/", view_func=Empty.as_view("empty"))
    with pytest.raises(NotImplementedError):
        app.test_client().get("/")


def test_class_view_on_a_blueprint_gets_a_prefixed_endpoint(app):
    bp = Blueprint("api", __name__, url_prefix="/api")
    bp.add_url_rule("/items", view_func=Items.as_view("items"))
    app.register_blueprint(bp)
    assert text(app.test_client().get("/api/items")) == "list"
    with app.test_request_context():
        assert url_for("api.items") == "/api/items"


# --- MethodView --------------------------------------------------------------------------------


def test_method_view_dispatches_to_the_method_named_handler(app):
    app.add_url_rule("/items", view_func=Items.as_view("items"))
    client = app.test_client()
    assert text(client.get("/items")) == "list"
    response = client.post("/items")
    assert (response.status_code, text(response)) == (201, "created")


def test_method_view_methods_are_derived_from_the_handlers():
    assert Items.methods == {"GET", "POST"}


def test_method_view_without_handlers_has_no_methods():
    class Nothing(MethodView):
        pass

    assert Nothing.methods is None


def test_method_view_returns_405_for_undefined_methods(app):
    app.add_url_rule("/items", view_func=Items.as_view("items"))
    response = app.test_client().delete("/items")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}


def test_method_view_head_falls_back_to_get(app):
    calls = []

    class Page(MethodView):
        def get(self):
            calls.append(request.method)
            return "body", {"X-From": "get"}

    app.add_url_rule("/", view_func=Page.as_view("page"))
    response = app.test_client().head("/")
    assert (response.status_code, response.headers["X-From"], response.data) == (200, "get", b"")
    assert calls == ["HEAD"]


def test_method_view_head_handler_wins_over_get(app):
    class Page(MethodView):
        def get(self):
            return "body"

        def head(self):
            return "", 204

    app.add_url_rule("/", view_func=Page.as_view("page"))
    assert app.test_client().head("/").status_code == 204


def test_method_view_passes_url_arguments_to_the_handler(app):
    class Item(MethodView):
        def get(self, item_id):
            return f"item {item_id}"

    app.add_url_rule("/items/<int:item_id>", view_func=Item.as_view("item"))
    assert text(app.test_client().get("/items/5")) == "item 5"


def test_method_view_inherits_handlers_from_a_base_class(app):
    class MoreItems(Items):
        def delete(self):
            return "deleted"

    assert MoreItems.methods == {"GET", "POST", "DELETE"}
    app.add_url_rule("/items", view_func=MoreItems.as_view("items"))
    client = app.test_client()
    assert text(client.get("/items")) == "list"
    assert text(client.delete("/items")) == "deleted"


def test_method_view_inherits_handlers_from_a_mixin(app):
    class DeleteMixin:
        def delete(self):
            return "deleted by mixin"

    class Mixed(DeleteMixin, Items):
        pass

    assert Mixed.methods == {"GET", "POST", "DELETE"}
    app.add_url_rule("/items", view_func=Mixed.as_view("items"))
    assert text(app.test_client().delete("/items")) == "deleted by mixin"


def test_method_view_explicit_methods_attribute_is_kept(app):
    class GetOnly(Items):
        methods = ["GET"]

    app.add_url_rule("/items", view_func=GetOnly.as_view("items"))
    client = app.test_client()
    assert text(client.get("/items")) == "list"
    assert client.post("/items").status_code == 405


def test_method_view_route_methods_restrict_the_handlers(app):
    app.add_url_rule("/items", view_func=Items.as_view("items"), methods=["GET"])
    client = app.test_client()
    assert text(client.get("/items")) == "list"
    assert client.post("/items").status_code == 405


def test_method_view_decorators_wrap_every_handler(app):
    def deny(view):
        def wrapper(**kwargs):
            return "denied", 403

        return wrapper

    class Guarded(Items):
        decorators = [deny]

    app.add_url_rule("/items", view_func=Guarded.as_view("items"))
    client = app.test_client()
    assert client.get("/items").status_code == 403
    assert client.post("/items").status_code == 403


def test_method_view_init_every_request_false_reuses_one_instance(app):
    class Hits(MethodView):
        init_every_request = False

        def __init__(self):
            self.hits = 0

        def get(self):
            self.hits += 1
            return str(self.hits)

    app.add_url_rule("/", view_func=Hits.as_view("hits"))
    client = app.test_client()
    assert [text(client.get("/")) for _ in range(2)] == ["1", "2"]
