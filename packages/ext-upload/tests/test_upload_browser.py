"""End to end in headless Chromium driven by selenium: a person picks a file in seed 002's
upload form and submits it; and a page uploads a file straight to S3 (moto_server) with a
presigned POST, then tells the app, which records it."""

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from kolba import Kolba, render_template_string, request
from kolba.pytest_plugin import service_unavailable
from kolba_upload import IMAGES, TEXT, Uploads, UploadSet, upload_completed

FORM = """<!doctype html><html><head><meta charset="utf-8"><title>upload</title></head><body>
<form action="/uploader" method="POST" enctype="multipart/form-data">
  <input type="file" name="file"/>
  <input type="submit" value="提交" />
</form></body></html>"""

DIRECT = """<!doctype html><html><head><meta charset="utf-8"><title>direct</title></head><body>
<input type="file" id="file"/><button id="send">send</button><pre id="status">idle</pre>
<script>
document.getElementById("send").onclick = async () => {
  const out = document.getElementById("status");
  try {
    const file = document.getElementById("file").files[0];
    const grant = await (await fetch("/grant", {method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({filename: file.name})})).json();
    const form = new FormData();
    for (const [k, v] of Object.entries(grant.fields)) form.append(k, v);
    form.append("file", file);
    // The bucket is another origin; the app checks the result itself on completion.
    await fetch(grant.url, {method: "POST", body: form, mode: "no-cors"});
    const done = await fetch(grant.complete_url, {method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({ticket: grant.ticket})});
    out.textContent = "done " + done.status + " " + (await done.text());
  } catch (e) {
    out.textContent = "error " + e;
  }
};
</script></body></html>"""


def find_browser():
    """chromium and its driver; missing, the test fails under CI and is skipped elsewhere."""
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium is None or driver is None:
        service_unavailable("chromium or chromedriver is missing; install tests/apt.txt")
    return chromium, driver


@pytest.fixture(scope="module")
def browser():
    chromium, driver_path = find_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


class Served:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def test_file_chosen_in_the_form_is_saved(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    notes = UploadSet("notes", TEXT)
    app = Kolba("browser_form")
    app.config.update(UPLOAD_FOLDER=str(tmp_path / "upload"), MAX_CONTENT_LENGTH=1024 * 1024)
    Uploads(app, notes)

    @app.route("/uploader", methods=["GET", "POST"])
    def uploader():
        if request.method == "POST":
            notes.save(request.files["file"])
            return "file uploaded successfully"
        return render_template_string(FORM)

    picked = tmp_path / "会议 记录.txt"
    picked.write_text("第一条\n")
    with Served(app) as served:
        browser.get(served.url + "/uploader")
        browser.find_element(By.NAME, "file").send_keys(str(picked))
        browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
        # The click starts a navigation: wait for the answer page rather than racing it.
        WebDriverWait(browser, 20).until(
            lambda driver: "file uploaded successfully" in driver.page_source
        )
    assert (tmp_path / "upload" / "notes" / "会议_记录.txt").read_text() == "第一条\n"


def test_file_goes_straight_to_s3_with_a_presigned_post(browser, moto_s3, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    photos = UploadSet("photos", IMAGES, max_size=1024 * 1024)
    app = Kolba("browser_direct")
    app.config.update(SECRET_KEY="browser-test", **moto_s3.config("browser-direct"))
    Uploads(app, photos)

    @app.get("/")
    def page():
        return DIRECT

    @app.post("/grant")
    def grant():
        return photos.direct_upload(request.json["filename"])

    recorded = []

    def receiver(sender, upload_set, stored):
        recorded.append(stored.key)

    picked = tmp_path / "face.png"
    picked.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 256)
    with upload_completed.connected_to(receiver), Served(app) as served:
        browser.get(served.url + "/")
        browser.find_element(By.ID, "file").send_keys(str(picked))
        browser.find_element(By.ID, "send").click()
        status = browser.find_element(By.ID, "status")
        WebDriverWait(browser, 20).until(lambda _: status.text != "idle")
        text = status.text
    assert text.startswith("done 201"), text
    assert len(recorded) == 1 and recorded[0].endswith("/face.png")
    body = moto_s3.client().get_object(Bucket="browser-direct", Key=f"photos/{recorded[0]}")
    assert body["Body"].read() == picked.read_bytes()


def test_missing_browser_fails_under_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="tests/apt.txt"):
        find_browser()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="tests/apt.txt"):
        find_browser()
