"""AJAX with CSRF protection: the page holds the token in a meta tag, scripts send it in the
X-CSRFToken header, and a form validated from a JSON body answers its errors as JSON."""

from wtforms import IntegerField, StringField, validators

from kolba import Kolba, render_template
from kolba_forms import CSRFProtect, KolbaForm

app = Kolba(__name__)
app.config["SECRET_KEY"] = "change me"
csrf = CSRFProtect(app)

NOTES: list[dict[str, object]] = []


class NoteForm(KolbaForm):
    # CSRFProtect has checked the X-CSRFToken header already; the JSON body needs no token.
    class Meta:
        csrf = False

    text = StringField("Text", [validators.DataRequired(), validators.Length(max=200)])
    stars = IntegerField("Stars", [validators.NumberRange(min=1, max=5)])


@app.get("/")
def page():
    return render_template("notes.html")


@app.post("/api/notes")
def add_note():
    form = NoteForm()  # reads the JSON object body
    if not form.validate():
        return form.errors_response()  # 400 {"errors": {"field": ["message", ...]}}
    note = {"text": form.text.data, "stars": form.stars.data}
    NOTES.append(note)
    return note, 201
