"""Error handling recipe: a custom 404 page, JSON errors for an API, exceptions by class.
Views call abort() or raise domain exceptions; error handlers turn both into responses."""

from werkzeug.exceptions import HTTPException

from kolba import Kolba, abort, json, request

app = Kolba(__name__)

BOOKS = {
    1: {"title": "Dune", "stock": 3},
    2: {"title": "Solaris", "stock": 0},
}

NOT_FOUND_PAGE = """<!doctype html>
<title>Page not found</title>
<h1>Page not found</h1>
<p>There is nothing here. Go back to the <a href="/">bookshop</a>.</p>
"""


class OutOfStock(Exception):
    """A book was ordered that the shop cannot deliver."""

    def __init__(self, title):
        super().__init__(f"{title} is out of stock")
        self.title = title


def is_api_request():
    return request.path.startswith("/api/")


def api_error(error):
    # Start from the exception's own response to keep its status and headers
    # (a 405 lists the allowed methods in Allow), then swap the HTML body for JSON.
    response = error.get_response()
    response.set_data(json.dumps({"error": error.name, "message": error.description}))
    response.mimetype = "application/json"
    return response


@app.errorhandler(404)
def page_not_found(error):
    if is_api_request():
        return api_error(error)
    return NOT_FOUND_PAGE, 404


@app.errorhandler(HTTPException)
def http_error(error):
    if is_api_request():
        return api_error(error)
    return error.get_response()


@app.errorhandler(OutOfStock)
def out_of_stock(error):
    return {"error": "Out of stock", "message": str(error)}, 409


@app.route("/")
def index():
    return "<h1>Bookshop</h1>"


@app.route("/admin")
def admin():
    abort(403)


@app.get("/api/books/<int:book_id>")
def get_book(book_id):
    if book_id not in BOOKS:
        abort(404, description=f"No book with id {book_id}.")
    return BOOKS[book_id]


@app.post("/api/books/<int:book_id>/orders")
def order_book(book_id):
    book = BOOKS.get(book_id)
    if book is None:
        abort(404, description=f"No book with id {book_id}.")
    if book["stock"] == 0:
        raise OutOfStock(book["title"])
    return {"ordered": book["title"]}, 201
