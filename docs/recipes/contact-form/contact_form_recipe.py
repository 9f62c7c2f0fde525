"""Seed 002's contact form on kolba-forms: fields, validators, the CSRF token, and the errors
shown in the template."""

from wtforms import (
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    validators,
)

from kolba import Kolba, flash, render_template, request
from kolba_forms import CSRFProtect, KolbaForm

app = Kolba(__name__)
app.secret_key = "development key"
csrf = CSRFProtect(app)


class ContactForm(KolbaForm):
    name = StringField("Name Of Student", [validators.DataRequired("Please enter your name.")])
    gender = RadioField("Gender", choices={"M": "Male", "F": "Female"})
    address = TextAreaField("Address")
    email = StringField(
        "Email",
        [
            validators.DataRequired("Please enter your email address."),
            validators.Email("Please enter your email address."),
        ],
    )
    age = IntegerField("Age", [validators.Optional(), validators.NumberRange(min=1, max=130)])
    language = SelectField("Languages", choices={"cpp": "C++", "py": "Python"})
    submit = SubmitField("Send")


@app.route("/contact", methods=["GET", "POST"])
def contact():
    form = ContactForm()
    if request.method == "POST":
        if not form.validate():
            flash("All fields are required.")
            return render_template("contact.html", form=form)
        return render_template("success.html", name=form.name.data)
    return render_template("contact.html", form=form)


if __name__ == "__main__":
    app.run(debug=True)
