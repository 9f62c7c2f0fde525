"""Moving sessions from Flask recipe: the kolba app that replaces a Flask app keeps its
SECRET_KEY, so the visitors' Flask session cookies still sign them in."""

import os

from kolba import Kolba, session

app = Kolba(__name__)
app.config.update(
    # The key the Flask app signed its cookies with.
    SECRET_KEY=os.environ.get("SECRET_KEY", "dev-only: set SECRET_KEY in production"),
    # The default. Set it to False once the Flask cookies have expired.
    SESSION_ACCEPT_FLASK_COOKIES=True,
)


@app.get("/")
def home() -> str:
    user = session.get("user")
    return f"Signed in as {user}." if user else "You are not signed in."
