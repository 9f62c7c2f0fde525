"""Upload sets on local disk through the app and its test client: allowed extensions, size
limits while streaming, magic bytes, collisions, serving, and the Flask-Reuploaded names."""

import io
import os

import pytest
from conftest import upload

from kolba import request
from kolba.pytest_plugin import make_app
from kolba_upload import (
    ALL,
    IMAGES,
    TEXT,
    AllExcept,
    StoredObject,
    UploadNotAllowed,
    Uploads,
    UploadSet,
    configure_uploads,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
avatars = UploadSet("avatars", IMAGES, max_size=1024, check_content=True)
notes = UploadSet("notes", TEXT, on_conflict="error")
anything = UploadSet("anything", ALL, on_conflict="overwrite")


@pytest.fixture
def app(tmp_path):
    app = make_app("local_uploads", UPLOAD_FOLDER=str(tmp_path / "up"))
    uploads = Uploads(app, avatars, notes, anything)

    @app.post("/upload/<setname>")
    def upload_view(setname):
        sets = {"avatars": avatars, "notes": notes, "anything": anything}
        target = sets.get(setname)
        f = request.files["file"]
        stored = target.save(f, folder=request.form.get("folder")) if target else uploads.save(f)
        return stored.to_dict(), 201

    return app


def post(client, setname, data, filename, **form):
    return client.post(f"/upload/{setname}", data={"file": (io.BytesIO(data), filename), **form})


def test_save_returns_the_stored_object(app, tmp_path):
    response = post(app.test_client(), "avatars", PNG, "me.png")
    assert response.status_code == 201
    body = response.get_json()
    assert body["key"] == "me.png"
    assert body["size"] == len(PNG)
    assert body["content_type"] == "image/png"
    assert body["url"] == "/_uploads/avatars/me.png"
    assert (tmp_path / "up" / "avatars" / "me.png").read_bytes() == PNG


def test_default_set_stores_in_upload_folder_itself(app, tmp_path):
    response = post(app.test_client(), "files", b"hello", "hello.txt")
    assert response.status_code == 201
    assert (tmp_path / "up" / "hello.txt").read_bytes() == b"hello"


def test_sha256_is_of_the_stored_bytes(app):
    import hashlib

    body = post(app.test_client(), "avatars", PNG, "a.png").get_json()
    assert body["sha256"] == hashlib.sha256(PNG).hexdigest()


def test_extension_not_in_the_set_gives_400(app):
    response = post(app.test_client(), "avatars", b"<?php", "shell.php")
    assert response.status_code == 400
    assert "Files with the extension .php may not be uploaded" in response.text


def test_traversal_in_the_file_name_stays_inside_the_set(app, tmp_path):
    response = post(app.test_client(), "notes", b"x", "../../../evil.txt")
    assert response.status_code == 201
    assert response.get_json()["key"] == "evil.txt"
    assert not (tmp_path / "evil.txt").exists()
    assert (tmp_path / "up" / "notes" / "evil.txt").exists()


def test_traversal_in_the_folder_gives_400(app, tmp_path):
    response = post(app.test_client(), "notes", b"x", "a.txt", folder="../../outside")
    assert response.status_code == 400
    assert not (tmp_path / "outside").exists()


def test_name_sanitising_to_nothing_gives_400(app):
    response = post(app.test_client(), "anything", b"x", "../..")
    assert response.status_code == 400
    assert "no usable characters" in response.text


def test_file_over_the_set_limit_gives_413_and_leaves_nothing(app, tmp_path):
    big = b"\x89PNG\r\n\x1a\n" + b"\x00" * 4096
    response = post(app.test_client(), "avatars", big, "big.png")
    assert response.status_code == 413
    folder = tmp_path / "up" / "avatars"
    assert not folder.exists() or os.listdir(folder) == []


def test_max_content_length_gives_413_for_the_whole_request(app):
    app.config["MAX_CONTENT_LENGTH"] = 100
    response = post(app.test_client(), "anything", b"x" * 1000, "big.bin")
    assert response.status_code == 413


def test_content_not_matching_the_extension_gives_400(app):
    response = post(app.test_client(), "avatars", b"<html><script>", "fake.png")
    assert response.status_code == 400
    assert "does not match its extension .png" in response.text


def test_collision_gets_a_unique_name_when_asked(app, tmp_path):
    client = app.test_client()
    first = post(client, "avatars", PNG, "me.png").get_json()
    second = post(client, "avatars", PNG + b"2", "me.png").get_json()
    assert (first["key"], second["key"]) == ("me.png", "me_1.png")
    assert (tmp_path / "up" / "avatars" / "me.png").read_bytes() == PNG


def test_collision_gives_409_when_the_set_says_error(app):
    client = app.test_client()
    assert post(client, "notes", b"one", "n.txt").status_code == 201
    response = post(client, "notes", b"two", "n.txt")
    assert response.status_code == 409


def test_collision_overwrites_when_the_set_says_overwrite(app, tmp_path):
    client = app.test_client()
    post(client, "anything", b"one", "n.bin")
    assert post(client, "anything", b"two", "n.bin").get_json()["key"] == "n.bin"
    assert (tmp_path / "up" / "anything" / "n.bin").read_bytes() == b"two"


def test_stored_files_are_served_under_the_url(app):
    client = app.test_client()
    url = post(client, "avatars", PNG, "face.png").get_json()["url"]
    response = client.get(url)
    assert response.status_code == 200
    assert response.data == PNG
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_html_is_served_as_a_download_never_inline(app):
    client = app.test_client()
    url = post(client, "anything", b"<script>alert(1)</script>", "page.html").get_json()["url"]
    response = client.get(url)
    assert response.headers["Content-Disposition"].startswith("attachment")


def test_serving_refuses_traversal(app, tmp_path):
    (tmp_path / "secret.txt").write_text("secret")
    client = app.test_client()
    for url in ("/_uploads/notes/../../secret.txt", "/_uploads/notes/..%2f..%2fsecret.txt"):
        assert client.get(url).status_code in (400, 404)


def test_open_exists_delete_and_path(app):
    with app.test_request_context():
        stored = notes.save(upload(b"body", "n.txt"))
        assert notes.exists(stored)
        with notes.open(stored) as f:
            assert f.read() == b"body"
        assert notes.path(stored).endswith(os.path.join("notes", "n.txt"))
        notes.delete(stored)
        assert not notes.exists(stored)


def test_save_result_is_the_key_for_reuploaded_code(app):
    with app.test_request_context():
        filename = avatars.save(upload(PNG, "p.png"))
        assert isinstance(filename, StoredObject)
        assert filename == "p.png"
        assert avatars.url(filename) == "/_uploads/avatars/p.png"


def test_name_ending_in_a_dot_gets_the_upload_extension(app):
    with app.test_request_context():
        assert avatars.save(upload(PNG, "whatever.PNG"), name="user_7.") == "user_7.png"


def test_configure_uploads_and_upload_not_allowed(tmp_path):
    photos = UploadSet("photos", IMAGES)
    app = make_app("reuploaded_port", UPLOADED_PHOTOS_DEST=str(tmp_path / "photos"))
    configure_uploads(app, photos)
    with app.test_request_context():
        with pytest.raises(UploadNotAllowed):
            photos.save(upload(b"x", "x.exe"))
        assert photos.file_allowed(None, "a.JPG")
        name = photos.save(upload(PNG, "x.png"))
    assert (tmp_path / "photos" / name).exists()


def test_uploaded_allow_and_deny_config_change_the_set(tmp_path):
    docs = UploadSet("docs", AllExcept(["exe"]))
    app = make_app("allow_deny", UPLOAD_FOLDER=str(tmp_path), UPLOADED_DOCS_DENY=["pdf"])
    configure_uploads(app, [docs])
    with app.test_request_context():
        assert docs.extension_allowed("txt")
        assert not docs.extension_allowed("exe")
        assert not docs.extension_allowed("pdf")


def test_upload_sets_config_overrides_the_set(tmp_path):
    app = make_app(
        "set_options",
        UPLOAD_FOLDER=str(tmp_path),
        UPLOAD_SETS={"notes": {"folder": str(tmp_path / "elsewhere"), "max_size": 2}},
    )
    Uploads(app, notes)
    with app.test_request_context():
        with pytest.raises(Exception) as info:
            notes.save(upload(b"too long", "n.txt"))
        assert info.value.code == 413
        notes.save(upload(b"ok", "n.txt"))
    assert (tmp_path / "elsewhere" / "n.txt").read_bytes() == b"ok"


def test_a_set_not_configured_on_the_app_is_a_clear_error(app):
    other = UploadSet("other")
    with app.test_request_context(), pytest.raises(LookupError, match="configure_uploads"):
        other.save(upload(b"x", "x.txt"))


def test_unknown_backend_names_the_config_key(tmp_path):
    import kolba

    app = make_app("bad_backend", UPLOAD_FOLDER=str(tmp_path), UPLOAD_BACKEND="ftp")
    Uploads(app)
    with pytest.raises(kolba.ConfigError, match="UPLOAD_BACKEND.*ftp"):
        app.test_client().get("/")


def test_uploaded_allow_adds_to_an_all_except_set(tmp_path):
    scripts_too = UploadSet("scripts_too", AllExcept(["exe", "sh"]))
    app = make_app("allow_extra", UPLOAD_FOLDER=str(tmp_path), UPLOADED_SCRIPTS_TOO_ALLOW=["sh"])
    configure_uploads(app, scripts_too)
    with app.test_request_context():
        assert scripts_too.extension_allowed("sh")
        assert not scripts_too.extension_allowed("exe")


def test_uploaded_url_config_points_urls_at_another_server(tmp_path):
    pics = UploadSet("pics", IMAGES)
    app = make_app(
        "reuploaded_url", UPLOAD_FOLDER=str(tmp_path), UPLOADED_PICS_URL="https://cdn.example/p/"
    )
    configure_uploads(app, pics)
    with app.test_request_context():
        stored = pics.save(upload(PNG, "我.png"))
    assert stored.url == "https://cdn.example/p/%E6%88%91.png"
