"""The ``Uploads`` extension: its config keys, the per-app state of every upload set, the
built-in backends registered through ``kolba_register_backends``, and the ``_uploads``
blueprint that serves local files and records finished direct uploads.
"""

from __future__ import annotations

import dataclasses
import mimetypes
import os
import threading
import typing as t
import urllib.parse
import uuid

import itsdangerous
from blinker import Namespace
from werkzeug.exceptions import BadRequest, Conflict, NotFound

import kolba
from kolba import (
    Blueprint,
    ConfigKey,
    current_app,
    has_request_context,
    request,
    send_file,
    url_for,
)

from . import names
from .content import HEAD_SIZE, check_content
from .errors import ObjectNotFound, UploadNotAllowed, UploadTooLarge
from .sets import All, AllExcept, StoredObject, UploadSet
from .storage.base import BackendSettings, Storage
from .storage.local import LocalStorage
from .stream import CountingReader

_signals = Namespace()
#: Sent with ``upload_set`` and ``stored`` (a :class:`StoredObject`) when the callback view
#: has checked a finished direct upload; connect a receiver to record it.
upload_completed = _signals.signal("upload-completed")

#: The name of the set ``Uploads.save`` and friends use.
DEFAULT_SET = "files"
MiB = 1024 * 1024


def _positive(value: t.Any) -> None:
    if value is not None and value <= 0:
        raise ValueError(f"must be a positive number, got {value!r}.")


def _part_size(value: int) -> None:
    if value < 5 * MiB:
        raise ValueError("S3 parts must be at least 5 MiB (5242880); raise the value.")


def _sets_option(value: dict[str, t.Any]) -> None:
    for name, options in value.items():
        if not isinstance(options, dict):
            raise ValueError(f"the entry for {name!r} must be a dict of options.")


CONFIG_KEYS = (
    ConfigKey("UPLOAD_FOLDER", (str, os.PathLike), None,
              "Folder of local storage, relative to the app's root_path; each named set uses a"
              " sub-folder named after it. 'uploads' when unset."),
    ConfigKey("UPLOAD_BACKEND", str, "local",
              "Storage backend of sets that name none: 'local', 's3', 'qiniu' or a registered"
              " third-party name."),
    ConfigKey("UPLOAD_SETS", dict, {},
              "Per-set options by set name: backend, folder, max_size, check_content,"
              " on_conflict, and backend options (bucket, key_prefix, domain ...).",
              check=_sets_option),
    ConfigKey("UPLOAD_MAX_SIZE", int, None,
              "Largest file in bytes for sets without their own max_size; larger ones get"
              " 413 while they stream. MAX_CONTENT_LENGTH still limits the whole request.",
              check=_positive),
    ConfigKey("UPLOAD_URL_PREFIX", str, "/_uploads",
              "URL prefix of the views serving local files and recording direct uploads."),
    ConfigKey("UPLOAD_SERVE", bool, True, "Serve locally stored files under UPLOAD_URL_PREFIX."),
    ConfigKey("UPLOAD_TIMEOUT", float, 10.0,
              "Seconds a storage call may take before it fails with 503.", check=_positive),
    ConfigKey("UPLOAD_URL_EXPIRES", int, 3600,
              "Seconds a signed download URL stays valid when url() is given no expires.",
              check=_positive),
    ConfigKey("UPLOAD_DIRECT_EXPIRES", int, 600,
              "Seconds a direct-upload grant (presigned POST, upload token) stays valid.",
              check=_positive),
    ConfigKey("UPLOAD_S3_BUCKET", str, None, "S3 bucket of sets stored on S3."),
    ConfigKey("UPLOAD_S3_REGION", str, None, "S3 region; boto3's own lookup when unset."),
    ConfigKey("UPLOAD_S3_ENDPOINT_URL", str, None,
              "Endpoint of an S3-compatible server (MinIO, moto ...); AWS when unset."),
    ConfigKey("UPLOAD_S3_KEY_PREFIX", str, "",
              "Prefix of every key the app stores, e.g. 'media/'; named sets add theirs."),
    ConfigKey("UPLOAD_S3_ACCESS_KEY_ID", str, None,
              "Access key id; boto3's credential chain (environment, profile, role) when"
              " unset.", secret=True),
    ConfigKey("UPLOAD_S3_SECRET_ACCESS_KEY", str, None, "Secret access key.", secret=True),
    ConfigKey("UPLOAD_S3_SESSION_TOKEN", str, None, "Session token of temporary credentials.",
              secret=True),
    ConfigKey("UPLOAD_S3_PUBLIC_URL", str, None,
              "Base URL of a public bucket or CDN; url() without expires then gives"
              " unsigned URLs under it."),
    ConfigKey("UPLOAD_S3_MULTIPART_THRESHOLD", int, 8 * MiB,
              "Files from this size on are sent as a multipart upload.", check=_positive),
    ConfigKey("UPLOAD_S3_PART_SIZE", int, 8 * MiB,
              "Size of each multipart part (at least 5 MiB).", check=_part_size),
    ConfigKey("UPLOAD_S3_MAX_ATTEMPTS", int, 2,
              "Attempts per S3 call, retries included.", check=_positive),
    ConfigKey("UPLOAD_S3_ADDRESSING_STYLE", str, "auto",
              "How the bucket goes into URLs.", choices=("auto", "path", "virtual")),
    ConfigKey("UPLOAD_QINIU_ACCESS_KEY", str, None, "Qiniu access key (AK).", secret=True),
    ConfigKey("UPLOAD_QINIU_SECRET_KEY", str, None, "Qiniu secret key (SK).", secret=True),
    ConfigKey("UPLOAD_QINIU_BUCKET", str, None, "Qiniu bucket of sets stored on Qiniu."),
    ConfigKey("UPLOAD_QINIU_DOMAIN", str, None,
              "The bucket's download domain, e.g. 'https://cdn.example.com'."),
    ConfigKey("UPLOAD_QINIU_PRIVATE", bool, False,
              "The bucket is private: url() gives signed, expiring download URLs."),
    ConfigKey("UPLOAD_QINIU_KEY_PREFIX", str, "",
              "Prefix of every key the app stores on Qiniu; named sets add theirs."),
    ConfigKey("UPLOAD_QINIU_UP_HOST", str, None,
              "Upload host (e.g. 'https://up-z0.qiniup.com'); found from the bucket when"
              " unset."),
    ConfigKey("UPLOAD_QINIU_RS_HOST", str, None,
              "Management host for stat and delete; the SDK's default when unset."),
)  # fmt: skip


@dataclasses.dataclass
class SetState:
    """One upload set as configured for one app, with its storage backend."""

    upload_set: UploadSet
    storage: Storage
    allowed: frozenset[str] | All | AllExcept
    also_allowed: frozenset[str]
    denied: frozenset[str]
    max_size: int | None
    check_content: bool
    on_conflict: str

    @property
    def name(self) -> str:
        return self.upload_set.name

    def extension_allowed(self, ext: str) -> bool:
        return ext not in self.denied and (ext in self.also_allowed or ext in self.allowed)

    def _checked_name(self, filename: str) -> str:
        safe = names.safe_name(filename)
        ext = names.extension(safe)
        if not self.extension_allowed(ext):
            kind = f"with the extension .{ext}" if ext else "without an extension"
            raise UploadNotAllowed(f"Files {kind} may not be uploaded to {self.name!r}.")
        return safe

    def _candidates(self, folder: str, basename: str) -> t.Iterator[str]:
        stem, dot, ext = basename.rpartition(".")
        if not dot:
            stem, ext = basename, ""
        yield f"{folder}/{basename}" if folder else basename
        for n in range(1, 10_000):
            name = names._fit(f"{stem}_{n}{dot}{ext}")
            yield f"{folder}/{name}" if folder else name

    def save(self, storage: t.Any, folder: str | None, name: str | None) -> StoredObject:
        original = getattr(storage, "filename", None) or ""
        if name is None:
            name = original
        elif name.endswith("."):
            name += names.extension(names.secure_filename(original))
        if not name:
            raise UploadNotAllowed("The upload has no file name; choose a file to upload.")
        basename = self._checked_name(name)
        sub = names.safe_folder(folder)
        stream = storage.stream if hasattr(storage, "stream") else storage
        start = stream.tell() if stream.seekable() else None
        content_type = mimetypes.guess_type(basename)[0] or "application/octet-stream"
        overwrite = self.on_conflict == "overwrite"
        for key in self._candidates(sub, basename):
            if not overwrite and self.storage.exists(key):
                if self.on_conflict == "error":
                    raise Conflict(f"A file named {key!r} exists in {self.name!r} already.")
                continue
            head = stream.read(HEAD_SIZE) if self.check_content else b""
            if self.check_content:
                check_content(head, names.extension(basename))
            reader = CountingReader(stream, self.max_size, head)
            try:
                self.storage.write(
                    key,
                    t.cast(t.BinaryIO, reader),
                    content_type=content_type,
                    overwrite=overwrite,
                )
            except FileExistsError:
                # Another upload took the name between the check and the write.
                if start is None or self.on_conflict == "error":
                    raise Conflict(f"A file named {key!r} exists in {self.name!r} already.")
                stream.seek(start)
                continue
            return StoredObject(
                key,
                size=reader.size,
                content_type=content_type,
                sha256=reader.sha256,
                url=self.storage.url(key),
                upload_set=self.name,
            )
        raise Conflict(f"No free name is left for {basename!r} in {self.name!r}.")

    def url(self, key: str, expires: int | None) -> str:
        return self.storage.url(names.check_key(key), expires)

    def path(self, filename: str, folder: str | None) -> str:
        sub = names.safe_folder(folder)
        return self.storage.path(names.check_key(f"{sub}/{filename}" if sub else filename))

    def open(self, key: str) -> t.BinaryIO:
        return self.storage.open(names.check_key(key))

    def delete(self, key: str) -> None:
        self.storage.delete(names.check_key(key))

    def exists(self, key: str) -> bool:
        return self.storage.exists(names.check_key(key))

    def _direct_key(self, filename: str) -> tuple[str, str]:
        basename = self._checked_name(filename)
        # A fresh folder per grant: two browsers uploading "photo.jpg" never collide.
        key = f"{uuid.uuid4().hex}/{basename}"
        return key, mimetypes.guess_type(basename)[0] or "application/octet-stream"

    def _grant(self, key: str, expires: int, **extra: t.Any) -> dict[str, t.Any]:
        state = uploads_state()
        ticket = state.signer.dumps({"set": self.name, "key": key})
        return {
            **extra,
            "key": key,
            "ticket": ticket,
            "expires": expires,
            "complete_url": url_for("_uploads.complete", setname=self.name),
        }

    def direct_upload(
        self, filename: str, *, expires: int | None, content_type: str | None
    ) -> dict[str, t.Any]:
        key, guessed = self._direct_key(filename)
        expires = expires or current_app.config["UPLOAD_DIRECT_EXPIRES"]
        target = self.storage.direct_upload(
            key, content_type=content_type or guessed, max_size=self.max_size, expires=expires
        )
        return self._grant(key, expires, **target)

    def presigned_put(
        self, filename: str, *, expires: int | None, content_type: str | None
    ) -> dict[str, t.Any]:
        presign = getattr(self.storage, "presigned_put", None)
        if presign is None:
            raise TypeError(f"The upload set {self.name!r} is not stored on S3.")
        key, guessed = self._direct_key(filename)
        expires = expires or current_app.config["UPLOAD_DIRECT_EXPIRES"]
        content_type = content_type or guessed
        url = presign(key, content_type=content_type, expires=expires)
        headers = {"Content-Type": content_type}
        return self._grant(key, expires, method="PUT", url=url, headers=headers)

    def upload_token(self, key: str, expires: int) -> str:
        token = getattr(self.storage, "upload_token", None)
        if token is None:
            raise TypeError(f"The upload set {self.name!r} is not stored on Qiniu.")
        key = names.check_key(key)
        self._checked_name(key.rsplit("/", 1)[-1])
        return str(token(key, expires, max_size=self.max_size))

    def complete(self, key: str) -> StoredObject:
        """Check a finished direct upload against the set's rules; refuse (and remove)
        what breaks them."""
        key = names.check_key(key)
        try:
            size = self.storage.size(key)
        except ObjectNotFound:
            raise BadRequest("Storage holds no file for this upload; upload it first.")
        if self.max_size is not None and size > self.max_size:
            self.storage.delete(key)
            raise UploadTooLarge(f"The file is larger than the {self.max_size} bytes allowed.")
        if self.check_content:
            with self.storage.open(key) as stream:
                head = stream.read(HEAD_SIZE)
            try:
                check_content(head, names.extension(key))
            except UploadNotAllowed:
                self.storage.delete(key)
                raise
        content_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
        # The file is not downloaded to hash it: that would pull every large direct upload
        # through the app after all. ``sha256`` is empty for direct uploads.
        return StoredObject(
            key,
            size=size,
            content_type=content_type,
            sha256="",
            url=self.storage.url(key),
            upload_set=self.name,
        )


@dataclasses.dataclass
class UploadsState:
    """What ``Uploads`` keeps for one app: its upload sets and, once built, their storage."""

    app: kolba.Kolba
    sets: dict[str, UploadSet]
    signer: itsdangerous.URLSafeTimedSerializer
    built: dict[str, SetState] = dataclasses.field(default_factory=dict)
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    def add(self, upload_set: UploadSet) -> None:
        known = self.sets.get(upload_set.name)
        # The app's own "files" set replaces the one every app gets by default.
        if known is not None and known is not upload_set and known is not _DEFAULT_FILES:
            raise ValueError(f"Another upload set named {upload_set.name!r} is configured.")
        self.sets[upload_set.name] = upload_set

    def get(self, name: str) -> SetState:
        """The set ``name`` for this app, building its storage the first time."""
        built = self.built.get(name)
        if built is not None:
            return built
        with self.lock:
            if name not in self.built:
                self.built[name] = self._build(name)
            return self.built[name]

    def _build(self, name: str) -> SetState:
        try:
            upload_set = self.sets[name]
        except KeyError:
            raise LookupError(
                f"No upload set named {name!r} is configured on app {self.app.name!r}; pass it"
                " to Uploads(app, ...) or configure_uploads(app, ...)."
            ) from None
        config = self.app.config
        options = dict(config["UPLOAD_SETS"].get(name, {}))
        # Flask-Reuploaded's per-set keys, for apps being ported.
        prefix = f"UPLOADED_{name.upper()}_"
        dest = config.get(prefix + "DEST")
        if dest is None and upload_set.default_dest is not None:
            dest = upload_set.default_dest(self.app)
        if dest is not None:
            options.setdefault("folder", dest)
        if config.get(prefix + "URL"):
            options.setdefault("base_url", config[prefix + "URL"])
        backend = options.pop("backend", None) or upload_set.backend or config["UPLOAD_BACKEND"]
        settings = BackendSettings(name, options, is_default=name == DEFAULT_SET)
        try:
            factory = self.app.get_backend("storage", backend)
        except LookupError as e:
            raise kolba.ConfigError("UPLOAD_BACKEND", f"{e} Install or register it.") from None
        allowed = upload_set.extensions
        if not isinstance(allowed, (All, AllExcept)):
            allowed = frozenset(allowed)
        max_size = options.get("max_size", upload_set.max_size)
        return SetState(
            upload_set=upload_set,
            storage=factory(self.app, settings),
            allowed=allowed,
            also_allowed=frozenset(config.get(prefix + "ALLOW", ())),
            denied=frozenset(config.get(prefix + "DENY", ())),
            max_size=max_size if max_size is not None else config["UPLOAD_MAX_SIZE"],
            check_content=options.get("check_content", upload_set.check_content),
            on_conflict=options.get("on_conflict", upload_set.on_conflict),
        )


def uploads_state(app: kolba.Kolba | None = None) -> UploadsState:
    """The ``Uploads`` state of ``app`` (the current app by default)."""
    if app is None:
        app = t.cast(t.Any, current_app)._get_current_object()
    try:
        return t.cast(UploadsState, app.extensions[Uploads.name])
    except KeyError:
        raise RuntimeError(
            f"kolba-upload is not initialised on app {app.name!r}. Call Uploads(app) or"
            " configure_uploads(app, sets) first."
        ) from None


def set_state(name: str, app: kolba.Kolba | None = None) -> SetState:
    """The upload set ``name`` as configured for ``app`` (the current app by default)."""
    return uploads_state(app).get(name)


def local_url(app: kolba.Kolba, set_name: str, key: str) -> str:
    """The URL of a locally stored file, served by the ``_uploads`` blueprint: built with
    ``url_for`` in a request, from ``UPLOAD_URL_PREFIX`` outside one."""
    if has_request_context():
        return url_for("_uploads.uploaded_file", setname=set_name, filename=key)
    prefix = app.config["UPLOAD_URL_PREFIX"].rstrip("/")
    return f"{prefix}/{set_name}/{urllib.parse.quote(key)}"


# Types a browser would run or render as a page are sent as downloads, never inline.
_INLINE = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "text/plain",
           "application/pdf", "audio/", "video/")  # fmt: skip


def _make_blueprint(prefix: str) -> Blueprint:
    bp = Blueprint("_uploads", __name__, url_prefix=prefix)

    @bp.get("/<setname>/<path:filename>")
    def uploaded_file(setname: str, filename: str) -> t.Any:
        state = uploads_state()
        if setname not in state.sets or not current_app.config["UPLOAD_SERVE"]:
            raise NotFound()
        set_ = state.get(setname)
        if not isinstance(set_.storage, LocalStorage):
            raise NotFound()
        path = set_.storage.path(names.check_key(filename))
        if not os.path.isfile(path):
            raise NotFound()
        mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
        inline = mimetype.startswith(_INLINE)
        response = send_file(path, mimetype=mimetype, as_attachment=not inline)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @bp.post("/<setname>/complete")
    def complete(setname: str) -> t.Any:
        state = uploads_state()
        data = request.get_json(silent=True) or request.form
        ticket = data.get("ticket") if hasattr(data, "get") else None
        if not isinstance(ticket, str):
            raise BadRequest("Send the 'ticket' the upload was granted with.")
        max_age = current_app.config["UPLOAD_DIRECT_EXPIRES"] * 2
        try:
            grant = state.signer.loads(ticket, max_age=max_age)
        except itsdangerous.BadData:
            raise BadRequest("The upload ticket is invalid or has expired.")
        if grant.get("set") != setname or setname not in state.sets:
            raise BadRequest("The upload ticket belongs to another upload set.")
        stored = state.get(setname).complete(grant["key"])
        upload_completed.send(t.cast(t.Any, current_app)._get_current_object(), upload_set=setname,
                              stored=stored)  # fmt: skip
        return stored.to_dict(), 201

    return bp


def _s3(app: kolba.Kolba, settings: BackendSettings) -> Storage:
    # boto3 and the qiniu SDK load only for apps that store there.
    from .storage.s3 import S3Storage

    return S3Storage.from_app(app, settings)


def _qiniu(app: kolba.Kolba, settings: BackendSettings) -> Storage:
    from .storage.qiniu import QiniuStorage

    return QiniuStorage.from_app(app, settings)


#: The set ``Uploads.save`` uses unless the app configures its own set named ``files``.
_DEFAULT_FILES = UploadSet(DEFAULT_SET)


class Uploads(kolba.Extension):
    """File uploads to local disk, S3 or Qiniu, with named upload sets."""

    name = "upload"
    distribution = "kolba-upload"
    config_keys = CONFIG_KEYS

    def __init__(self, app: kolba.Kolba | None = None, *upload_sets: UploadSet) -> None:
        self.upload_sets = (_DEFAULT_FILES, *upload_sets)
        super().__init__(app)

    def create_state(self, app: kolba.Kolba) -> UploadsState:
        secret = app.config.get("SECRET_KEY") or ""
        signer = itsdangerous.URLSafeTimedSerializer(secret, salt="kolba-upload.direct")
        state = UploadsState(app, {}, signer)
        for upload_set in self.upload_sets:
            state.add(upload_set)
        app.register_blueprint(_make_blueprint(app.config["UPLOAD_URL_PREFIX"]))
        return state

    @kolba.hookimpl
    def kolba_register_backends(
        self, app: kolba.Kolba, register: t.Callable[[str, str, t.Callable[..., t.Any]], None]
    ) -> None:
        register("storage", "local", LocalStorage.from_app)
        register("storage", "s3", _s3)
        register("storage", "qiniu", _qiniu)

    @kolba.hookimpl
    def kolba_app_startup(self, app: kolba.Kolba) -> None:
        # Build every set's storage now, so a missing bucket or key fails the start-up with
        # the key's name instead of the first upload.
        state = self.state(app)
        if state.sets.keys() - {DEFAULT_SET} or app.config["UPLOAD_BACKEND"] != "local":
            for name in list(state.sets):
                state.get(name)

    @kolba.hookimpl
    def kolba_health_checks(self, app: kolba.Kolba) -> list[kolba.HealthCheck]:
        # One storage call per set, for `kolba doctor`: a missing bucket, refused
        # credentials or an unreachable server show up here rather than on an upload.
        state = self.state(app)

        def probe(name: str) -> t.Callable[[], None]:
            return lambda: state.get(name).storage.exists_probe()

        timeout = float(app.config["UPLOAD_TIMEOUT"]) * 2
        return [kolba.HealthCheck(f"upload:{name}", probe(name), timeout) for name in state.sets]

    def _default(self) -> SetState:
        return set_state(DEFAULT_SET)

    def save(
        self, storage: t.Any, name: str | None = None, folder: str | None = None
    ) -> StoredObject:
        """Store a ``FileStorage`` in the default set (``files``); see
        :meth:`UploadSet.save`."""
        return self._default().save(storage, folder=folder, name=name)

    def url(self, key: str, expires: int | None = None) -> str:
        """The URL of a file of the default set."""
        return self._default().url(key, expires)

    def open(self, key: str) -> t.BinaryIO:
        """A binary file object reading a file of the default set."""
        return self._default().open(key)

    def delete(self, key: str) -> None:
        """Remove a file of the default set; a missing one is no error."""
        self._default().delete(key)

    def exists(self, key: str) -> bool:
        """Whether the default set holds a file under ``key``."""
        return self._default().exists(key)

    def upload_token(self, key: str, expires: int = 3600) -> str:
        """A Qiniu upload token for ``key`` in the default set (seed 000's
        ``q.upload_token(bucket, key, 3600)``)."""
        return self._default().upload_token(key, expires)

    def direct_upload(
        self, filename: str, *, expires: int | None = None, content_type: str | None = None
    ) -> dict[str, t.Any]:
        """A direct-to-storage grant for the default set; see
        :meth:`UploadSet.direct_upload`."""
        return self._default().direct_upload(filename, expires=expires, content_type=content_type)


def configure_uploads(app: kolba.Kolba, upload_sets: UploadSet | t.Iterable[UploadSet]) -> None:
    """Flask-Reuploaded's set-up call: enable kolba-upload on ``app`` (once) and add the
    sets."""
    sets = (upload_sets,) if isinstance(upload_sets, UploadSet) else tuple(upload_sets)
    if Uploads.name not in app.extensions:
        Uploads(app)
    state = uploads_state(app)
    for upload_set in sets:
        state.add(upload_set)
        state.built.pop(upload_set.name, None)
