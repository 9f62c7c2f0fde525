"""Responses recipe: what a view may return (text, tuples, dicts, streams), JSON with jsonify,
redirects, make_response and cookies, and abort for errors."""

from kolba import (
    Kolba,
    Response,
    abort,
    jsonify,
    make_response,
    redirect,
    request,
    stream_with_context,
    url_for,
)

app = Kolba(__name__)

USERS = {1: {"id": 1, "name": "Ann"}, 2: {"id": 2, "name": "Bob"}}
THEMES = {"light", "dark"}


@app.route("/")
def index():
    theme = request.cookies.get("theme", "light")
    return f"<h1>Home</h1><p>Theme: {theme}</p>"


@app.route("/api/users")
def list_users():
    return jsonify(list(USERS.values()))


@app.route("/api/users/<int:user_id>")
def get_user(user_id):
    if user_id not in USERS:
        abort(404, description=f"No user {user_id}.")
    return USERS[user_id]


@app.post("/api/users")
def create_user():
    user = {"id": max(USERS) + 1, "name": request.form.get("name", "anonymous")}
    USERS[user["id"]] = user
    location = url_for("get_user", user_id=user["id"])
    return user, 201, {"Location": location}


@app.route("/home")
def old_home():
    return redirect(url_for("index"), code=301)


@app.route("/theme/<theme>")
def set_theme(theme):
    if theme not in THEMES:
        abort(400, description="Theme must be light or dark.")
    response = redirect(url_for("index"))
    response.set_cookie("theme", theme, max_age=30 * 24 * 3600, httponly=True, samesite="Lax")
    return response


@app.route("/theme/reset")
def reset_theme():
    response = make_response("Theme reset.")
    response.delete_cookie("theme")
    return response


@app.route("/report.csv")
def report():
    # The rows are produced after the view has returned; stream_with_context keeps the
    # request available to the generator (for ?sep=).
    @stream_with_context
    def rows():
        sep = request.args.get("sep", ",")[:1] or ","
        yield f"id{sep}name\n"
        for user in USERS.values():
            yield f"{user['id']}{sep}{user['name']}\n"

    return Response(rows(), mimetype="text/csv")


@app.route("/health")
def health():
    return "ok", 200, {"Cache-Control": "no-store"}
