"""The errors of kolba-upload. Each is a werkzeug HTTP exception, so one raised in a view
becomes a clear 4xx or 503 response without a handler, and ``except UploadNotAllowed`` from
Flask-Reuploaded code still catches what it caught there.
"""

from __future__ import annotations

from werkzeug.exceptions import HTTPException, RequestEntityTooLarge, ServiceUnavailable


class UploadNotAllowed(HTTPException):
    """The upload set refuses the file: its extension, its content or its name (400)."""

    code = 400
    description = "This file may not be uploaded here."


class BadFilename(UploadNotAllowed):
    """A file name or key that is unusable or tries to leave its folder (400)."""

    description = "The file name is not usable."


class UploadTooLarge(RequestEntityTooLarge):
    """The file is larger than the upload set's ``max_size`` (413)."""


class StorageUnavailable(ServiceUnavailable):
    """The storage backend failed, timed out or refused the credentials (503).

    Nothing of the file is left in storage when a save raises this.
    """

    description = "The file storage is not available right now; try again later."


class ObjectNotFound(HTTPException):
    """No stored object has that key (404)."""

    code = 404
    description = "No stored file has that name."
