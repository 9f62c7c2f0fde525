"""Avatar upload to local disk: seed 000's /upload view on kolba-upload."""

from kolba import Kolba, jsonify, request
from kolba_upload import IMAGES, UploadSet, configure_uploads

avatars = UploadSet("avatars", IMAGES, max_size=2 * 1024 * 1024, check_content=True)


def response(code, message, data=None):
    return jsonify({"code": code, "message": message, "data": data}), code


def create_app(upload_folder="uploads"):
    app = Kolba(__name__)
    app.config["UPLOAD_FOLDER"] = upload_folder
    app.config["MAX_CONTENT_LENGTH"] = 4 * 1024 * 1024
    configure_uploads(app, avatars)

    @app.post("/upload")
    def upload():
        file = request.files.get("file")
        if file is None or not file.filename:
            return response(400, "请先上传文件")
        # The folder is created on first use; the name is made safe, and a second
        # "avatar.jpg" becomes "avatar_1.jpg" instead of overwriting the first.
        stored = avatars.save(file)
        return response(200, "上传文件成功", {"url": request.host_url.rstrip("/") + stored.url})

    return app
