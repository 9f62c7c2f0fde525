"""File uploads through FileField and MultipleFileField in real multipart requests, with
FileRequired, FileAllowed and FileSize, and the CSRF token alongside."""

import io

import pytest
from werkzeug.datastructures import FileStorage
from wtforms.validators import Length

from kolba_forms import KolbaForm
from kolba_forms.file import FileAllowed, FileField, FileRequired, FileSize, MultipleFileField


class AvatarForm(KolbaForm):
    avatar = FileField(
        "Avatar",
        [FileRequired(), FileAllowed(["png", "jpg"], "Images only."), FileSize(max_size=1024)],
    )


class AlbumForm(KolbaForm):
    class Meta:
        csrf = False

    photos = MultipleFileField(
        "Photos", [FileRequired(), FileAllowed(["png"]), Length(min=1, max=3)]
    )


@pytest.fixture
def upload(app, csrf, client):
    @app.route("/avatar", methods=["GET", "POST"])
    def avatar():
        form = AvatarForm()
        if form.validate_on_submit():
            data = form.avatar.data.read()
            return {"saved": form.avatar.data.filename, "size": len(data)}
        if form.is_submitted():
            return {"errors": form.errors}, 400
        return form.csrf_token.current_token

    @app.post("/album")
    @csrf.exempt
    def album():
        form = AlbumForm()
        if form.validate():
            return {"saved": [f.filename for f in form.photos.data]}
        return {"errors": form.errors}, 400

    token = client.get("/avatar").text

    def send(*files, with_token=True):
        data = {"avatar": list(files)}
        if with_token:
            data["csrf_token"] = token
        return client.post("/avatar", data=data, content_type="multipart/form-data")

    return send


def test_upload_is_saved(upload):
    response = upload((io.BytesIO(b"\x89PNG" + b"0" * 100), "me.png"))
    assert response.get_json() == {"saved": "me.png", "size": 104}


def test_upload_needs_the_token_too(upload):
    response = upload((io.BytesIO(b"png"), "me.png"), with_token=False)
    assert response.status_code == 400
    assert "The CSRF token is missing." in response.text


def test_no_file_chosen_is_required_error(upload):
    # A browser sends an empty part with an empty file name for an empty input.
    response = upload((io.BytesIO(b""), ""))
    assert response.get_json() == {"errors": {"avatar": ["This field is required."]}}


def test_extension_not_allowed(upload):
    response = upload((io.BytesIO(b"MZ"), "tool.exe"))
    assert response.get_json() == {"errors": {"avatar": ["Images only."]}}


def test_extension_check_ignores_case(upload):
    assert upload((io.BytesIO(b"png"), "ME.PNG")).status_code == 200


def test_file_too_large(upload):
    response = upload((io.BytesIO(b"0" * 1025), "big.png"))
    assert response.get_json() == {"errors": {"avatar": ["File must be between 0 and 1024 bytes."]}}


def test_multiple_files(app, client, upload):
    files = [(io.BytesIO(b"a"), "a.png"), (io.BytesIO(b"b"), "b.png")]
    response = client.post("/album", data={"photos": files})
    assert response.get_json() == {"saved": ["a.png", "b.png"]}


def test_multiple_files_with_one_not_allowed(app, client, upload):
    files = [(io.BytesIO(b"a"), "a.png"), (io.BytesIO(b"b"), "b.gif")]
    response = client.post("/album", data={"photos": files})
    assert response.get_json() == {
        "errors": {"photos": ["File does not have an approved extension: png"]}
    }


def test_multiple_files_too_many(app, client, upload):
    files = [(io.BytesIO(b"x"), f"{n}.png") for n in range(4)]
    response = client.post("/album", data={"photos": files})
    assert response.status_code == 400


def test_multiple_files_none_chosen(app, client, upload):
    response = client.post("/album", data={"photos": [(io.BytesIO(b""), "")]})
    assert response.get_json() == {"errors": {"photos": ["This field is required."]}}


def test_file_required_sets_the_required_flag(app):
    with app.test_request_context():
        assert "required" in str(AvatarForm().avatar)


class Extensions:
    """An upload set as kolba-upload's and Flask-Uploads' are: it decides by file name."""

    def __init__(self, *allowed):
        self.allowed = allowed

    def file_allowed(self, storage, basename):
        return basename.rsplit(".", 1)[-1] in self.allowed


def test_file_allowed_with_an_upload_set(app):
    class F(KolbaForm):
        class Meta:
            csrf = False

        doc = FileField(validators=[FileAllowed(Extensions("txt"))])

    with app.test_request_context():
        assert F(doc=FileStorage(filename="notes.txt")).validate()
        form = F(doc=FileStorage(filename="notes.doc"))
        assert not form.validate()
        assert form.doc.errors == ["File does not have an approved extension."]


def test_file_size_keeps_the_stream_position_and_refuses_unseekable_streams(app):
    class F(KolbaForm):
        class Meta:
            csrf = False

        doc = FileField(validators=[FileSize(max_size=10, min_size=1)])

    class Unseekable(io.RawIOBase):
        def readable(self):
            return True

        def seekable(self):
            return False

    with app.test_request_context():
        stream = io.BytesIO(b"12345")
        assert F(doc=FileStorage(stream, filename="a.txt")).validate()
        assert stream.tell() == 0
        empty = F(doc=FileStorage(io.BytesIO(b""), filename="a.txt"))
        assert not empty.validate()
        assert empty.doc.errors == ["File must be between 1 and 10 bytes."]
        with pytest.raises(TypeError, match="not seekable"):
            F(doc=FileStorage(Unseekable(), filename="a.txt")).validate()
