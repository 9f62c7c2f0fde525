"""Seed 002's WTF section, run as written once `flask_wtf` is `kolba_forms`: the contact form
with its fields and validators, the CSRF token's hidden field, and the errors in the template.

WTForms 3 removed ``TextField`` and ``validators.Required``; the seed's form uses their current
names, ``StringField`` and ``DataRequired`` (WTForms' own rename, not kolba's)."""

import textwrap

import pytest
from conftest import token_from

# The seed gives choices as tuples, which WTForms 3.3 deprecates (but still takes).
pytestmark = pytest.mark.filterwarnings("ignore:Passing SelectField choices as tuples")

SEED_002_FORMS = textwrap.dedent(
    """
    from kolba_forms import FlaskForm
    from wtforms import StringField, IntegerField, TextAreaField, SubmitField, RadioField, \\
       SelectField

    from wtforms import validators, ValidationError

    class ContactForm(FlaskForm):
       name = StringField("Name Of Student",[validators.DataRequired("Please enter \\
          your name.")])
       Gender = RadioField('Gender', choices = [('M','Male'),('F','Female')])
       Address = TextAreaField("Address")

       email = StringField("Email",[validators.DataRequired("Please enter your email address."),
          validators.Email("Please enter your email address.")])

       Age = IntegerField("age")
       language = SelectField('Languages', choices = [('cpp', 'C&plus;&plus;'),
          ('py', 'Python')])
       submit = SubmitField("Send")
    """
)

SEED_002_APP = textwrap.dedent(
    """
    from kolba import Kolba, render_template, request, flash
    from forms import ContactForm
    app = Kolba(__name__)
    app.secret_key = 'development key'

    @app.route('/contact', methods = ['GET', 'POST'])
    def contact():
       form = ContactForm()

       if request.method == 'POST':
          if form.validate() == False:
             flash('All fields are required.')
             return render_template('contact.html', form = form)
          else:
             return render_template('success.html')
       elif request.method == 'GET':
          return render_template('contact.html', form = form)
    """
)

CONTACT_HTML = """<form action="/contact" method="post">
{{ form.hidden_tag() }}
{{ form.name.label }}<br>
{{ form.name }}
{% for message in form.name.errors %}<p class="error">{{ message }}</p>{% endfor %}
{{ form.email.label }}<br>
{{ form.email }}
{% for message in form.email.errors %}<p class="error">{{ message }}</p>{% endfor %}
{{ form.Gender }} {{ form.Address }} {{ form.Age }} {{ form.language }}
{% for message in form.Age.errors %}<p class="error">{{ message }}</p>{% endfor %}
{{ form.submit }}
</form>"""


@pytest.fixture
def seed(tmp_path, monkeypatch):
    (tmp_path / "forms.py").write_text(SEED_002_FORMS)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "contact.html").write_text(CONTACT_HTML)
    (tmp_path / "templates" / "success.html").write_text("<h1>Form posted successfully</h1>")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)  # the app of an exec-ed module finds templates/ from here
    monkeypatch.delitem(__import__("sys").modules, "forms", raising=False)
    namespace = {"__name__": "seed_002_forms_app", "__file__": str(tmp_path / "app.py")}
    exec(compile(SEED_002_APP, str(tmp_path / "app.py"), "exec"), namespace)
    namespace["app"].testing = True
    return namespace


def fields(token, **overrides):
    data = {
        "csrf_token": token,
        "name": "Ada",
        "email": "ada@example.com",
        "Gender": "F",
        "Address": "12 Analytical St",
        "Age": "36",
        "language": "py",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_rendered_form_has_the_csrf_hidden_field_and_the_fields(seed):
    html = seed["app"].test_client().get("/contact").text
    assert '<input id="csrf_token" name="csrf_token" type="hidden" value="' in html
    assert '<label for="name">Name Of Student</label>' in html
    assert '<input id="name" name="name" required type="text" value="">' in html
    assert '<textarea id="Address" name="Address">' in html
    assert '<option value="py">Python</option>' in html
    assert 'type="radio" value="M"' in html
    assert '<input id="submit" name="submit" type="submit" value="Send">' in html


def test_valid_submission_renders_success(seed):
    client = seed["app"].test_client()
    token = token_from(client.get("/contact").text)
    response = client.post("/contact", data=fields(token))
    assert response.text == "<h1>Form posted successfully</h1>"


def test_missing_name_shows_the_seed_message_in_the_template(seed):
    client = seed["app"].test_client()
    token = token_from(client.get("/contact").text)
    html = client.post("/contact", data=fields(token, name="")).text
    assert '<p class="error">Please enter       your name.</p>' in html


def test_malformed_email_shows_the_seed_message(seed):
    client = seed["app"].test_client()
    token = token_from(client.get("/contact").text)
    html = client.post("/contact", data=fields(token, email="not-an-address")).text
    assert '<p class="error">Please enter your email address.</p>' in html


def test_post_without_the_token_is_not_valid(seed):
    client = seed["app"].test_client()
    client.get("/contact")
    html = client.post("/contact", data=fields(None)).text
    assert "Form posted successfully" not in html
    assert 'name="csrf_token"' in html


def test_seed_form_class_is_kolba_form():
    from kolba_forms import FlaskForm, Form, KolbaForm

    assert FlaskForm is KolbaForm and Form is KolbaForm
