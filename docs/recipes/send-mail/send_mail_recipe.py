"""Send mail recipe: seed 002's Flask-Mail example on kolba. A Gmail account over implicit TLS
(port 465), and a view that sends one message; set KOLBA_MAIL_* variables to use another server."""

import os

from kolba import Kolba
from kolba_mail import Mail, Message

app = Kolba(__name__)

app.config["MAIL_SERVER"] = "smtp.gmail.com"
app.config["MAIL_PORT"] = 465
app.config["MAIL_USERNAME"] = "yourId@gmail.com"
app.config["MAIL_PASSWORD"] = os.environ.get("MAIL_PASSWORD", "*****")
app.config["MAIL_USE_TLS"] = False
app.config["MAIL_USE_SSL"] = True
# KOLBA_MAIL_TRANSPORT=console prints messages instead of sending them; KOLBA_MAIL_SERVER,
# KOLBA_MAIL_PORT, ... point the app at another server.
app.config.from_prefixed_env("KOLBA")
mail = Mail(app)


@app.route("/")
def index():
    msg = Message("Hello", sender="yourId@gmail.com", recipients=["id1@gmail.com"])
    msg.body = "Hello Flask message sent from Flask-Mail"
    mail.send(msg)
    return "Sent"


if __name__ == "__main__":
    app.run(debug=True)
