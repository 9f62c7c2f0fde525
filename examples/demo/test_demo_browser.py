"""The demo end to end in headless Chromium, served over real HTTP: a visitor registers,
confirms by the mailed link, logs in, uploads an avatar, posts, pages through posts and logs
out; a front end on another origin logs in to the JSON API with a token and calls it.

The tests read what the pages show. A screenshot of each page goes to the folder named by
DEMO_TEST_OUTPUT (git-ignored `test-output/` is a good choice), else to pytest's tmp folder.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from kolba import Kolba, send_from_directory
from kolba.pytest_plugin import free_port, service_unavailable

HERE = Path(__file__).resolve().parent
PASSWORD = "correct horse battery"


class Served:
    """Serve a WSGI app on 127.0.0.1 at a port, from a thread, until `stop`."""

    def __init__(self, app: Any, port: int = 0) -> None:
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def _png() -> bytes:
    """A real 8x8 PNG, so the avatar set's content check accepts it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x2b\x5d\x8a" * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("DEMO_TEST_OUTPUT")
    path = Path(folder) if folder else tmp_path_factory.mktemp("demo-screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium is None or driver_path is None:
        service_unavailable(
            "the browser tests need Debian's chromium and chromium-driver;"
            " install the packages in examples/demo/apt.txt"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=420,900",
        # localhost is the front end's origin; only its address is pinned, not the origin.
        "--host-resolver-rules=MAP localhost 127.0.0.1",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def site(demo: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The demo app and the separate front end, each served on its own port."""
    front_port = free_port()
    front = Kolba("demo_front_end")

    @front.get("/")
    def front_page() -> Any:
        return send_from_directory(HERE / "frontend", "index.html")

    front_server = Served(front, front_port)
    folder = tmp_path_factory.mktemp("demo-site")
    app = demo.create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'demo.db'}",
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "MAIL_TRANSPORT": "memory",
            "DEMO_FRONTEND_ORIGINS": [f"http://localhost:{front_port}"],
        }
    )
    server = Served(app)
    yield {
        "app": app,
        "url": f"http://127.0.0.1:{server.port}",
        "front": f"http://localhost:{front_port}",
        "folder": folder,
    }
    server.stop()
    front_server.stop()


def _wait_for_text(browser: Any, css: str, text: str) -> str:
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def shown(driver: Any) -> str | bool:
        found = driver.find_elements(By.CSS_SELECTOR, css)
        try:
            content = " ".join(element.text for element in found)
        except WebDriverException as e:
            # chromedriver's word for a stale element found just before a navigation
            # replaced the document; any other error is a real one.
            if "does not belong to the document" not in str(e):
                raise
            return False
        return content if text in content else False

    # An element read while the page is being replaced goes stale: read the new page instead.
    wait = WebDriverWait(browser, 15, ignored_exceptions=(StaleElementReferenceException,))
    result: str = wait.until(shown)
    return result


def _fill(browser: Any, **fields: str) -> None:
    from selenium.webdriver.common.by import By

    for name, value in fields.items():
        element = browser.find_element(By.NAME, name)
        element.clear()
        element.send_keys(value)


def _click(browser: Any, element_id: str) -> None:
    from selenium.webdriver.common.by import By

    browser.find_element(By.ID, element_id).click()


def _register_and_confirm(browser: Any, site: dict[str, Any], shots: Path, email: str) -> None:
    browser.get(site["url"] + "/register")
    _fill(browser, name="Ann", email="not-an-address", password="short", confirm="other")
    _click(browser, "register")
    errors = _wait_for_text(browser, ".errors", "Invalid email address")
    assert "at least 8 characters" in errors and "Passwords must match." in errors
    browser.save_screenshot(str(shots / "register-errors.png"))

    _fill(browser, email=email, password=PASSWORD, confirm=PASSWORD)
    _click(browser, "register")
    _wait_for_text(browser, ".flash", "Welcome, Ann!")
    browser.save_screenshot(str(shots / "login-after-register.png"))

    outbox = site["app"].extensions["mail"].outbox
    mailed = [m for m in outbox if email in m.recipients][-1].parsed().get_content()
    link = re.search(r"http://\S+/confirm/\S+", mailed)
    assert link is not None, mailed
    browser.get(link.group(0))
    _wait_for_text(browser, ".flash", "Your address is confirmed.")


def test_a_visitor_registers_confirms_logs_in_uploads_posts_pages_and_logs_out(
    browser: Any, site: dict[str, Any], output: Path
) -> None:
    from selenium.webdriver.common.by import By

    browser.get(site["url"] + "/")
    _wait_for_text(browser, "#no-posts", "No posts yet.")
    browser.save_screenshot(str(output / "home-empty.png"))

    _register_and_confirm(browser, site, output, "ann@example.com")

    _fill(browser, email="ann@example.com", password="wrong password")
    _click(browser, "login")
    _wait_for_text(browser, ".errors", "Wrong e-mail or password.")
    _fill(browser, email="ann@example.com", password=PASSWORD)
    _click(browser, "login")
    _wait_for_text(browser, ".flash", "Hello, Ann.")

    _click(browser, "profile-link")
    _wait_for_text(browser, "#no-avatar", "No avatar yet.")
    picture = site["folder"] / "me.png"
    picture.write_bytes(_png())
    browser.find_element(By.NAME, "avatar").send_keys(str(picture))
    _click(browser, "upload")
    _wait_for_text(browser, ".flash", "Avatar updated.")
    avatar = browser.find_element(By.ID, "avatar")
    # The image was fetched from the upload view and decoded by the browser.
    assert browser.execute_script("return arguments[0].naturalWidth", avatar) == 8
    browser.save_screenshot(str(output / "profile.png"))

    browser.get(site["url"] + "/")
    for number in range(1, 8):
        _fill(browser, body=f"Post number {number}")
        _click(browser, "post")
        # The newest post heads the new page; the previous page showed "Posted." already.
        _wait_for_text(browser, ".post:first-of-type .body", f"Post number {number}")
    first_page = _wait_for_text(browser, ".post .body", "Post number 7")
    assert "Post number 2" not in first_page
    assert _wait_for_text(browser, "#page-number", "Page 1 of 2")
    browser.save_screenshot(str(output / "home-posts.png"))

    _click(browser, "older")
    second_page = _wait_for_text(browser, ".post .body", "Post number 1")
    assert "Post number 7" not in second_page
    _wait_for_text(browser, "#page-number", "Page 2 of 2")
    browser.save_screenshot(str(output / "home-page-2.png"))

    _click(browser, "logout")
    _wait_for_text(browser, ".flash", "You are logged out.")
    assert browser.find_elements(By.ID, "logout") == []
    browser.get(site["url"] + "/profile")
    _wait_for_text(browser, ".flash", "Log in first.")


def test_a_front_end_on_another_origin_logs_in_with_a_token_and_calls_the_api(
    browser: Any, site: dict[str, Any], output: Path
) -> None:
    _register_and_confirm(browser, site, output, "bo@example.com")
    browser.get(f"{site['front']}/?api={site['url']}")
    from selenium.webdriver.common.by import By

    browser.find_element(By.ID, "email").send_keys("bo@example.com")
    browser.find_element(By.ID, "password").send_keys("not the password")
    _click(browser, "login")
    _wait_for_text(browser, "#status", "Refused: Wrong e-mail or password")

    browser.find_element(By.ID, "password").clear()
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    _click(browser, "login")
    _wait_for_text(browser, "#status", "Logged in with a token.")
    _wait_for_text(browser, "#me", '"email":"bo@example.com"')
    browser.save_screenshot(str(output / "front-end.png"))

    _click(browser, "refresh")
    _wait_for_text(browser, "#status", "Token refreshed.")
    _wait_for_text(browser, "#me", "200 ")
    _click(browser, "revoke")
    _wait_for_text(browser, "#status", "Token revoked.")
    # The revoked token no longer opens the API.
    _wait_for_text(browser, "#me", "401 ")
