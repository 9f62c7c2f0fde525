"""Recipe: an API for a separate front end. A single-page app on other origins reads and changes
notes with fetch(), signed in through a session cookie; a public feed is open to every origin."""

import re

from werkzeug.exceptions import HTTPException

from kolba import Kolba, abort, request, session
from kolba_cors import CORS

# The front ends allowed to call the API with the user's cookie. Plain strings are exact
# origins; a compiled regex must match the whole origin.
FRONT_ENDS = [
    "https://notes.example.com",
    "http://localhost:5173",
    re.compile(r"https://pr-[0-9]+\.preview\.notes\.example\.com"),
]

app = Kolba(__name__)
app.config.update(
    SECRET_KEY="change-me",
    # The session cookie has to travel on cross-site fetch() calls.
    SESSION_COOKIE_SAMESITE="None",
    SESSION_COOKIE_SECURE=True,
    CORS_ORIGINS=FRONT_ENDS,
    CORS_SUPPORTS_CREDENTIALS=True,
    CORS_ALLOW_HEADERS=["Content-Type", "X-Requested-With"],
    CORS_EXPOSE_HEADERS=["X-Total-Count"],
    CORS_MAX_AGE=600,
)
CORS(
    app,
    resources={
        "/api/*": {},
        "/api/public/*": {"origins": "*", "supports_credentials": False},
    },
)

NOTES = {1: "Buy milk", 2: "Call Ada"}


@app.before_request
def require_fetch_header():
    # A cross-site form cannot set this header, and fetch() can only send it after a preflight
    # the browser passes, which only FRONT_ENDS do: together with CORS this stops CSRF.
    if request.method in {"POST", "PUT", "DELETE"} and "X-Requested-With" not in request.headers:
        abort(403, description="Send X-Requested-With with every change.")


@app.errorhandler(HTTPException)
def json_error(error):
    return {"error": error.name, "message": error.description}, error.code


def json_text(field):
    """The text in ``field`` of the request's JSON object; a 400 naming the field otherwise."""
    data = request.get_json()
    value = data.get(field) if isinstance(data, dict) else None
    if not isinstance(value, str) or not value.strip():
        abort(400, description=f'Send a JSON object with a non-empty "{field}" string.')
    return value


def current_user():
    if "user" not in session:
        abort(401, description="Sign in first.")
    return session["user"]


@app.post("/api/login")
def login():
    session["user"] = json_text("user")
    return {"user": session["user"]}


@app.get("/api/notes")
def list_notes():
    current_user()
    notes = [{"id": k, "text": v} for k, v in sorted(NOTES.items())]
    return notes, {"X-Total-Count": str(len(notes))}


@app.put("/api/notes/<int:note_id>")
def update_note(note_id):
    current_user()
    if note_id not in NOTES:
        abort(404, description=f"No note {note_id}.")
    NOTES[note_id] = json_text("text")
    return {"id": note_id, "text": NOTES[note_id]}


@app.get("/api/public/feed")
def public_feed():
    return {"notes": len(NOTES)}
