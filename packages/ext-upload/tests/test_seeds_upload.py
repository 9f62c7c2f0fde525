"""The seed tutorials' upload code, imports renamed, running on kolba with kolba-upload:
seed 000's local upload and its Qiniu upload, and seed 002's upload form."""

import io
import os

import pytest
import qiniu
from qiniu import Auth, etag, put_file

from kolba import Kolba, jsonify, render_template_string, request
from kolba_upload import secure_filename

UPLOAD_HTML = """<form action="http://localhost:5000/uploader" method="POST"
 enctype="multipart/form-data">
	<input type="file" name="file"/>
	<input type="submit" value="提交" />
</form>"""


def test_seed000_local_upload_saves_under_upload_folder(tmp_path):
    app = Kolba(__name__)
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "upload")

    def response(code, message, data=None):
        return jsonify({"code": code, "message": message, "data": data})

    @app.route("/upload", methods=["POST"])
    def update():
        try:
            file = request.files["file"]
        except Exception:
            return response(400, "请先上传文件")
        isDir = os.path.exists(app.config["UPLOAD_FOLDER"])
        if not isDir:
            os.mkdir(app.config["UPLOAD_FOLDER"])
        FileName = secure_filename(file.filename)
        file.save(os.path.join(app.config["UPLOAD_FOLDER"], FileName))
        return response(200, "上传文件成功", {"url": request.host_url + "123.jpg"})

    client = app.test_client()
    sent = client.post("/upload", data={"file": (io.BytesIO(b"jpeg"), "../../头像.JPG")})
    assert sent.get_json()["message"] == "上传文件成功"
    assert (tmp_path / "upload" / "头像.jpg").read_bytes() == b"jpeg"
    assert client.post("/upload", data={}).get_json()["code"] == 400


# The seed calls put_file, which the SDK now marks deprecated.
@pytest.mark.filterwarnings("ignore:DEPRECATED")
def test_seed000_qiniu_upload_with_an_upload_token(qiniu_stand_in, tmp_path):
    AK = qiniu_stand_in.access_key
    SK = qiniu_stand_in.secret_key
    q = Auth(AK, SK)
    BucketName = qiniu_stand_in.bucket
    # The one change to the seed: the SDK is pointed at the stand-in instead of Qiniu.
    regions = [qiniu.Region(up_host=qiniu_stand_in.url.split("//")[1], scheme="http")]
    (tmp_path / "image").mkdir()
    (tmp_path / "image" / "avatar1.jpg").write_bytes(b"\xff\xd8\xff\xe0 avatar")
    app = Kolba(__name__)

    @app.route("/upload", methods=["POST"])
    def index():
        try:
            key = "avatar.jpg"
            token = q.upload_token(BucketName, key, 3600)
            localfile = str(tmp_path / "image" / "avatar1.jpg")
            ret, info = put_file(token, key, localfile, version="v2", regions=regions)
            assert ret["key"] == key
            assert ret["hash"] == etag(localfile)
        except Exception as e:
            return str(e)
        return "上传成功!"

    assert app.test_client().post("/upload").text == "上传成功!"
    assert qiniu_stand_in.objects["avatar.jpg"][0] == b"\xff\xd8\xff\xe0 avatar"


def test_seed002_uploader_form_and_save(tmp_path):
    app = Kolba(__name__)
    app.config["UPLOAD_FOLDER"] = str(tmp_path) + "/"

    @app.route("/uploader", methods=["GET", "POST"])
    def uploader():
        if request.method == "POST":
            f = request.files["file"]
            f.save(os.path.join(app.config["UPLOAD_FOLDER"], secure_filename(f.filename)))
            return "file uploaded successfully"
        else:
            return render_template_string(UPLOAD_HTML)

    client = app.test_client()
    assert 'enctype="multipart/form-data"' in client.get("/uploader").text
    sent = client.post("/uploader", data={"file": (io.BytesIO(b"hi"), "../我的 文件.txt")})
    assert sent.text == "file uploaded successfully"
    assert (tmp_path / "我的_文件.txt").read_bytes() == b"hi"
