"""Upload sets (``UploadSet("avatars", IMAGES)``), the extension groups Flask-Reuploaded users
know (``IMAGES``, ``DOCUMENTS`` ...), and the stored object ``save`` returns.
"""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from .extension import SetState

TEXT = ("txt",)
DOCUMENTS = tuple(["rtf", "odf", "ods", "gnumeric", "abw", "doc", "docx", "xls", "xlsx"])
IMAGES = tuple(["jpg", "jpe", "jpeg", "png", "gif", "svg", "bmp", "webp"])
AUDIO = tuple(["wav", "mp3", "aac", "ogg", "oga", "flac"])
DATA = tuple(["csv", "ini", "json", "plist", "xml", "yaml", "yml"])
SCRIPTS = tuple(["js", "php", "pl", "py", "rb", "sh"])
ARCHIVES = tuple(["gz", "bz2", "zip", "tar", "tgz", "txz", "7z"])
SOURCE = tuple(
    [
        "c",
        "cpp",
        "c++",
        "h",
        "hpp",
        "h++",
        "cxx",
        "hxx",
        "hdl",
        "ada",
        "asm",
        "cs",
        "java",
        "jav",
        "js",
        "kt",
        "kts",
        "go",
        "php",
        "py",
        "rb",
        "rs",
        "sh",
        "swift",
        "vb",
    ]
)
EXECUTABLES = tuple(["so", "exe", "dll"])
#: What a set allows when it names no extensions: text, documents, images and data.
DEFAULTS = TEXT + DOCUMENTS + IMAGES + DATA


class All:
    """Every extension: ``UploadSet("any", ALL)``."""

    def __contains__(self, item: object) -> bool:
        return True

    def __repr__(self) -> str:
        return "ALL"


class AllExcept:
    """Every extension but the given ones: ``UploadSet("files", AllExcept(SCRIPTS))``."""

    def __init__(self, items: t.Iterable[str]) -> None:
        self.items = frozenset(items)

    def __contains__(self, item: object) -> bool:
        return item not in self.items

    def __repr__(self) -> str:
        return f"AllExcept({sorted(self.items)!r})"


ALL = All()

Extensions = t.Union[t.Iterable[str], All, AllExcept]  # noqa: UP007


class StoredObject(str):
    """What ``save`` returns: the key (the object *is* its key, a ``str``, so code written
    for Flask-Reuploaded's ``filename = photos.save(f)`` keeps working) with the stored
    object's ``size`` in bytes, ``content_type``, hex ``sha256``, ``url`` and
    ``upload_set`` name."""

    key: str
    size: int
    content_type: str
    sha256: str
    url: str
    upload_set: str

    def __new__(
        cls, key: str, *, size: int, content_type: str, sha256: str, url: str, upload_set: str
    ) -> StoredObject:
        obj = super().__new__(cls, key)
        obj.key = key
        obj.size = size
        obj.content_type = content_type
        obj.sha256 = sha256
        obj.url = url
        obj.upload_set = upload_set
        return obj

    def to_dict(self) -> dict[str, t.Any]:
        """The fields as a dict, for a JSON response."""
        return {
            "key": self.key,
            "size": self.size,
            "content_type": self.content_type,
            "sha256": self.sha256,
            "url": self.url,
            "upload_set": self.upload_set,
        }


class UploadSet:
    """A named kind of upload with the extensions it allows, its size limit and its storage.

    One object serves every app that configures it (``Uploads(app, avatars)`` or
    ``configure_uploads(app, avatars)``); per app, ``UPLOAD_SETS[name]`` may override
    ``backend``, ``folder``, ``max_size``, ``check_content`` and ``on_conflict`` and give a
    backend its own options (``bucket``, ``key_prefix`` ...).

    :param name: letters, digits and ``_``; also the folder (or key prefix) of the set's
        files, except for the default set ``files``, which stores at the root.
    :param extensions: the allowed extensions (lower case, no dot), ``ALL`` or
        ``AllExcept(...)``.
    :param default_dest: Flask-Reuploaded's ``callable(app) -> folder`` for local storage.
    :param max_size: the largest file in bytes; a larger one gets 413 while it streams.
    :param backend: the storage backend's name; ``UPLOAD_BACKEND`` when ``None``.
    :param check_content: refuse a file whose magic bytes do not match its extension.
    :param on_conflict: what ``save`` does when the name is taken: ``"rename"`` (add
        ``_1``, ``_2`` ...), ``"overwrite"`` or ``"error"`` (409).
    """

    def __init__(
        self,
        name: str = "files",
        extensions: Extensions = DEFAULTS,
        default_dest: t.Callable[[t.Any], str] | None = None,
        *,
        max_size: int | None = None,
        backend: str | None = None,
        check_content: bool = False,
        on_conflict: t.Literal["rename", "overwrite", "error"] = "rename",
    ) -> None:
        if not name.isidentifier() or not name.isascii():
            raise ValueError(f"An upload set's name must be letters, digits and _, not {name!r}.")
        if on_conflict not in ("rename", "overwrite", "error"):
            raise ValueError("on_conflict must be 'rename', 'overwrite' or 'error'.")
        self.name = name
        self.extensions = extensions
        self.default_dest = default_dest
        self.max_size = max_size
        self.backend = backend
        self.check_content = check_content
        self.on_conflict = on_conflict

    def __repr__(self) -> str:
        return f"UploadSet({self.name!r})"

    def _state(self) -> SetState:
        from .extension import set_state

        return set_state(self.name)

    def extension_allowed(self, ext: str) -> bool:
        """Whether this set takes files with the extension ``ext`` in the current app."""
        return self._state().extension_allowed(ext)

    def file_allowed(self, storage: t.Any, basename: str) -> bool:
        """Flask-Reuploaded's check, by the extension of ``basename``."""
        from .names import extension

        return self.extension_allowed(extension(basename))

    def save(
        self, storage: t.Any, folder: str | None = None, name: str | None = None
    ) -> StoredObject:
        """Store the uploaded file (a ``FileStorage``) and return the :class:`StoredObject`.

        ``name`` replaces the client's file name; one ending in ``.`` gets the upload's
        extension. ``folder`` is a sub-folder (or key prefix) inside the set. Raises
        :class:`UploadNotAllowed` (400) for a refused extension, content or name,
        :class:`UploadTooLarge` (413), a 409 when ``on_conflict="error"`` and the name is
        taken, and :class:`StorageUnavailable` (503) when storage fails.
        """
        return self._state().save(storage, folder=folder, name=name)

    def url(self, filename: str, expires: int | None = None) -> str:
        """The URL of a stored file (signed for ``expires`` seconds where storage signs)."""
        return self._state().url(filename, expires)

    def path(self, filename: str, folder: str | None = None) -> str:
        """The local path of a stored file (local storage only)."""
        return self._state().path(filename, folder)

    def open(self, key: str) -> t.BinaryIO:
        """A binary file object reading the stored file."""
        return self._state().open(key)

    def delete(self, key: str) -> None:
        """Remove a stored file; a missing one is no error."""
        self._state().delete(key)

    def exists(self, key: str) -> bool:
        """Whether a file is stored under ``key``."""
        return self._state().exists(key)

    def direct_upload(
        self, filename: str, *, expires: int | None = None, content_type: str | None = None
    ) -> dict[str, t.Any]:
        """Let a browser send the file straight to storage (S3 presigned POST, Qiniu form
        upload with an upload token). Returns ``method``, ``url``, ``fields``, the ``key``
        chosen for the file, and the ``ticket`` the browser posts to ``complete_url`` once
        storage answered, which records the upload."""
        return self._state().direct_upload(filename, expires=expires, content_type=content_type)

    def presigned_put(
        self, filename: str, *, expires: int | None = None, content_type: str | None = None
    ) -> dict[str, t.Any]:
        """Like :meth:`direct_upload`, as a URL to ``PUT`` the file to (S3 only)."""
        return self._state().presigned_put(filename, expires=expires, content_type=content_type)

    def upload_token(self, key: str, expires: int = 3600) -> str:
        """A Qiniu upload token for ``key`` in this set (Qiniu storage only)."""
        return self._state().upload_token(key, expires)
