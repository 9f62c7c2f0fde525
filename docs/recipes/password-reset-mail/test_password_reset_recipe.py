"""Tests for the password-reset mail recipe: the mail and its link, through the memory transport
and record_messages, the single-use and expiring token, and a mail server that is down."""

import re
import socket

import password_reset_recipe
import pytest
from password_reset_recipe import create_app, mail
from werkzeug.security import check_password_hash, generate_password_hash

ANN = "ann@example.com"


@pytest.fixture(autouse=True)
def users(monkeypatch):
    users = {ANN: generate_password_hash("correct horse")}
    monkeypatch.setattr(password_reset_recipe, "USERS", users)
    return users


@pytest.fixture
def app():
    # TESTING suppresses sending; record_messages() still sees each message.
    return create_app({"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


def ask_for_link(client, email=ANN):
    with mail.record_messages() as outbox:
        response = client.post("/forgot", data={"email": email})
    return response, outbox


def link_path(message):
    return re.search(r"http://localhost(/reset/\S+)", message.body).group(1)


def test_forgot_form(client):
    assert '<input type="email" name="email" required>' in client.get("/forgot").text


def test_known_address_gets_a_reset_mail(client):
    response, outbox = ask_for_link(client)
    assert response.status_code == 200
    assert "we have sent it a link" in response.text
    (msg,) = outbox
    assert msg.subject == "Reset your password"
    assert msg.recipients == [ANN]
    assert msg.sender == ("Example Support", "support@example.com")
    assert "within 60 minutes" in msg.body
    assert f'<a href="http://localhost{link_path(msg)}">' in msg.html


def test_unknown_address_gets_the_same_answer_and_no_mail(client):
    known, _ = ask_for_link(client)
    unknown, outbox = ask_for_link(client, "mallory@example.com")
    assert unknown.text == known.text
    assert outbox == []


def test_the_mail_as_delivered_is_multipart_alternative():
    app = create_app({"TESTING": True, "MAIL_SUPPRESS_SEND": False, "MAIL_TRANSPORT": "memory"})
    app.test_client().post("/forgot", data={"email": ANN})
    (sent,) = app.extensions["mail"].outbox
    assert sent.recipients == [ANN]
    parsed = sent.parsed()
    assert parsed["From"] == "Example Support <support@example.com>"
    assert parsed.get_content_type() == "multipart/alternative"
    html = parsed.get_body(("html",)).get_content()
    assert "<b>ann@example.com</b>" in html


def test_the_link_lets_the_user_choose_a_new_password(client, users):
    _, (msg,) = ask_for_link(client)
    path = link_path(msg)
    assert "Choose a new password for ann@example.com" in client.get(path).text
    response = client.post(path, data={"password": "a much longer secret"})
    assert "Your password has been changed." in response.text
    assert check_password_hash(users[ANN], "a much longer secret")


def test_a_short_password_is_refused(client, users):
    _, (msg,) = ask_for_link(client)
    response = client.post(link_path(msg), data={"password": "short"})
    assert response.status_code == 400
    assert "at least 10 characters" in response.text
    assert check_password_hash(users[ANN], "correct horse")


def test_the_link_works_only_once(client):
    _, (msg,) = ask_for_link(client)
    path = link_path(msg)
    client.post(path, data={"password": "a much longer secret"})
    response = client.get(path)
    assert response.status_code == 400
    assert "invalid or has expired" in response.text


def test_an_expired_link_is_refused(app, client):
    _, (msg,) = ask_for_link(client)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    assert client.get(link_path(msg)).status_code == 400


def test_a_tampered_link_is_refused(client):
    _, (msg,) = ask_for_link(client)
    assert client.get(link_path(msg) + "x").status_code == 400
    assert client.get("/reset/not-a-token").status_code == 400


def test_mail_server_down_is_a_503_not_a_hang():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    app = create_app({"MAIL_TRANSPORT": "smtp", "MAIL_PORT": port, "MAIL_TIMEOUT": 2})
    response = app.test_client().post("/forgot", data={"email": ANN})
    assert response.status_code == 503
    assert "We could not send the email" in response.text
