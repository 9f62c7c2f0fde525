"""Cookies, sessions and login recipe: a members area with a signed-cookie session, "remember me",
a login_required decorator, and a plain cookie for a display preference."""

import os
from datetime import timedelta
from functools import wraps

from werkzeug.security import check_password_hash, generate_password_hash

from kolba import Kolba, abort, redirect, render_template_string, request, session, url_for

app = Kolba(__name__)
app.config.update(
    SECRET_KEY=os.environ.get("SECRET_KEY", "dev-only: set SECRET_KEY in production"),
    SESSION_COOKIE_SAMESITE="Lax",
    PERMANENT_SESSION_LIFETIME=timedelta(days=14),
)

# Store password hashes, never passwords.
USERS = {"ann": generate_password_hash("correct horse")}
THEMES = {"light", "dark"}

HOME_PAGE = '<body class="{{ theme }}">{{ greeting }}</body>'
LOGIN_PAGE = """
<h1>Sign in</h1>
{% if error %}<p class="error">{{ error }}</p>{% endif %}
<form method="post">
  <input name="username" value="{{ username }}">
  <input name="password" type="password">
  <label><input name="remember" type="checkbox"> Remember me</label>
  <button>Sign in</button>
</form>
"""


def login_required(view):
    """Send anonymous visitors to the login page, remembering where they were going."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if "user" not in session:
            return redirect(url_for("login", next=request.path))
        return view(*args, **kwargs)

    return wrapped


def is_local(target):
    """Only follow `next` to a path on this site, never to another host."""
    return target.startswith("/") and not target.startswith(("//", "/\\"))


@app.get("/")
def index():
    theme = request.cookies.get("theme", "light")
    user = session.get("user")
    greeting = f"Signed in as {user}." if user else "You are not signed in."
    return render_template_string(HOME_PAGE, theme=theme, greeting=greeting)


@app.route("/login", methods=["GET", "POST"])
def login():
    username = request.form.get("username", "")
    if request.method == "GET":
        return render_template_string(LOGIN_PAGE, error=None, username="")
    password = request.form.get("password", "")
    if username not in USERS or not check_password_hash(USERS[username], password):
        error = "Wrong username or password."
        return render_template_string(LOGIN_PAGE, error=error, username=username), 401
    session.clear()  # drop anything left from before the login
    session["user"] = username
    session.permanent = "remember" in request.form
    target = request.args.get("next", "")
    return redirect(target if is_local(target) else url_for("profile"))


@app.get("/profile")
@login_required
def profile():
    session["visits"] = session.get("visits", 0) + 1
    return f"Hello {session['user']}, this is visit {session['visits']}."


@app.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("index"))


@app.post("/theme")
def set_theme():
    theme = request.form.get("theme", "")
    response = redirect(url_for("index"))
    if theme == "default":
        response.delete_cookie("theme")
    elif theme in THEMES:
        response.set_cookie("theme", theme, max_age=365 * 24 * 3600, samesite="Lax")
    else:
        abort(400, description="Unknown theme.")
    return response
