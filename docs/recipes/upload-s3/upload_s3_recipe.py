"""Uploads stored on S3 (or any S3-compatible server), chosen by config alone."""

from kolba import Kolba, redirect, request
from kolba_upload import DOCUMENTS, UploadSet, configure_uploads

reports = UploadSet("reports", DOCUMENTS + ("pdf",), max_size=50 * 1024 * 1024)


def create_app(config=None):
    app = Kolba(__name__)
    app.config.update(
        UPLOAD_BACKEND="s3",
        UPLOAD_S3_BUCKET="acme-uploads",
        UPLOAD_S3_REGION="eu-central-1",
        UPLOAD_S3_KEY_PREFIX="prod/",
        # Credentials come from boto3's chain (environment, profile, instance role) unless
        # UPLOAD_S3_ACCESS_KEY_ID and UPLOAD_S3_SECRET_ACCESS_KEY are set.
    )
    app.config.update(config or {})
    configure_uploads(app, reports)

    @app.post("/reports")
    def add_report():
        stored = reports.save(request.files["file"], folder=request.form.get("team"))
        return stored.to_dict(), 201

    @app.get("/reports/<path:key>")
    def get_report(key):
        # A signed link valid for five minutes; the bucket itself stays private.
        return redirect(reports.url(key, expires=300))

    @app.delete("/reports/<path:key>")
    def delete_report(key):
        reports.delete(key)
        return "", 204

    return app
