"""Every field and validator seed 002 lists, through KolbaForm in a real request: the form's
data comes from the form body, the files, or a JSON object, and JSON errors come back as JSON."""

import decimal

import pytest
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    validators,
)

from kolba import request
from kolba_forms import KolbaForm


class Everything(KolbaForm):
    class Meta:
        csrf = False

    name = StringField("Name", [validators.DataRequired("Please enter your name.")])
    subscribed = BooleanField("Subscribe")
    price = DecimalField("Price", [validators.Optional()], places=2)
    age = IntegerField("Age", [validators.Optional(), validators.NumberRange(min=1, max=130)])
    gender = RadioField("Gender", choices={"M": "Male", "F": "Female"})
    language = SelectField("Language", choices={"cpp": "C++", "py": "Python"})
    address = TextAreaField("Address", [validators.Length(max=20)])
    password = PasswordField("Password", [validators.Length(min=8)])
    email = StringField("Email", [validators.Email("Please enter your email address.")])
    ip = StringField("IP", [validators.Optional(), validators.IPAddress()])
    homepage = StringField("Homepage", [validators.Optional(), validators.URL()])
    submit = SubmitField("Send")


VALID = {
    "name": "Ada",
    "subscribed": "y",
    "price": "9.50",
    "age": "36",
    "gender": "F",
    "language": "py",
    "address": "12 Engine St",
    "password": "correct horse",
    "email": "ada@example.com",
    "ip": "192.0.2.7",
    "homepage": "https://ada.example.com/notes",
}


@pytest.fixture
def submit(app):
    @app.route("/everything", methods=["GET", "POST"])
    def everything():
        form = Everything()
        if form.validate_on_submit():
            return {
                "valid": True,
                "data": {k: str(v) for k, v in form.data.items()},
            }
        if request.is_json:
            return form.errors_response()
        return {"valid": False, "errors": form.errors}

    client = app.test_client()

    def post(**changes):
        return client.post("/everything", data={**VALID, **changes}).get_json()

    return post


def test_valid_data_from_the_form_body(submit):
    result = submit()
    assert result["valid"] is True
    assert result["data"]["price"] == str(decimal.Decimal("9.50"))
    assert result["data"]["age"] == "36"
    assert result["data"]["subscribed"] == "True"
    assert result["data"]["language"] == "py"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Please enter your name."),
        ("email", "ada-at-example", "Please enter your email address."),
        ("ip", "999.1.1.1", "Invalid IP address."),
        ("homepage", "not a url", "Invalid URL."),
        ("age", "200", "Number must be between 1 and 130."),
        ("age", "old", "Not a valid integer value."),
        ("price", "cheap", "Not a valid decimal value."),
        ("password", "short", "Field must be at least 8 characters long."),
        ("address", "x" * 21, "Field cannot be longer than 20 characters."),
        ("gender", "X", "Not a valid choice."),
        ("language", "cobol", "Not a valid choice."),
    ],
)
def test_each_validator_reports_its_message(submit, field, value, message):
    result = submit(**{field: value})
    assert result["valid"] is False
    assert list(result["errors"]) == [field]
    assert result["errors"][field][0] == message


def test_unchecked_boolean_is_false(submit, app):
    data = {k: v for k, v in VALID.items() if k != "subscribed"}
    result = app.test_client().post("/everything", data=data).get_json()
    assert result["data"]["subscribed"] == "False"


def test_get_does_not_validate(app, submit):
    assert app.test_client().get("/everything").get_json() == {"valid": False, "errors": {}}


def test_data_from_a_json_object(app, submit):
    response = app.test_client().post("/everything", json=VALID)
    assert response.get_json()["valid"] is True


def test_json_form_errors_come_back_as_json_field_messages(app, submit):
    response = app.test_client().post("/everything", json={**VALID, "name": "", "age": "200"})
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    assert response.get_json() == {
        "errors": {
            "name": ["Please enter your name."],
            "age": ["Number must be between 1 and 130."],
        }
    }


def test_json_that_is_not_an_object_is_a_clear_400(app, submit):
    response = app.test_client().post("/everything", json=["name", "Ada"])
    assert response.status_code == 400
    assert "JSON object" in response.text


def test_malformed_json_is_a_400(app, submit):
    response = app.test_client().post(
        "/everything", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400


def test_formdata_none_reads_nothing(app):
    @app.post("/none")
    def none():
        form = Everything(None)
        return {"name": form.name.data}

    assert app.test_client().post("/none", data=VALID).get_json() == {"name": None}


def test_explicit_formdata_is_used(app):
    @app.post("/args")
    def args():
        return {"name": Everything(request.args).name.data}

    response = app.test_client().post("/args", query_string={"name": "from args"})
    assert response.get_json() == {"name": "from args"}


def test_hidden_tag_renders_the_csrf_field_and_hidden_fields_only(app):
    from wtforms import HiddenField

    class WithHidden(KolbaForm):
        next_url = HiddenField(default="/home")
        name = StringField()

    with app.test_request_context():
        html = str(WithHidden().hidden_tag())
        assert 'name="csrf_token"' in html and 'name="next_url"' in html
        assert 'name="name"' not in html
        assert "csrf_token" not in str(WithHidden().hidden_tag("next_url"))
