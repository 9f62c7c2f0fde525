"""Flash messages recipe: a contact form that reports success and errors with flash(), following
the post/redirect/get pattern, and a layout template that shows the messages once."""

import os

from kolba import Kolba, flash, redirect, render_template, request, url_for

app = Kolba(__name__)
app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "dev-only: set SECRET_KEY in production")

INBOX = []


@app.get("/")
def contact():
    return render_template("contact.html")


@app.post("/send")
def send():
    name = request.form.get("name", "").strip()
    message = request.form.get("message", "").strip()
    if not name:
        flash("Please tell us your name.", "error")
    if len(message) < 10:
        flash("Your message needs at least 10 characters.", "error")
    if name and len(message) >= 10:
        INBOX.append((name, message))
        flash(f"Thanks, {name}! We will answer soon.", "success")
        flash("Replies usually take a day.", "info")
    # Redirect after a POST, so reloading the page does not send the form again.
    return redirect(url_for("contact"))
