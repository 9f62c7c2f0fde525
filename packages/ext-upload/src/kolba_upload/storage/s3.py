"""S3 storage through boto3: bucket, region, endpoint URL (any S3-compatible server), key
prefix, credentials from config or boto3's own chain, timeouts, and multipart uploads for
large files so a file streams through in parts instead of being held in memory.
"""

from __future__ import annotations

import typing as t
import urllib.parse

import boto3
import botocore.config
import botocore.exceptions
from boto3.s3.transfer import TransferConfig
from s3transfer.exceptions import RetriesExceededError, S3UploadFailedError

from ..errors import ObjectNotFound, StorageUnavailable
from .base import BackendSettings, Storage

if t.TYPE_CHECKING:
    from kolba import Kolba

_FAILURES = (
    botocore.exceptions.BotoCoreError,
    botocore.exceptions.ClientError,
    S3UploadFailedError,
    RetriesExceededError,
)


def _unavailable(error: Exception) -> StorageUnavailable:
    # The message says what failed, never the credentials; the cause stays chained for logs.
    code = ""
    if isinstance(error, botocore.exceptions.ClientError):
        code = f" ({error.response.get('Error', {}).get('Code', '')})"
    return StorageUnavailable(f"S3 storage failed{code}: {type(error).__name__}.")


def _not_found(error: botocore.exceptions.ClientError) -> bool:
    code = str(error.response.get("Error", {}).get("Code", ""))
    return code in ("404", "NoSuchKey", "NotFound")


class S3Storage(Storage):
    """Objects in one S3 bucket under ``prefix``; ``client`` is a boto3 S3 client."""

    name = "s3"

    def __init__(
        self,
        client: t.Any,
        bucket: str,
        prefix: str = "",
        *,
        transfer: TransferConfig | None = None,
        public_url: str | None = None,
        url_expires: int = 3600,
    ) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.transfer = transfer or TransferConfig()
        self.public_url = public_url
        self.url_expires = url_expires

    @classmethod
    def from_app(cls, app: Kolba, settings: BackendSettings) -> S3Storage:
        config = app.config
        bucket = settings.option("bucket", config["UPLOAD_S3_BUCKET"])
        if not bucket:
            from kolba import ConfigError

            raise ConfigError(
                "UPLOAD_S3_BUCKET",
                f"the upload set {settings.set_name!r} stores on S3 but no bucket is set."
                " Set app.config['UPLOAD_S3_BUCKET'] (or 'bucket' in its UPLOAD_SETS entry).",
            )
        prefix = settings.option("key_prefix", config["UPLOAD_S3_KEY_PREFIX"] or "")
        if not settings.is_default and "key_prefix" not in settings.options:
            prefix = f"{prefix}{settings.set_name}/"
        timeout = float(config["UPLOAD_TIMEOUT"])
        client_config = botocore.config.Config(
            connect_timeout=timeout,
            read_timeout=timeout,
            retries={"max_attempts": config["UPLOAD_S3_MAX_ATTEMPTS"], "mode": "standard"},
            signature_version="s3v4",
            s3={"addressing_style": config["UPLOAD_S3_ADDRESSING_STYLE"]},
        )
        credentials = {}
        if config["UPLOAD_S3_ACCESS_KEY_ID"]:
            credentials = {
                "aws_access_key_id": config["UPLOAD_S3_ACCESS_KEY_ID"],
                "aws_secret_access_key": config["UPLOAD_S3_SECRET_ACCESS_KEY"],
                "aws_session_token": config["UPLOAD_S3_SESSION_TOKEN"],
            }
        client = boto3.session.Session().client(
            "s3",
            region_name=settings.option("region", config["UPLOAD_S3_REGION"]),
            endpoint_url=settings.option("endpoint_url", config["UPLOAD_S3_ENDPOINT_URL"]),
            config=client_config,
            **credentials,
        )
        part = int(config["UPLOAD_S3_PART_SIZE"])
        transfer = TransferConfig(
            multipart_threshold=int(config["UPLOAD_S3_MULTIPART_THRESHOLD"]),
            multipart_chunksize=part,
            # Each thread holds one part in memory: two keep memory at a few parts.
            max_concurrency=2,
        )
        # A stream that cannot seek is read part by part into memory; s3transfer queues ten
        # such parts by default, which is 80 MiB at the default part size.
        transfer.max_in_memory_upload_chunks = 2
        return cls(
            client,
            bucket,
            prefix,
            transfer=transfer,
            public_url=settings.option("public_url", config["UPLOAD_S3_PUBLIC_URL"]),
            url_expires=int(config["UPLOAD_URL_EXPIRES"]),
        )

    def full_key(self, key: str) -> str:
        """The object's key in the bucket: the set's prefix and ``key``."""
        return f"{self.prefix}{key}"

    def write(self, key: str, stream: t.BinaryIO, *, content_type: str, overwrite: bool) -> None:
        if not overwrite and self.exists(key):
            raise FileExistsError(key)
        try:
            # s3transfer aborts the multipart upload when reading or a part fails, so a
            # failed save leaves no object and no orphaned parts behind.
            self.client.upload_fileobj(
                stream,
                self.bucket,
                self.full_key(key),
                ExtraArgs={"ContentType": content_type},
                Config=self.transfer,
            )
        except _FAILURES as e:
            raise _unavailable(e) from e

    def open(self, key: str) -> t.BinaryIO:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.full_key(key))
        except botocore.exceptions.ClientError as e:
            if _not_found(e):
                raise ObjectNotFound() from None
            raise _unavailable(e) from e
        except _FAILURES as e:
            raise _unavailable(e) from e
        return t.cast(t.BinaryIO, response["Body"])

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self.full_key(key))
        except _FAILURES as e:
            raise _unavailable(e) from e

    def _head(self, key: str) -> dict[str, t.Any] | None:
        try:
            return t.cast(
                dict[str, t.Any],
                self.client.head_object(Bucket=self.bucket, Key=self.full_key(key)),
            )
        except botocore.exceptions.ClientError as e:
            if _not_found(e):
                return None
            raise _unavailable(e) from e
        except _FAILURES as e:
            raise _unavailable(e) from e

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def size(self, key: str) -> int:
        head = self._head(key)
        if head is None:
            raise ObjectNotFound()
        return int(head["ContentLength"])

    def url(self, key: str, expires: int | None = None) -> str:
        if self.public_url and expires is None:
            quoted = urllib.parse.quote(self.full_key(key))
            return f"{self.public_url.rstrip('/')}/{quoted}"
        return str(
            self.client.generate_presigned_url(
                "get_object",
                Params={"Bucket": self.bucket, "Key": self.full_key(key)},
                ExpiresIn=expires or self.url_expires,
            )
        )

    def direct_upload(
        self, key: str, *, content_type: str | None, max_size: int | None, expires: int
    ) -> dict[str, t.Any]:
        """A presigned POST: the browser posts ``fields`` and then the file to ``url``; S3
        refuses a file over ``max_size`` or of another content type."""
        fields: dict[str, str] = {}
        conditions: list[t.Any] = []
        if content_type:
            fields["Content-Type"] = content_type
            conditions.append({"Content-Type": content_type})
        if max_size is not None:
            conditions.append(["content-length-range", 0, max_size])
        post = self.client.generate_presigned_post(
            self.bucket,
            self.full_key(key),
            Fields=fields,
            Conditions=conditions,
            ExpiresIn=expires,
        )
        return {"method": "POST", "url": post["url"], "fields": post["fields"]}

    def presigned_put(self, key: str, *, content_type: str | None, expires: int) -> str:
        """A URL the browser may ``PUT`` the file to (with that ``Content-Type``)."""
        params = {"Bucket": self.bucket, "Key": self.full_key(key)}
        if content_type:
            params["ContentType"] = content_type
        return str(
            self.client.generate_presigned_url("put_object", Params=params, ExpiresIn=expires)
        )
