"""The seeds' examples of blueprints, class-based views and signals, run on kolba.
Code from the tutorials is kept as written there, with only the imports renamed."""

import importlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from blinker import Namespace

from kolba import Kolba, abort, current_app, g, render_template, request, url_for, views
from kolba.views import MethodView, View

HERE = Path(__file__).parent
SEED_APP_ROOT = str(HERE / "bp_seed_app")


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def seed_packages(monkeypatch):
    """Make the seeds' blueprint packages (bp_simple_page, bp_admin) importable."""
    monkeypatch.syspath_prepend(str(HERE))
    return importlib.import_module


# --- seed 002: blueprints ----------------------------------------------------------------------


@pytest.fixture
def simple_page_app(seed_packages):
    simple_page = seed_packages("bp_simple_page").simple_page
    app = Kolba(__name__)
    app.register_blueprint(simple_page)
    return app


def test_simple_page_root_renders_the_index_page(simple_page_app):
    assert text(simple_page_app.test_client().get("/")) == "<h1>index page</h1>"


def test_simple_page_renders_the_named_page(simple_page_app):
    assert text(simple_page_app.test_client().get("/about")) == "<h1>about page</h1>"


def test_simple_page_without_a_template_is_404(simple_page_app):
    assert simple_page_app.test_client().get("/missing").status_code == 404


def test_simple_page_endpoint_is_prefixed_with_the_blueprint_name(simple_page_app):
    with simple_page_app.test_request_context():
        assert url_for("simple_page.show", page="about") == "/about"
        assert url_for("simple_page.show") == "/"


def test_simple_page_can_be_mounted_under_a_prefix(seed_packages):
    app = Kolba(__name__)
    app.register_blueprint(seed_packages("bp_simple_page").simple_page, url_prefix="/pages")
    assert text(app.test_client().get("/pages/about")) == "<h1>about page</h1>"


@pytest.fixture
def admin_app(seed_packages):
    admin = seed_packages("bp_admin").admin
    app = Kolba(__name__)
    app.register_blueprint(admin, url_prefix="/admin")
    return app


def test_admin_static_folder_is_served_at_prefix_plus_static(admin_app):
    response = admin_app.test_client().get("/admin/static/style.css")
    assert (response.status_code, text(response)) == (200, "body { color: teal; }\n")
    response.close()


def test_admin_root_path_is_the_package_folder(seed_packages):
    assert seed_packages("bp_admin").admin.root_path == str(HERE / "bp_admin")


def test_url_for_admin_index_from_outside_the_blueprint(admin_app):
    with admin_app.test_request_context():
        assert url_for("admin.index") == "/admin/"


def test_admin_views_link_with_absolute_and_relative_endpoints(admin_app):
    links = text(admin_app.test_client().get("/admin/links"))
    assert links == "/admin/ /admin/ /admin/static/style.css"


# --- seed 003: url_for('.static') --------------------------------------------------------------


def test_relative_static_outside_a_blueprint_is_the_app_static():
    app = Kolba(__name__)
    app.add_url_rule("/", "index", lambda: url_for(".static", filename="abc.txt"))
    assert text(app.test_client().get("/")) == "/static/abc.txt"


# --- seed 002: pluggable views -----------------------------------------------------------------


class User:
    """Stands in for the seeds' database model."""

    query = SimpleNamespace(all=lambda: ["ada", "linus"])

    @staticmethod
    def from_form_data(form):
        return form["name"]


@pytest.fixture
def app():
    return Kolba(__name__, root_path=SEED_APP_ROOT)


def test_show_users_view_renders_the_users(app):
    class ShowUsers(View):
        def dispatch_request(self):
            users = User.query.all()
            return render_template("users.html", objects=users)

    app.add_url_rule("/users/", view_func=ShowUsers.as_view("show_users"))
    assert text(app.test_client().get("/users/")) == "ada;linus;"


def test_render_template_view_gets_the_template_from_as_view(app):
    class RenderTemplateView(View):
        def __init__(self, template_name):
            self.template_name = template_name

        def dispatch_request(self):
            return render_template(self.template_name)

    app.add_url_rule(
        "/about", view_func=RenderTemplateView.as_view("about_page", template_name="about.html")
    )
    assert text(app.test_client().get("/about")) == "about /about"


def test_view_with_methods_sees_request_method(app):
    class MyView(View):
        methods = ["GET", "POST"]

        def dispatch_request(self):
            if request.method == "POST":
                return "posted"
            return "got"

    app.add_url_rule("/myview", view_func=MyView.as_view("myview"))
    client = app.test_client()
    assert (text(client.get("/myview")), text(client.post("/myview"))) == ("got", "posted")


class SimpleUserAPI(MethodView):
    def get(self):
        users = User.query.all()
        return ", ".join(users)

    def post(self):
        user = User.from_form_data(request.form)
        return f"created {user}", 201


def test_method_view_maps_http_methods_to_handlers(app):
    app.add_url_rule("/users/", view_func=SimpleUserAPI.as_view("users"))
    client = app.test_client()
    assert text(client.get("/users/")) == "ada, linus"
    assert text(client.post("/users/", data={"name": "grace"})) == "created grace"


class UserAPI(MethodView):
    def get(self, user_id):
        if user_id is None:
            return "user list"
        return f"user {user_id}"

    def post(self):
        return "user created", 201

    def delete(self, user_id):
        return f"user {user_id} deleted"

    def put(self, user_id):
        return f"user {user_id} updated"


@pytest.fixture
def user_api_app(app):
    # The seed's registration, explicit HTTP methods per rule.
    user_view = UserAPI.as_view("user_api")
    app.add_url_rule("/users/", defaults={"user_id": None}, view_func=user_view, methods=["GET"])
    app.add_url_rule("/users/", view_func=user_view, methods=["POST"])
    app.add_url_rule("/users/<int:user_id>", view_func=user_view, methods=["GET", "PUT", "DELETE"])
    return app


def test_user_api_get_on_the_collection_passes_user_id_none(user_api_app):
    assert text(user_api_app.test_client().get("/users/")) == "user list"


def test_user_api_post_on_the_collection_creates(user_api_app):
    response = user_api_app.test_client().post("/users/")
    assert (response.status_code, text(response)) == (201, "user created")


@pytest.mark.parametrize(
    ("method", "expected"),
    [("GET", "user 7"), ("PUT", "user 7 updated"), ("DELETE", "user 7 deleted")],
)
def test_user_api_item_rule_dispatches_its_methods(user_api_app, method, expected):
    assert text(user_api_app.test_client().open("/users/7", method=method)) == expected


def test_user_api_rejects_methods_not_listed_for_the_rule(user_api_app):
    client = user_api_app.test_client()
    assert client.delete("/users/").status_code == 405
    assert client.post("/users/7").status_code == 405


def test_user_api_item_rule_converts_the_id(user_api_app):
    assert user_api_app.test_client().get("/users/seven").status_code == 404


def test_user_api_urls_are_built_from_one_endpoint(user_api_app):
    with user_api_app.test_request_context():
        assert url_for("user_api") == "/users/"
        assert url_for("user_api", user_id=7) == "/users/7"


def test_user_api_url_for_prefers_rules_allowing_the_request_method(user_api_app):
    with user_api_app.test_request_context("/users/", method="POST"):
        assert url_for("user_api", user_id=7) == "/users/?user_id=7"
        assert url_for("user_api", user_id=7, _method="GET") == "/users/7"


# --- seed 002: decorating views ----------------------------------------------------------------


def user_required(f):
    """Checks whether user is logged in or raises error 401."""

    def decorator(*args, **kwargs):
        if not g.user:
            abort(401)
        return f(*args, **kwargs)

    return decorator


@pytest.fixture
def login_app(app):
    @app.before_request
    def load_user():
        g.user = request.headers.get("X-User")

    return app


def test_decorated_as_view_result_rejects_anonymous_users(login_app):
    view = user_required(SimpleUserAPI.as_view("users"))
    login_app.add_url_rule("/users/", view_func=view)
    assert login_app.test_client().get("/users/").status_code == 401


def test_decorated_as_view_result_lets_users_through(login_app):
    view = user_required(SimpleUserAPI.as_view("users"))
    login_app.add_url_rule("/users/", view_func=view)
    response = login_app.test_client().get("/users/", headers={"X-User": "ada"})
    assert text(response) == "ada, linus"


def test_decorators_class_attribute_guards_every_method(login_app):
    class GuardedUserAPI(SimpleUserAPI):
        decorators = [user_required]

    login_app.add_url_rule("/users/", view_func=GuardedUserAPI.as_view("users"))
    client = login_app.test_client()
    assert client.get("/users/").status_code == 401
    assert client.post("/users/", data={"name": "grace"}).status_code == 401
    assert text(client.get("/users/", headers={"X-User": "ada"})) == "ada, linus"


# --- seed 004: decorated views -----------------------------------------------------------------


def auth(func):
    def inner(*args, **kwargs):
        print("before")
        result = func(*args, **kwargs)
        print("after")
        return result

    return inner


def test_route_on_an_auth_decorated_function(capsys):
    app = Kolba(import_name=__name__)

    @app.route("/index.html", methods=["GET", "POST"], endpoint="index")
    @auth
    def index():
        return "Index"

    client = app.test_client()
    assert (text(client.get("/index.html")), text(client.post("/index.html"))) == ("Index",) * 2
    assert capsys.readouterr().out == "before\nafter\n" * 2


def test_view_class_with_auth_decorator(capsys):
    app = Kolba(import_name=__name__)

    class IndexView(views.View):
        methods = ["GET"]
        decorators = [auth]

        def dispatch_request(self):
            print("Index")
            return "Index!"

    app.add_url_rule("/index", view_func=IndexView.as_view(name="index"))  # name=endpoint
    assert text(app.test_client().get("/index")) == "Index!"
    assert capsys.readouterr().out == "before\nIndex\nafter\n"


@pytest.fixture
def seed4_method_view_app():
    app = Kolba(import_name=__name__)

    class IndexView(views.MethodView):
        methods = ["GET"]
        decorators = [auth]

        def get(self):
            return "Index.GET"

        def post(self):
            return "Index.POST"

    app.add_url_rule("/index", view_func=IndexView.as_view(name="index"))  # name=endpoint
    return app


def test_method_view_with_auth_decorator_serves_get(seed4_method_view_app, capsys):
    assert text(seed4_method_view_app.test_client().get("/index")) == "Index.GET"
    assert capsys.readouterr().out == "before\nafter\n"


def test_method_view_methods_list_excludes_post_even_with_a_handler(seed4_method_view_app):
    assert seed4_method_view_app.test_client().post("/index").status_code == 405


def test_as_view_name_keyword_is_the_endpoint(seed4_method_view_app):
    with seed4_method_view_app.test_request_context():
        assert url_for("index") == "/index"


# --- seed 002: sending a signal with the real app object ---------------------------------------

my_signals = Namespace()
my_signal = my_signals.signal("my-signal")


def test_custom_signal_sent_with_the_current_app_object():
    app = Kolba(__name__)
    received = []

    @app.route("/")
    def index():
        app = current_app._get_current_object()
        my_signal.send(app)
        return "sent"

    def receiver(sender):
        received.append(sender)

    with my_signal.connected_to(receiver, app):
        app.test_client().get("/")
    assert received == [app]


def test_current_app_is_a_proxy_of_the_app():
    app = Kolba(__name__)
    with app.app_context():
        assert current_app._get_current_object() is app
        assert current_app is not app
