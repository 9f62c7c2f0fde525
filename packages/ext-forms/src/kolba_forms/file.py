"""File upload fields and their validators: ``FileField`` and ``MultipleFileField`` that see
only real uploads, ``FileRequired``, ``FileAllowed`` and ``FileSize``.
"""

from __future__ import annotations

import os
import typing as t

from werkzeug.datastructures import FileStorage
from wtforms import FileField as _FileField
from wtforms import MultipleFileField as _MultipleFileField
from wtforms.validators import StopValidation

if t.TYPE_CHECKING:
    from wtforms import Form
    from wtforms.fields import Field

__all__ = [
    "FileAllowed",
    "FileField",
    "FileRequired",
    "FileSize",
    "MultipleFileField",
    "file_allowed",
    "file_required",
    "file_size",
]


def _uploads(valuelist: t.Iterable[t.Any]) -> list[FileStorage]:
    """The real uploads among ``valuelist``: a browser sends an empty part for an empty input."""
    return [value for value in valuelist if isinstance(value, FileStorage) and value]


class FileField(_FileField):
    """A file input whose ``data`` is the uploaded :class:`~werkzeug.datastructures.FileStorage`,
    or ``None`` when nothing was chosen."""

    def process_formdata(self, valuelist: list[t.Any]) -> None:
        uploads = _uploads(valuelist)
        if uploads:
            self.data = uploads[0]
        else:
            self.raw_data = []


class MultipleFileField(_MultipleFileField):
    """A file input taking several files: ``data`` is the list of uploads, or ``None``."""

    def process_formdata(self, valuelist: list[t.Any]) -> None:
        uploads = _uploads(valuelist)
        if uploads:
            self.data = uploads
        else:
            self.raw_data = []


def _files(field: Field) -> list[t.Any]:
    return field.data if isinstance(field.data, list) else [field.data]


def _all_uploads(files: list[t.Any]) -> bool:
    return bool(files) and all(isinstance(f, FileStorage) and f for f in files)


class FileRequired:
    """Fail (and stop the chain) unless the field holds an upload; also sets the ``required``
    flag, so the input renders ``required``."""

    field_flags = {"required": True}

    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        if not _all_uploads(_files(field)):
            raise StopValidation(self.message or field.gettext("This field is required."))


class FileAllowed:
    """Accept only files whose name ends with one of ``upload_set``'s extensions (a list such
    as ``["jpg", "png"]``, or an upload set with ``file_allowed(storage, basename)``, as
    kolba-upload's and Flask-Uploads' are). No file passes: pair it with ``FileRequired``."""

    def __init__(self, upload_set: t.Any, message: str | None = None) -> None:
        self.upload_set = upload_set
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        files = _files(field)
        if not _all_uploads(files):
            return
        for upload in files:
            filename = (upload.filename or "").lower()
            if hasattr(self.upload_set, "file_allowed"):
                if self.upload_set.file_allowed(upload, filename):
                    continue
                raise StopValidation(
                    self.message or field.gettext("File does not have an approved extension.")
                )
            extensions = [str(e).lower().lstrip(".") for e in self.upload_set]
            if any(filename.endswith("." + e) for e in extensions):
                continue
            message = self.message or field.gettext(
                "File does not have an approved extension: {extensions}"
            )
            raise StopValidation(message.format(extensions=", ".join(self.upload_set)))


def _size(upload: FileStorage) -> int:
    stream = upload.stream
    seekable = getattr(stream, "seekable", None)
    if not callable(seekable) or not seekable():
        raise TypeError(
            "FileSize needs a seekable upload stream; this one is not seekable, so its size"
            " cannot be measured without consuming it."
        )
    position = stream.tell()
    size = stream.seek(0, os.SEEK_END)
    stream.seek(position)
    return int(size)


class FileSize:
    """Accept only files of ``min_size`` to ``max_size`` bytes (measured by seeking, so the
    upload is not read into memory). No file passes: pair it with ``FileRequired``."""

    def __init__(self, max_size: int, min_size: int = 0, message: str | None = None) -> None:
        self.min_size = min_size
        self.max_size = max_size
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        files = _files(field)
        if not _all_uploads(files):
            return
        for upload in files:
            if not self.min_size <= _size(upload) <= self.max_size:
                message = self.message or field.gettext(
                    "File must be between {min_size} and {max_size} bytes."
                )
                raise StopValidation(message.format(min_size=self.min_size, max_size=self.max_size))


file_required = FileRequired
file_allowed = FileAllowed
file_size = FileSize
