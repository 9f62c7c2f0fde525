"""Messages in the request's locale when a translations provider is installed (an
``app.extensions["babel"]`` with a ``locale_selector``, as Flask-Babel's is)."""

import types

import pytest
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from kolba import request
from kolba_forms import KolbaForm
from kolba_forms.i18n import translations


class NameForm(KolbaForm):
    class Meta:
        csrf = False

    name = StringField(validators=[DataRequired(), Length(min=8)])


@pytest.fixture
def errors(app):
    @app.post("/")
    def index():
        form = NameForm()
        form.validate()
        return {"errors": form.name.errors}

    def post(language, **data):
        client = app.test_client()
        return client.post("/", data=data, headers={"Accept-Language": language}).get_json()

    return post


def install_provider(app):
    def locale_selector():
        return request.accept_languages.best_match(["en", "zh", "de"], "en")

    app.extensions["babel"] = types.SimpleNamespace(locale_selector=locale_selector)


def test_without_a_provider_messages_stay_english(errors):
    assert errors("zh") == {"errors": ["This field is required."]}


def test_provider_locale_translates_messages(app, errors):
    install_provider(app)
    assert errors("zh-CN,zh;q=0.8") == {"errors": ["该字段是必填字段。"]}
    assert errors("zh", name="short") == {"errors": ["字段长度必须至少 8 个字符。"]}
    assert errors("de") == {"errors": ["Dieses Feld wird benötigt."]}


def test_translation_can_be_turned_off(app, errors):
    install_provider(app)
    app.config["WTF_I18N_ENABLED"] = False
    assert errors("zh") == {"errors": ["This field is required."]}


def test_meta_locales_apply_without_a_provider(app):
    class Spanish(NameForm):
        class Meta:
            locales = ["es"]

    with app.test_request_context(method="POST", data={"name": ""}):
        form = Spanish()
        form.validate()
        assert form.name.errors == ["Este campo es obligatorio."]


def test_outside_a_request_strings_are_untranslated():
    assert translations.gettext("This field is required.") == "This field is required."
    one, many = "%(n)d file", "%(n)d files"
    assert translations.ngettext(one, many, 1) == one
    assert translations.ngettext(one, many, 2) == many
