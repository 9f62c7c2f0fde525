"""Blueprints recipe: an app factory that registers a pages blueprint and a nested API.
The api blueprint holds a v1 child, so the book endpoints are api.v1.* under /api/v1."""

from kolba import Blueprint, Kolba, abort, jsonify, render_template, url_for

BOOKS = {1: "Dune", 2: "Solaris"}

# HTML pages, with their own templates and static files beside this module.
pages = Blueprint(
    "pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/pages-static",
)


@pages.route("/")
def home():
    return render_template("pages/home.html", title="Home")


@pages.route("/about")
def about():
    return render_template("pages/about.html", title="About")


# A JSON API: the parent holds what every version shares, the child holds the routes.
api = Blueprint("api", __name__, url_prefix="/api")
v1 = Blueprint("v1", __name__, url_prefix="/v1")


@api.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@api.errorhandler(404)
def api_not_found(error):
    return jsonify(error="not found"), 404


@v1.get("/books")
def list_books():
    books = [
        {"title": title, "url": url_for(".get_book", book_id=book_id)}
        for book_id, title in BOOKS.items()
    ]
    return jsonify(books=books)


@v1.get("/books/<int:book_id>")
def get_book(book_id):
    if book_id not in BOOKS:
        abort(404)
    return jsonify(id=book_id, title=BOOKS[book_id])


api.register_blueprint(v1)


def create_app(config=None):
    app = Kolba(__name__)
    app.config.update(config or {})
    app.register_blueprint(pages)
    app.register_blueprint(api)
    return app
