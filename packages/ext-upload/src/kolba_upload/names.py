"""File names and storage keys made safe: what a client sends as a file name becomes one
harmless path segment, and a key handed back to ``open``/``delete``/``url`` cannot leave the
upload set's folder or key prefix.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
import urllib.parse

from .errors import BadFilename

#: The longest name, in UTF-8 bytes, that common file systems and S3 key segments accept.
MAX_NAME_BYTES = 255

_WINDOWS_DEVICES = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{p}{n}" for p in ("COM", "LPT") for n in "123456789¹²³"]
)
# Letters, digits and marks of any script stay (Chinese names stay readable); so do . _ -.
_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def _decoded(name: str) -> str:
    # A client may percent-encode "../" once or twice; decode until the text is stable so
    # the encoded and the plain spelling are cleaned alike.
    for _ in range(3):
        decoded = urllib.parse.unquote(name)
        if decoded == name:
            break
        name = decoded
    return name


def extension(filename: str) -> str:
    """The extension of ``filename``, lower case and without the dot (``""`` for none)."""
    ext = posixpath.splitext(filename)[1]
    return ext[1:].lower()


def _fit(name: str) -> str:
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext.encode("utf-8")) > 16:
        stem, ext, dot = name, "", ""
    suffix = f"{dot}{ext}".encode()
    budget = MAX_NAME_BYTES - len(suffix)
    cut = stem.encode("utf-8")[:budget].decode("utf-8", "ignore")
    return cut + suffix.decode()


def secure_filename(filename: str) -> str:
    """Return ``filename`` as one safe path segment, or ``""`` when nothing usable is left.

    Directory parts (``/`` and ``\\``, also percent-encoded) are joined with ``_`` instead of
    followed, ``.`` and ``..`` parts are dropped, NUL and other control characters removed,
    the text NFKC-normalised (so full-width ``．．／`` cannot pass for something else), any
    character but letters, digits, ``.``, ``_`` and ``-`` replaced with ``_``, leading dots
    removed (no hidden files), Windows device names (``CON``, ``lpt1.txt``) prefixed with
    ``_`` and the result cut to 255 UTF-8 bytes, keeping the extension. The extension is
    lower-cased. Unlike werkzeug's, Unicode letters are kept: ``头像.JPG`` -> ``头像.jpg``.
    """
    name = unicodedata.normalize("NFKC", _decoded(filename))
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    parts = [p.strip() for p in name.replace("\\", "/").split("/")]
    parts = [p for p in parts if p and p not in (".", "..")]
    name = _UNSAFE.sub("_", "_".join(parts)).strip("._")
    name = re.sub(r"\.{2,}", ".", name)
    if not name or not name.strip("_-"):
        return ""
    stem, dot, ext = name.rpartition(".")
    if dot:
        name = f"{stem}.{ext.lower()}"
    if name.split(".")[0].upper() in _WINDOWS_DEVICES:
        name = f"_{name}"
    return _fit(name)


def safe_name(filename: str) -> str:
    """:func:`secure_filename`, raising :class:`BadFilename` (400) when nothing is left."""
    name = secure_filename(filename)
    if not name:
        raise BadFilename(
            f"The file name {filename[:80]!r} has no usable characters left once made safe;"
            " rename the file."
        )
    return name


def safe_folder(folder: str | None) -> str:
    """A relative folder of safe segments joined with ``/`` (``""`` for none); each segment
    is cleaned like a file name, and one that cleans to nothing is an error."""
    if not folder:
        return ""
    parts = [p for p in _decoded(folder).replace("\\", "/").split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise BadFilename(f"The folder {folder[:80]!r} may not contain '..'.")
    return "/".join(safe_name(p) for p in parts)


def check_key(key: str) -> str:
    """Return ``key`` if it names an object inside the set, else raise :class:`BadFilename`.

    A key is what ``save`` returned: safe segments joined with ``/``. Absolute keys, empty
    or ``..`` segments, backslashes, NUL, control characters and encoded separators are
    refused rather than cleaned, since a changed key would name another object.
    """
    if not isinstance(key, str) or not key:
        raise BadFilename("An empty key names no stored file.")
    parts = key.split("/")
    for part in parts:
        if (
            part in ("", ".", "..")
            or part != unicodedata.normalize("NFKC", part)
            or "\\" in part
            or "%" in part
            or any(unicodedata.category(c)[0] == "C" for c in part)
            or len(part.encode("utf-8")) > MAX_NAME_BYTES
        ):
            raise BadFilename(f"The key {key[:120]!r} does not name a file of this upload set.")
    return key
