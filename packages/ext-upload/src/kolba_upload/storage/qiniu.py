"""Qiniu object storage through the ``qiniu`` SDK: upload tokens signed with the access and
secret key, form uploads, private-bucket download URLs, and stat/delete for the rest.

The SDK's timeout is a process-wide setting (``qiniu.config``); ``UPLOAD_TIMEOUT`` sets it
when the first Qiniu-backed set is created.
"""

from __future__ import annotations

import typing as t
import urllib.parse

import qiniu
import qiniu.config
import requests
from qiniu import Region

from ..errors import ObjectNotFound, StorageUnavailable
from .base import BackendSettings, Storage

if t.TYPE_CHECKING:
    from kolba import Kolba

#: Qiniu's status for "no such file" (stat, delete) and for "file exists" (insertOnly).
NOT_FOUND = 612
EXISTS = 614


def _failed(what: str, info: t.Any) -> StorageUnavailable:
    status = getattr(info, "status_code", "?")
    error = getattr(info, "error", None) or ""
    return StorageUnavailable(f"Qiniu storage failed to {what} (status {status}): {error}")


def _host_url(host: str, scheme: str) -> str:
    return host if "://" in host else f"{scheme}://{host}"


class QiniuStorage(Storage):
    """Files in one Qiniu bucket under ``prefix``, served from ``domain``."""

    name = "qiniu"

    def __init__(
        self,
        auth: qiniu.Auth,
        bucket: str,
        domain: str,
        prefix: str = "",
        *,
        private: bool = False,
        up_host: str | None = None,
        rs_host: str | None = None,
        timeout: float = 10.0,
        url_expires: int = 3600,
    ) -> None:
        self.auth = auth
        self.bucket = bucket
        self.domain = domain.rstrip("/")
        self.prefix = prefix
        self.private = private
        self.timeout = timeout
        self.url_expires = url_expires
        up = urllib.parse.urlsplit(_host_url(up_host, "https")) if up_host else None
        rs = urllib.parse.urlsplit(_host_url(rs_host, "https")) if rs_host else None
        self.up_url = up.geturl() if up else None
        self.regions = None
        if up or rs:
            self.regions = [
                Region(
                    up_host=up.netloc if up else None,
                    rs_host=rs.netloc if rs else None,
                    scheme=(up or rs).scheme,  # type: ignore[union-attr]
                )
            ]
        self.manager = qiniu.BucketManager(auth, regions=self.regions)

    @classmethod
    def from_app(cls, app: Kolba, settings: BackendSettings) -> QiniuStorage:
        from kolba import ConfigError

        config = app.config
        for key in ("UPLOAD_QINIU_ACCESS_KEY", "UPLOAD_QINIU_SECRET_KEY", "UPLOAD_QINIU_BUCKET"):
            if not config[key] and not (key.endswith("BUCKET") and settings.option("bucket")):
                raise ConfigError(
                    key,
                    f"the upload set {settings.set_name!r} stores on Qiniu, which needs it."
                    f" Set app.config[{key!r}].",
                )
        domain = settings.option("domain", config["UPLOAD_QINIU_DOMAIN"])
        if not domain:
            raise ConfigError(
                "UPLOAD_QINIU_DOMAIN",
                "Qiniu serves files from the bucket's domain; set it, e.g."
                " 'https://cdn.example.com'.",
            )
        prefix = settings.option("key_prefix", config["UPLOAD_QINIU_KEY_PREFIX"] or "")
        if not settings.is_default and "key_prefix" not in settings.options:
            prefix = f"{prefix}{settings.set_name}/"
        timeout = float(config["UPLOAD_TIMEOUT"])
        qiniu.config.set_default(connection_timeout=timeout, connection_retries=1)
        return cls(
            qiniu.Auth(config["UPLOAD_QINIU_ACCESS_KEY"], config["UPLOAD_QINIU_SECRET_KEY"]),
            settings.option("bucket", config["UPLOAD_QINIU_BUCKET"]),
            domain,
            prefix,
            private=settings.option("private", config["UPLOAD_QINIU_PRIVATE"]),
            up_host=config["UPLOAD_QINIU_UP_HOST"],
            rs_host=config["UPLOAD_QINIU_RS_HOST"],
            timeout=timeout,
            url_expires=int(config["UPLOAD_URL_EXPIRES"]),
        )

    def full_key(self, key: str) -> str:
        """The object's key in the bucket: the set's prefix and ``key``."""
        return f"{self.prefix}{key}"

    def upload_token(
        self,
        key: str,
        expires: int = 3600,
        *,
        max_size: int | None = None,
        overwrite: bool = True,
        policy: dict[str, t.Any] | None = None,
    ) -> str:
        """An upload token for ``key`` (relative to the set), valid ``expires`` seconds.

        ``overwrite=False`` makes Qiniu refuse the upload when the key exists; ``max_size``
        makes it refuse a larger file.
        """
        rules: dict[str, t.Any] = dict(policy or {})
        if max_size is not None:
            rules["fsizeLimit"] = max_size
        full_key = self.full_key(key)
        if not overwrite:
            rules["insertOnly"] = 1
        return str(self.auth.upload_token(self.bucket, full_key, expires, rules or None))

    def write(self, key: str, stream: t.BinaryIO, *, content_type: str, overwrite: bool) -> None:
        # The SDK's form upload sends the body from memory; the set's max_size (checked by
        # the reader while this reads) bounds it. Direct uploads avoid it for large files.
        data = stream.read()
        token = self.upload_token(key, 600, overwrite=overwrite)
        try:
            ret, info = qiniu.put_data(
                token, self.full_key(key), data, mime_type=content_type, regions=self.regions
            )
        except requests.RequestException as e:
            raise StorageUnavailable(f"Qiniu storage failed: {type(e).__name__}.") from e
        if info.status_code == EXISTS:
            raise FileExistsError(key)
        if not info.ok() or not ret or ret.get("key") != self.full_key(key):
            raise _failed("store the file", info)

    def _stat(self, key: str) -> dict[str, t.Any] | None:
        try:
            ret, info = self.manager.stat(self.bucket, self.full_key(key))
        except requests.RequestException as e:
            raise StorageUnavailable(f"Qiniu storage failed: {type(e).__name__}.") from e
        if info.status_code == NOT_FOUND:
            return None
        if not info.ok():
            raise _failed("look up the file", info)
        return t.cast(dict[str, t.Any], ret)

    def exists(self, key: str) -> bool:
        return self._stat(key) is not None

    def size(self, key: str) -> int:
        stat = self._stat(key)
        if stat is None:
            raise ObjectNotFound()
        return int(stat["fsize"])

    def delete(self, key: str) -> None:
        try:
            _, info = self.manager.delete(self.bucket, self.full_key(key))
        except requests.RequestException as e:
            raise StorageUnavailable(f"Qiniu storage failed: {type(e).__name__}.") from e
        if not info.ok() and info.status_code != NOT_FOUND:
            raise _failed("delete the file", info)

    def url(self, key: str, expires: int | None = None) -> str:
        base = f"{self.domain}/{urllib.parse.quote(self.full_key(key))}"
        if self.private:
            return str(self.auth.private_download_url(base, expires or self.url_expires))
        return base

    def open(self, key: str) -> t.BinaryIO:
        try:
            response = requests.get(self.url(key, 300), stream=True, timeout=self.timeout)
        except requests.RequestException as e:
            raise StorageUnavailable(f"Qiniu storage failed: {type(e).__name__}.") from e
        if response.status_code == 404:
            response.close()
            raise ObjectNotFound()
        if not response.ok:
            response.close()
            raise StorageUnavailable(f"Qiniu download failed (status {response.status_code}).")
        response.raw.decode_content = True
        return t.cast(t.BinaryIO, response.raw)

    def direct_upload(
        self, key: str, *, content_type: str | None, max_size: int | None, expires: int
    ) -> dict[str, t.Any]:
        """Form upload straight to Qiniu: post ``fields`` and the file (field ``file``)."""
        token = self.upload_token(key, expires, max_size=max_size, overwrite=False)
        url = self.up_url or "https://upload.qiniup.com"
        return {
            "method": "POST",
            "url": url,
            "fields": {"token": token, "key": self.full_key(key)},
        }
