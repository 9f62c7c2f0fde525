"""Flask-Babel on kolba through the bridge, beside kolba-cors: the locale selector, gettext and
ngettext in templates and in views; over the test client and HTTP. The catalog is compiled from
the committed .po file into a temporary folder."""

import shutil
from pathlib import Path

import flask
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import Babel, get_locale, gettext

from kolba_cors import CORS

HERE = Path(__file__).parent / "babel_app"


@pytest.fixture
def app(tmp_path):
    translations = tmp_path / "translations"
    shutil.copytree(HERE / "translations", translations)
    po = translations / "de" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as f:
        catalog = read_po(f)
    with po.with_suffix(".mo").open("wb") as f:
        write_mo(f, catalog)

    app = flask.Flask(__name__, template_folder=str(HERE / "templates"))
    app.config.update(
        BABEL_TRANSLATION_DIRECTORIES=str(translations), CORS_ORIGINS=["https://front.example"]
    )

    def select_locale():
        return flask.request.args.get("lang") or flask.request.accept_languages.best_match(
            ["de", "en"]
        )

    Babel(app, locale_selector=select_locale)
    CORS(app)

    @app.route("/greet/<name>")
    def greet(name):
        return flask.render_template("greet.html", name=name, count=3)

    @app.route("/morning")
    def morning():
        return {"text": gettext("Good morning"), "locale": str(get_locale())}

    return app


def test_locale_from_the_selector(app):
    client = app.test_client()
    assert client.get("/morning?lang=de").json == {"text": "Guten Morgen", "locale": "de"}
    assert client.get("/morning?lang=en").json == {"text": "Good morning", "locale": "en"}


def test_gettext_and_ngettext_in_templates(app):
    client = app.test_client()
    german = client.get("/greet/Ada", headers={"Accept-Language": "de-DE,de;q=0.9"}).text
    assert "Hallo, Ada!" in german
    assert "3 Äpfel" in german
    english = client.get("/greet/Ada", headers={"Accept-Language": "en"}).text
    assert "Hello, Ada!" in english
    assert "3 apples" in english


def test_translations_and_cors_over_http(live_server, app):
    server = live_server(app)
    response = server.request(
        "/greet/Ada", headers={"Accept-Language": "de", "Origin": "https://front.example"}
    )
    assert "Hallo, Ada!" in response.text
    assert response.headers["Access-Control-Allow-Origin"] == "https://front.example"
