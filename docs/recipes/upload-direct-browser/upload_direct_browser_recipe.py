"""Direct upload from the browser to S3 with a presigned POST: the file never passes
through the app, which grants the upload and then records it."""

from kolba import Kolba, render_template_string, request
from kolba_upload import IMAGES, UploadSet, configure_uploads, upload_completed

photos = UploadSet("photos", IMAGES, max_size=20 * 1024 * 1024, check_content=True)

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Upload a photo</title></head><body>
<input type="file" id="photo" accept="image/*"> <button id="send">Upload</button>
<p id="status"></p>
<script>
document.getElementById("send").onclick = async () => {
  const file = document.getElementById("photo").files[0];
  const status = document.getElementById("status");
  // 1. Ask the app for a grant: where to send the file, and a ticket for step 3.
  const grant = await (await fetch("{{ url_for('grant') }}", {
    method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({filename: file.name})})).json();
  // 2. Send the file straight to the bucket: the policy fields first, the file last.
  const form = new FormData();
  for (const [name, value] of Object.entries(grant.fields)) form.append(name, value);
  form.append("file", file);
  await fetch(grant.url, {method: "POST", body: form, mode: "no-cors"});
  // 3. Tell the app; it checks the stored file against the set before recording it.
  const done = await fetch(grant.complete_url, {
    method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({ticket: grant.ticket})});
  status.textContent = done.ok ? "uploaded " + (await done.json()).key : "refused";
};
</script></body></html>"""


def create_app(config=None):
    app = Kolba(__name__)
    app.config.update(SECRET_KEY="change me", UPLOAD_BACKEND="s3", UPLOAD_S3_BUCKET="photos")
    app.config.update(config or {})
    configure_uploads(app, photos)
    app.extensions["recorded_photos"] = recorded = []

    @upload_completed.connect_via(app)
    def record(sender, upload_set, stored):
        # A real app inserts a row here: owner, key, size.
        recorded.append({"set": upload_set, "key": stored.key, "size": stored.size})

    @app.get("/")
    def page():
        return render_template_string(PAGE)

    @app.post("/photos/grant")
    def grant():
        return photos.direct_upload(request.json["filename"])

    return app
