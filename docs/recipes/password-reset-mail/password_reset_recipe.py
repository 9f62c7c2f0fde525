"""Password-reset mail recipe: a "forgot password" form that mails a signed, expiring, single-use
link, rendered from a text and an HTML template, and the page that link opens."""

import hashlib
import logging
import os

from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.security import generate_password_hash

from kolba import Blueprint, Kolba, abort, current_app, render_template, request, url_for
from kolba_mail import DeliveryError, Mail, Message

mail = Mail()
bp = Blueprint("account", __name__)
log = logging.getLogger(__name__)

# A stand-in for your user table: email address -> password hash.
USERS = {"ann@example.com": generate_password_hash("correct horse")}


def create_app(test_config=None):
    app = Kolba(__name__)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("SECRET_KEY", "dev-only: set SECRET_KEY in production"),
        MAIL_DEFAULT_SENDER=("Example Support", "support@example.com"),
        MAIL_TRANSPORT="console",
        PASSWORD_RESET_MAX_AGE=3600,
    )
    app.config.from_prefixed_env("KOLBA")
    app.config.update(test_config or {})
    mail.init_app(app)
    app.register_blueprint(bp)
    return app


def _serializer():
    return URLSafeTimedSerializer(current_app.secret_key, salt="password-reset")


def _fingerprint(password_hash):
    # Part of the token: once the password changes, links sent before stop working.
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def make_reset_token(email):
    return _serializer().dumps([email, _fingerprint(USERS[email])])


def user_for_token(token):
    """The email address the token was made for, or None if it is invalid, expired or used."""
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    try:
        email, fingerprint = _serializer().loads(token, max_age=max_age)
    except (BadSignature, ValueError):
        return None
    if email not in USERS or fingerprint != _fingerprint(USERS[email]):
        return None
    return email


def send_reset_mail(email):
    link = url_for("account.reset", token=make_reset_token(email), _external=True)
    max_age_minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    context = {"email": email, "link": link, "minutes": max_age_minutes}
    msg = Message(
        "Reset your password",
        recipients=[email],
        body=render_template("email/reset_password.txt", **context),
        html=render_template("email/reset_password.html", **context),
    )
    mail.send(msg)


@bp.get("/forgot")
def forgot():
    return render_template("forgot.html")


@bp.post("/forgot")
def forgot_post():
    email = request.form.get("email", "").strip().lower()
    if email in USERS:
        try:
            send_reset_mail(email)
        except DeliveryError as e:
            log.error("Password reset mail to %s failed: %s", email, e)
            return render_template(
                "notice.html",
                text="We could not send the email. Please try again in a few minutes.",
            ), 503
    # The same answer whether or not the address has an account, so the form cannot be used to
    # find out who has one.
    return render_template(
        "notice.html",
        text="If that address has an account, we have sent it a link to choose a new password.",
    )


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token):
    email = user_for_token(token)
    if email is None:
        abort(400, "This link is invalid or has expired. Ask for a new one.")
    if request.method == "GET":
        return render_template("reset.html", email=email, error=None)
    password = request.form.get("password", "")
    if len(password) < 10:
        error = "Choose a password of at least 10 characters."
        return render_template("reset.html", email=email, error=error), 400
    USERS[email] = generate_password_hash(password)
    return render_template("notice.html", text="Your password has been changed.")


if __name__ == "__main__":
    create_app().run(debug=True)
