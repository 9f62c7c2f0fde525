"""Uploads stored on Qiniu object storage: seed 000's remote upload on kolba-upload."""

from kolba import Kolba, request
from kolba_upload import IMAGES, UploadSet, configure_uploads

avatars = UploadSet("avatars", IMAGES, max_size=5 * 1024 * 1024)


def create_app(config=None):
    app = Kolba(__name__)
    app.config.update(
        UPLOAD_BACKEND="qiniu",
        UPLOAD_QINIU_ACCESS_KEY="your-access-key",
        UPLOAD_QINIU_SECRET_KEY="your-secret-key",
        UPLOAD_QINIU_BUCKET="liuyuyang1024",
        UPLOAD_QINIU_DOMAIN="https://cdn.example.com",
    )
    app.config.update(config or {})
    configure_uploads(app, avatars)

    @app.post("/upload")
    def upload():
        stored = avatars.save(request.files["file"], name="avatar.")
        return {"key": stored.key, "url": stored.url}, 201

    @app.get("/upload-token")
    def upload_token():
        # For a client (an app, a mini program) that uploads to Qiniu itself, as in seed 000.
        return {"key": "avatar.jpg", "token": avatars.upload_token("avatar.jpg", 3600)}

    return app
