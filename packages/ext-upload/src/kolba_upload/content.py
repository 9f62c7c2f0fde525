"""The magic-byte check a set asks for with ``check_content=True``: the start of the file must
look like what its extension says (a ``.png`` must start like a PNG)."""

from __future__ import annotations

import puremagic

from .errors import UploadNotAllowed

#: How much of the file the check looks at.
HEAD_SIZE = 4096

# Extensions with no magic bytes: text, checked for being UTF-8 without NUL instead.
_TEXT = frozenset(
    [
        "txt",
        "csv",
        "ini",
        "json",
        "plist",
        "xml",
        "yaml",
        "yml",
        "svg",
        "md",
        "rst",
        "html",
        "htm",
        "css",
        "js",
        "py",
    ]
)
# Office and similar formats are zip archives inside.
_ZIP_FAMILY = frozenset(
    ["zip", "docx", "xlsx", "xlsb", "xltm", "pptx", "odt", "ods", "odp", "odf", "jar", "epub"]
)
_SAME = {"jpe": "jpg", "jpeg": "jpg", "jfif": "jpg", "tiff": "tif", "oga": "ogg", "tgz": "gz"}


def _canonical(ext: str) -> str:
    return _SAME.get(ext, ext)


def check_content(head: bytes, ext: str) -> None:
    """Raise :class:`UploadNotAllowed` unless ``head`` (the file's first bytes) matches
    ``ext``."""
    if ext in _TEXT:
        if b"\x00" in head:
            raise UploadNotAllowed(f"The file's content is not text, as .{ext} says it is.")
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as e:
            # A multi-byte character cut at the end of the head is still text.
            if e.start < len(head) - 3:
                raise UploadNotAllowed(f"The file's content is not UTF-8 text (.{ext}).")
        return
    try:
        found = {_canonical(m.extension.lstrip(".").lower()) for m in puremagic.magic_string(head)}
    except puremagic.PureError:
        found = set()
    wanted = _canonical(ext)
    if wanted in found or (wanted in _ZIP_FAMILY and found & _ZIP_FAMILY):
        return
    raise UploadNotAllowed(f"The file's content does not match its extension .{ext}.")
