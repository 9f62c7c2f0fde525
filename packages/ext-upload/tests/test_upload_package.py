"""The package itself: version, typing marker, entry point, ``kolba plugins`` listing, the
README example, and an import that loads neither Flask nor the storage SDKs."""

import importlib.metadata
import importlib.resources
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import kolba_upload
from kolba.pytest_plugin import make_app, service_unavailable


def _installed():
    try:
        return importlib.metadata.distribution("kolba-upload")
    except importlib.metadata.PackageNotFoundError:
        service_unavailable("kolba-upload is not installed; run nox -s 'tests(ext-upload)'")


def test_version_is_0_1_0():
    assert kolba_upload.__version__ == "0.1.0"
    assert _installed().version == "0.1.0"


def test_package_is_typed():
    assert importlib.resources.files("kolba_upload").joinpath("py.typed").is_file()


def test_import_loads_neither_flask_nor_boto3_nor_qiniu():
    code = (
        "import sys, kolba_upload; print(sorted(m for m in sys.modules"
        " if m.split('.')[0] in ('flask', 'boto3', 'botocore', 'qiniu')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    assert out.stdout.strip() == "[]"


def test_entry_point_names_the_extension():
    _installed()
    from kolba.plugins import installed_extensions

    found = {ext.name: ext for ext in installed_extensions()}
    assert found["upload"].target == "kolba_upload:Uploads"


def test_kolba_plugins_lists_it_enabled(tmp_path):
    _installed()
    (tmp_path / "upapp.py").write_text(
        "from kolba import Kolba\nfrom kolba_upload import Uploads\n"
        "app = Kolba(__name__)\nUploads(app)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from kolba.cli import main; main()",
            "--app",
            "upapp",
            "plugins",
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["upload"]["enabled"] is True
    assert rows["upload"]["distribution"] == "kolba-upload"
    assert "kolba_register_backends" in rows["upload"]["hooks"]


def test_kolba_extensions_config_enables_it_by_name(tmp_path):
    _installed()
    app = make_app("by_name", KOLBA_EXTENSIONS=["upload"], UPLOAD_FOLDER=str(tmp_path))
    app.test_client().get("/")
    assert "upload" in app.extensions


def test_third_party_backend_registers_through_the_hook(tmp_path):
    import kolba
    from kolba_upload import Uploads
    from kolba_upload.storage.local import LocalStorage

    made = []

    class MemoryPlugin:
        @kolba.hookimpl
        def kolba_register_backends(self, app, register):
            def factory(app, settings):
                made.append(settings.set_name)
                return LocalStorage(tmp_path / "mine", lambda key: f"/mine/{key}")

            register("storage", "mine", factory)

    app = make_app("third_party", UPLOAD_BACKEND="mine")
    app.plugins.register(MemoryPlugin())
    uploads = Uploads(app)
    with app.test_request_context():
        from werkzeug.datastructures import FileStorage

        stored = uploads.save(FileStorage(io.BytesIO(b"x"), filename="x.txt"))
    assert made == ["files"]
    assert stored.url == "/mine/x.txt"


def test_readme_example_runs(tmp_path, monkeypatch):
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    code = readme.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "readme_example"}
    exec(compile(code, "README.md", "exec"), namespace)
    app = namespace["app"]
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    response = app.test_client().post("/avatar", data={"file": (io.BytesIO(png), "我.png")})
    assert response.status_code == 201, response.text
    assert (tmp_path / "uploads" / "avatars" / "我.png").read_bytes() == png


def test_health_checks_probe_each_set(tmp_path):
    from kolba_upload import StorageUnavailable, Uploads, UploadSet
    from kolba_upload.testing import BrokenS3

    with BrokenS3(500) as broken:
        app = make_app("health", **broken.config())
        Uploads(app, UploadSet("docs"))
        checks = {
            c.name: c for found in app.plugins.hook.kolba_health_checks(app=app) for c in found
        }
        assert sorted(checks) == ["upload:docs", "upload:files"]
        with app.app_context(), pytest.raises(StorageUnavailable, match="S3 storage failed"):
            checks["upload:files"].check()
