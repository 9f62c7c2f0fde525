"""Tests for the direct upload recipe: headless Chromium, driven by selenium, uploads a photo
to a moto_server S3 started by kolba-upload's test kit."""

import shutil
import threading

import pytest
from upload_direct_browser_recipe import create_app
from werkzeug.serving import make_server

from kolba.pytest_plugin import service_unavailable
from kolba_upload.testing import moto_s3

__all__ = ["moto_s3"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 128


@pytest.fixture
def app(moto_s3):
    config = moto_s3.config("photos")
    config["UPLOAD_S3_BUCKET"] = "photos"
    return create_app(config)


@pytest.fixture
def browser():
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium is None or driver_path is None:
        service_unavailable("chromium and chromium-driver are needed (Debian packages)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    yield driver
    driver.quit()


@pytest.fixture
def served(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_browser_uploads_straight_to_the_bucket(app, browser, served, moto_s3, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    photo = tmp_path / "holiday.png"
    photo.write_bytes(PNG)
    browser.get(served + "/")
    browser.find_element(By.ID, "photo").send_keys(str(photo))
    browser.find_element(By.ID, "send").click()
    status = browser.find_element(By.ID, "status")
    WebDriverWait(browser, 20).until(lambda _: status.text)
    assert status.text.startswith("uploaded "), status.text
    [recorded] = app.extensions["recorded_photos"]
    assert recorded["key"].endswith("/holiday.png")
    stored = moto_s3.client().get_object(Bucket="photos", Key=f"photos/{recorded['key']}")
    assert stored["Body"].read() == PNG


def test_grant_is_a_presigned_post_with_the_set_limit(app):
    grant = app.test_client().post("/photos/grant", json={"filename": "../x.PNG"}).get_json()
    assert grant["method"] == "POST"
    assert grant["key"].endswith("/x.png")
    assert {"key", "policy", "x-amz-signature"} <= set(grant["fields"])


def test_a_forged_ticket_records_nothing(app):
    response = app.test_client().post("/_uploads/photos/complete", json={"ticket": "x"})
    assert response.status_code == 400
    assert app.extensions["recorded_photos"] == []
