"""The core's own plugin: it declares the core config keys through the same hook extensions
use, so ``kolba config`` and the docs treat them alike."""

from __future__ import annotations

import importlib.metadata
from datetime import timedelta

from .extension import ConfigKey, PluginInfo
from .manager import hookimpl

_str_or_bytes = (str, bytes)


def _check_samesite(value: str) -> None:
    if value.title() not in ("Lax", "Strict", "None"):
        raise ValueError(f"got {value!r}; use 'Lax', 'Strict' or 'None'.")


CORE_CONFIG_KEYS: tuple[ConfigKey, ...] = (
    ConfigKey("DEBUG", bool, False, "Debug mode: reloader, debugger, exceptions propagate."),
    ConfigKey("TESTING", bool, False, "Testing mode: exceptions propagate to the test client."),
    ConfigKey(
        "PROPAGATE_EXCEPTIONS",
        bool,
        None,
        "Re-raise unhandled exceptions instead of a 500 page; None follows TESTING/DEBUG.",
    ),
    ConfigKey("SECRET_KEY", _str_or_bytes, None, "Key that signs session cookies.", secret=True),
    ConfigKey(
        "SECRET_KEY_FALLBACKS",
        (list, tuple),
        None,
        "Old secret keys still accepted when reading cookies; never used to sign.",
        secret=True,
    ),
    ConfigKey(
        "PERMANENT_SESSION_LIFETIME",
        (timedelta, int),
        timedelta(days=31),
        "Lifetime of a permanent session (timedelta or seconds).",
    ),
    ConfigKey("USE_X_SENDFILE", bool, False, "Let the front server send files (X-Sendfile)."),
    ConfigKey("TRUSTED_HOSTS", (list, tuple), None, "Host names accepted in the Host header."),
    ConfigKey("SERVER_NAME", str, None, "Host and port the app is served at (URL building)."),
    ConfigKey("APPLICATION_ROOT", str, "/", "Path the app is mounted under."),
    ConfigKey("SESSION_COOKIE_NAME", str, "session", "Name of the session cookie."),
    ConfigKey("SESSION_COOKIE_DOMAIN", str, None, "Domain of the session cookie."),
    ConfigKey("SESSION_COOKIE_PATH", str, None, "Path of the session cookie."),
    ConfigKey("SESSION_COOKIE_HTTPONLY", bool, True, "Hide the session cookie from scripts."),
    ConfigKey("SESSION_COOKIE_SECURE", bool, False, "Send the session cookie over HTTPS only."),
    ConfigKey(
        "SESSION_COOKIE_PARTITIONED", bool, False, "Mark the session cookie Partitioned (CHIPS)."
    ),
    ConfigKey(
        "SESSION_COOKIE_SAMESITE",
        str,
        None,
        "SameSite attribute of the session cookie: Lax, Strict or None.",
        check=_check_samesite,
    ),
    ConfigKey(
        "SESSION_REFRESH_EACH_REQUEST",
        bool,
        True,
        "Re-send a permanent session's cookie on every request that carries it, so an active"
        " user's session slides forward (Flask's default).",
    ),
    ConfigKey(
        "SESSION_ACCEPT_FLASK_COOKIES",
        bool,
        True,
        "Accept a session cookie signed by a Flask app with the same SECRET_KEY (Flask's"
        " HMAC-SHA1 format) and re-sign it in kolba's format on the next save.",
    ),
    ConfigKey("MAX_CONTENT_LENGTH", int, None, "Largest request body accepted (413 above)."),
    ConfigKey("MAX_FORM_MEMORY_SIZE", int, 500_000, "Largest non-file form field (413 above)."),
    ConfigKey("MAX_FORM_PARTS", int, 1_000, "Most multipart form parts (413 above)."),
    ConfigKey(
        "SEND_FILE_MAX_AGE_DEFAULT",
        (int, timedelta),
        None,
        "Cache max-age of files sent by send_file and the static route.",
    ),
    ConfigKey(
        "TRAP_BAD_REQUEST_ERRORS", bool, None, "Raise bad-request errors instead of a 400 page."
    ),
    ConfigKey("TRAP_HTTP_EXCEPTIONS", bool, False, "Raise HTTP exceptions instead of handling."),
    ConfigKey("EXPLAIN_TEMPLATE_LOADING", bool, False, "Log how each template was looked up."),
    ConfigKey("PREFERRED_URL_SCHEME", str, "http", "Scheme of external URLs outside requests."),
    ConfigKey("TEMPLATES_AUTO_RELOAD", bool, None, "Reload changed templates; None follows DEBUG."),
    ConfigKey("MAX_COOKIE_SIZE", int, 4093, "Warn about cookies larger than this many bytes."),
    ConfigKey("PROVIDE_AUTOMATIC_OPTIONS", bool, True, "Answer OPTIONS requests for every route."),
    ConfigKey(
        "KOLBA_EXTENSIONS",
        (list, tuple),
        None,
        "Names of installed extensions (entry points) to enable at start-up.",
    ),
)


class CorePlugin:
    """Registered on every app as ``kolba-core``."""

    @hookimpl
    def kolba_config_keys(self) -> list[ConfigKey]:
        return list(CORE_CONFIG_KEYS)

    @hookimpl
    def kolba_plugin_info(self) -> PluginInfo:
        try:
            version = importlib.metadata.version("kolba")
        except importlib.metadata.PackageNotFoundError:
            from .. import __version__ as version
        return PluginInfo("kolba", version, "The kolba core.")
