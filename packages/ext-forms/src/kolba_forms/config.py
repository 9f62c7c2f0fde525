"""The config keys kolba-forms reads, declared once: CSRF (``WTF_CSRF_*``), message
translation (``WTF_I18N_ENABLED``) and reCAPTCHA (``RECAPTCHA_*``), and the one reader of them.
"""

from __future__ import annotations

import typing as t

from kolba import ConfigKey, current_app


def _non_negative(value: t.Any) -> None:
    if value < 0:
        raise ValueError(f"got {value!r}; use a number of seconds >= 0, or None for no limit.")


def _methods(value: t.Any) -> None:
    wrong = [m for m in value if not isinstance(m, str) or m != m.upper()]
    if wrong:
        raise ValueError(f"got {wrong!r}; list upper-case HTTP method names such as 'POST'.")


def _origins(value: t.Any) -> None:
    for origin in value:
        if not isinstance(origin, str) or origin.count("/") != 2 or origin.endswith("/"):
            raise ValueError(
                f"got {origin!r}; list origins as scheme://host[:port], such as"
                " 'https://app.example.com', without a path."
            )


def _callable(value: t.Any) -> None:
    if not callable(value):
        raise ValueError(
            "expected a callable verifier(response, remote_ip) returning a list of error codes."
        )


_SEQUENCE = (list, tuple, set, frozenset)

CONFIG_KEYS: tuple[ConfigKey, ...] = (
    ConfigKey("WTF_CSRF_ENABLED", bool, True, "Protect forms and requests against CSRF."),
    ConfigKey(
        "WTF_CSRF_CHECK_DEFAULT",
        bool,
        True,
        "CSRFProtect checks every request; False leaves it to views that call protect().",
    ),
    ConfigKey(
        "WTF_CSRF_SECRET_KEY",
        (str, bytes),
        None,
        "The key that signs CSRF tokens; SECRET_KEY when unset.",
        secret=True,
    ),
    ConfigKey(
        "WTF_CSRF_METHODS",
        _SEQUENCE,
        ["POST", "PUT", "PATCH", "DELETE"],
        "The HTTP methods that need a CSRF check.",
        check=_methods,
    ),
    ConfigKey(
        "WTF_CSRF_FIELD_NAME", str, "csrf_token", "The form field and session key of the token."
    ),
    ConfigKey(
        "WTF_CSRF_HEADERS",
        _SEQUENCE,
        ["X-CSRFToken", "X-CSRF-Token"],
        "The request headers a token is read from (AJAX).",
    ),
    ConfigKey(
        "WTF_CSRF_META_NAME", str, "csrf-token", "The name of the meta tag csrf_meta_tag() renders."
    ),
    ConfigKey(
        "WTF_CSRF_TIME_LIMIT",
        int,
        3600,
        "Seconds a token stays valid; None for as long as the session.",
        check=_non_negative,
    ),
    ConfigKey(
        "WTF_CSRF_SSL_STRICT",
        bool,
        True,
        "On HTTPS, a request whose origin is not otherwise known must have a same-origin Referer.",
    ),
    ConfigKey(
        "WTF_CSRF_CHECK_ORIGIN",
        bool,
        True,
        "Refuse cross-origin requests by their Sec-Fetch-Site and Origin headers.",
    ),
    ConfigKey(
        "WTF_CSRF_REQUIRE_TOKEN",
        bool,
        True,
        "Require a CSRF token; False relies on the Sec-Fetch-Site and Origin headers alone.",
    ),
    ConfigKey(
        "WTF_CSRF_TRUSTED_ORIGINS",
        _SEQUENCE,
        [],
        "Other origins (scheme://host[:port]) whose requests the origin check lets through.",
        check=_origins,
    ),
    ConfigKey(
        "WTF_I18N_ENABLED",
        bool,
        True,
        "Translate WTForms' messages to the request's locale when a translations provider is"
        " installed.",
    ),
    ConfigKey("RECAPTCHA_ENABLED", bool, True, "Render and check RecaptchaField."),
    ConfigKey("RECAPTCHA_PUBLIC_KEY", str, None, "The reCAPTCHA site key, rendered in the page."),
    ConfigKey(
        "RECAPTCHA_PRIVATE_KEY",
        str,
        None,
        "The reCAPTCHA secret key the verify server checks answers with.",
        secret=True,
    ),
    ConfigKey(
        "RECAPTCHA_SCRIPT",
        str,
        "https://www.google.com/recaptcha/api.js",
        "The widget's script (hCaptcha's, for one, works too).",
    ),
    ConfigKey(
        "RECAPTCHA_VERIFY_SERVER",
        str,
        "https://www.google.com/recaptcha/api/siteverify",
        "The URL answers are verified at.",
    ),
    ConfigKey("RECAPTCHA_PARAMETERS", dict, None, "Query parameters added to the script URL."),
    ConfigKey("RECAPTCHA_DATA_ATTRS", dict, None, "data-* attributes of the widget's div."),
    ConfigKey("RECAPTCHA_DIV_CLASS", str, "g-recaptcha", "The CSS class of the widget's div."),
    ConfigKey("RECAPTCHA_HTML", str, None, "HTML rendered instead of the default widget."),
    ConfigKey(
        "RECAPTCHA_TIMEOUT",
        float,
        5.0,
        "Seconds to wait for the verify server before answering 503.",
        check=_non_negative,
    ),
    ConfigKey(
        "RECAPTCHA_VERIFIER",
        object,
        None,
        "A callable verifier(response, remote_ip) -> list of error codes, used instead of the"
        " verify server (tests, other services).",
        check=_callable,
    ),
)

DEFAULTS: dict[str, t.Any] = {key.name: key.default for key in CONFIG_KEYS}


def setting(name: str) -> t.Any:
    """The current app's value of ``name``, or its declared default: forms and fields work on
    apps where ``CSRFProtect`` (which fills the defaults in) was never initialised."""
    return current_app.config.get(name, DEFAULTS[name])
