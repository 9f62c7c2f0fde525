"""Request hooks recipe: authenticate in before_request, secure headers in after_request and a
per-request database connection that teardown_appcontext always closes."""

import sqlite3
import time

from kolba import Kolba, after_this_request, current_app, g, request

app = Kolba(__name__)
app.config["DATABASE"] = "notes.sqlite3"

# In a real app the tokens live in the database; a dict keeps the recipe short.
TOKENS = {"alice-token": "alice", "bob-token": "bob"}
PUBLIC_ENDPOINTS = {"health"}


def get_db():
    """Open the database on first use in this request and reuse it until teardown."""
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
        g.db.execute("CREATE TABLE IF NOT EXISTS notes (owner TEXT, body TEXT)")
    return g.db


@app.teardown_appcontext
def close_db(exception):
    db = g.pop("db", None)
    if db is not None:
        db.close()


@app.before_request
def start_timer():
    g.started = time.perf_counter()


@app.before_request
def authenticate():
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    g.user = TOKENS.get(token) if scheme == "Bearer" else None
    if g.user is None and request.endpoint not in PUBLIC_ENDPOINTS:
        return {"error": "authentication required"}, 401, {"WWW-Authenticate": "Bearer"}
    return None


@app.after_request
def add_headers(response):
    response.headers["X-Content-Type-Options"] = "nosniff"
    elapsed_ms = (time.perf_counter() - g.started) * 1000
    response.headers["Server-Timing"] = f"app;dur={elapsed_ms:.1f}"
    return response


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/notes")
def list_notes():
    rows = get_db().execute("SELECT body FROM notes WHERE owner = ?", (g.user,))
    return {"user": g.user, "notes": [body for (body,) in rows]}


@app.post("/notes")
def add_note():
    body = (request.get_json(silent=True) or {}).get("body")
    if not isinstance(body, str) or not body:
        return {"error": "send JSON with a non-empty string 'body'"}, 400
    db = get_db()
    with db:
        db.execute("INSERT INTO notes VALUES (?, ?)", (g.user, body))

    @after_this_request
    def point_to_the_list(response):
        # Only this response gets the header; other requests are untouched.
        response.headers["Content-Location"] = "/notes"
        return response

    return {"saved": True}, 201
