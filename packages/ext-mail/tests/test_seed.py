"""Seed 002's Flask-Mail example (邮件 / 实例), run as written once `flask` is `kolba` and
`flask_mail` is `kolba_mail`: it calls Mail(app) before and after setting the config."""

import textwrap

import pytest

from kolba_mail import Mail

SEED_002_MAIL = textwrap.dedent(
    """
    from kolba import Kolba
    from kolba_mail import Mail, Message

    app =Kolba(__name__)
    mail=Mail(app)

    app.config['MAIL_SERVER']='smtp.gmail.com'
    app.config['MAIL_PORT'] = 465
    app.config['MAIL_USERNAME'] = 'yourId@gmail.com'
    app.config['MAIL_PASSWORD'] = '*****'
    app.config['MAIL_USE_TLS'] = False
    app.config['MAIL_USE_SSL'] = True
    mail = Mail(app)

    @app.route("/")
    def index():
       msg = Message('Hello', sender = 'yourId@gmail.com', recipients = ['id1@gmail.com'])
       msg.body = "Hello Flask message sent from Flask-Mail"
       mail.send(msg)
       return "Sent"

    if __name__ == '__main__':
       app.run(debug = True)
    """
)


@pytest.fixture
def seed():
    namespace = {"__name__": "seed_002_mail"}
    exec(compile(SEED_002_MAIL, "seed_002_mail.py", "exec"), namespace)
    return namespace


def test_seed_config_reaches_the_state(seed):
    state = seed["app"].extensions["mail"]
    assert (state.server, state.port, state.use_ssl, state.use_tls) == (
        "smtp.gmail.com",
        465,
        True,
        False,
    )
    assert (state.username, state.password) == ("yourId@gmail.com", "*****")
    assert seed["mail"].server == "smtp.gmail.com"


def test_seed_view_sends_the_message(seed):
    app = seed["app"]
    app.config["TESTING"] = True
    with seed["mail"].record_messages() as outbox:
        response = app.test_client().get("/")
    assert response.text == "Sent"
    (msg,) = outbox
    assert msg.subject == "Hello"
    assert msg.sender == "yourId@gmail.com"
    assert msg.recipients == ["id1@gmail.com"]
    assert msg.body == "Hello Flask message sent from Flask-Mail"


def test_seed_view_delivers_to_a_real_server(seed, smtp_server):
    app = seed["app"]
    app.config.update(
        MAIL_SERVER=smtp_server.host,
        MAIL_PORT=smtp_server.port,
        MAIL_USE_SSL=False,
        MAIL_USERNAME=None,
    )
    Mail(app)
    assert app.test_client().get("/").text == "Sent"
    (got,) = smtp_server.received
    assert (got.mail_from, got.rcpt_tos) == ("yourId@gmail.com", ["id1@gmail.com"])
    assert got.message.get_content() == "Hello Flask message sent from Flask-Mail\n"
