"""Tests for the send mail recipe: the view's message, recorded with TESTING (nothing is sent),
the console transport chosen from the environment, and the 503 when the server is down."""

import importlib
import socket

import pytest
import send_mail_recipe
from send_mail_recipe import app, mail


@pytest.fixture
def client(monkeypatch):
    # MAIL_SUPPRESS_SEND follows TESTING when unset: the message is recorded, never sent.
    monkeypatch.setitem(app.config, "TESTING", True)
    return app.test_client()


def test_the_config_is_gmail_over_implicit_tls():
    state = app.extensions["mail"]
    assert (state.server, state.port, state.use_ssl, state.use_tls) == (
        "smtp.gmail.com",
        465,
        True,
        False,
    )
    assert state.timeout == 10


def test_index_sends_hello(client):
    with mail.record_messages() as outbox:
        response = client.get("/")
    assert response.text == "Sent"
    (msg,) = outbox
    assert msg.subject == "Hello"
    assert msg.sender == "yourId@gmail.com"
    assert msg.recipients == ["id1@gmail.com"]
    assert msg.body == "Hello Flask message sent from Flask-Mail"


def test_the_message_as_sent(client):
    with mail.record_messages() as outbox:
        client.get("/")
    sent = outbox[0].envelope().parsed()
    assert sent["From"] == "yourId@gmail.com"
    assert sent["To"] == "id1@gmail.com"
    assert sent["Message-ID"] and sent["Date"]
    assert sent.get_content() == "Hello Flask message sent from Flask-Mail\n"


@pytest.fixture
def recipe_with_env(monkeypatch):
    """``recipe_with_env(**variables)``: the recipe module reloaded with those environment
    variables set; reloaded again without them afterwards."""

    def reload(**variables):
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(send_mail_recipe)

    yield reload
    monkeypatch.undo()
    importlib.reload(send_mail_recipe)


@pytest.fixture
def console_recipe(recipe_with_env):
    return recipe_with_env(KOLBA_MAIL_TRANSPORT="console")


def test_console_transport_for_development(console_recipe, capsys):
    assert console_recipe.app.test_client().get("/").text == "Sent"
    out = capsys.readouterr().out
    assert "Envelope-To: id1@gmail.com" in out
    assert "Subject: Hello" in out
    assert "Hello Flask message sent from Flask-Mail" in out


def test_a_mail_server_that_is_down_is_a_503(recipe_with_env):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    recipe = recipe_with_env(
        KOLBA_MAIL_SERVER="127.0.0.1",
        KOLBA_MAIL_PORT=str(port),
        KOLBA_MAIL_USE_SSL="false",
        KOLBA_MAIL_TIMEOUT="2",
    )
    response = recipe.app.test_client().get("/")
    assert response.status_code == 503
    assert "mail server is not reachable" in response.text
