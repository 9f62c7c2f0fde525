"""A file upload form: FileField with FileRequired, FileAllowed and FileSize, the CSRF token in
the multipart body, and the file saved under a safe name."""

from pathlib import Path

from werkzeug.utils import secure_filename
from wtforms import StringField

from kolba import Kolba, escape, redirect, render_template, url_for
from kolba_forms import CSRFProtect, KolbaForm
from kolba_forms.file import FileAllowed, FileField, FileRequired, FileSize


def create_app(upload_folder: str) -> Kolba:
    app = Kolba(__name__)
    app.config["SECRET_KEY"] = "change me"
    app.config["UPLOAD_FOLDER"] = upload_folder
    app.config["MAX_CONTENT_LENGTH"] = 4 * 1024 * 1024  # refuse larger bodies before parsing
    CSRFProtect(app)

    @app.route("/", methods=["GET", "POST"])
    def upload():
        form = PhotoForm()
        if form.validate_on_submit():
            photo = form.photo.data
            name = secure_filename(photo.filename) or "photo"
            photo.save(Path(app.config["UPLOAD_FOLDER"]) / name)
            return redirect(url_for("uploaded", name=name))
        return render_template("upload.html", form=form)

    @app.get("/uploaded/<name>")
    def uploaded(name: str) -> str:
        return f"Saved {escape(name)}."

    return app


class PhotoForm(KolbaForm):
    caption = StringField("Caption")
    photo = FileField(
        "Photo",
        [
            FileRequired("Choose a photo."),
            FileAllowed(["jpg", "jpeg", "png"], "JPEG or PNG images only."),
            FileSize(max_size=2 * 1024 * 1024, message="At most 2 MB."),
        ],
    )
