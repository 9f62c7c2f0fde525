"""``Recaptcha``: the validator that asks a verifier whether the captcha's answer is right.

The default verifier posts to ``RECAPTCHA_VERIFY_SERVER`` through ``http.urlopen`` (with
``RECAPTCHA_TIMEOUT``); a verifier given to the validator or set as ``RECAPTCHA_VERIFIER``
replaces it.
"""

from __future__ import annotations

import json
import types
import typing as t
import urllib.error
import urllib.request
from urllib.parse import urlencode

from werkzeug.exceptions import ServiceUnavailable
from wtforms import ValidationError

from kolba import current_app, request

from ..config import setting

if t.TYPE_CHECKING:
    from wtforms import Form
    from wtforms.fields import Field

__all__ = ["RECAPTCHA_ERROR_CODES", "Recaptcha", "Verifier", "http", "verify_over_http"]

#: ``verifier(response, remote_ip)`` returns the error codes of the answer; none: it is right.
Verifier = t.Callable[[str, "str | None"], t.Sequence[str]]

RECAPTCHA_ERROR_CODES = {
    "missing-input-secret": "The secret parameter is missing.",
    "invalid-input-secret": "The secret parameter is invalid or malformed.",
    "missing-input-response": "The response parameter is missing.",
    "invalid-input-response": "The response parameter is invalid or malformed.",
}


def _urlopen(url: str, data: bytes) -> t.Any:
    return urllib.request.urlopen(url, data, timeout=setting("RECAPTCHA_TIMEOUT"))


#: What the default verifier opens URLs with; replace ``http.urlopen`` to stub the server.
http = types.SimpleNamespace(urlopen=_urlopen)


def verify_over_http(response: str, remote_ip: str | None) -> list[str]:
    """Ask ``RECAPTCHA_VERIFY_SERVER``. A server that cannot be reached, or fails (5xx), is a
    503; another answer than 200 is the error code ``"bad-request"``."""
    private_key = setting("RECAPTCHA_PRIVATE_KEY")
    if not private_key:
        raise RuntimeError(
            "RECAPTCHA_PRIVATE_KEY is not set: set app.config['RECAPTCHA_PRIVATE_KEY'] to the"
            " secret key of your captcha."
        )
    data = urlencode({"secret": private_key, "remoteip": remote_ip or "", "response": response})
    try:
        answer = http.urlopen(setting("RECAPTCHA_VERIFY_SERVER"), data.encode("utf-8"))
        if answer.code != 200:
            return ["bad-request"]
        result = json.loads(answer.read())
    except urllib.error.HTTPError as e:
        if e.code < 500:
            return ["bad-request"]
        raise _unavailable(e) from None
    except (OSError, ValueError) as e:
        raise _unavailable(e) from None
    if isinstance(result, dict) and result.get("success"):
        return []
    codes = result.get("error-codes") if isinstance(result, dict) else None
    return [str(code) for code in codes] if isinstance(codes, list) and codes else ["failed"]


def _unavailable(error: Exception) -> ServiceUnavailable:
    current_app.logger.warning("The captcha verify server failed: %s", type(error).__name__)
    return ServiceUnavailable(
        "The captcha could not be checked because its verify server did not answer. Try"
        " again in a moment."
    )


class Recaptcha:
    """Check the captcha's answer (``g-recaptcha-response`` in the form or a JSON body).

    ``message`` is the error for a missing or wrong answer; ``verifier`` replaces the verify
    server. Apps in testing mode, or with ``RECAPTCHA_ENABLED = False``, are not checked.
    """

    def __init__(self, message: str | None = None, verifier: Verifier | None = None) -> None:
        self.message = message or RECAPTCHA_ERROR_CODES["missing-input-response"]
        self.verifier = verifier

    def __call__(self, form: Form, field: Field) -> None:
        if current_app.testing or not setting("RECAPTCHA_ENABLED"):
            return
        body = request.get_json(silent=True) if request.is_json else None
        source = body if isinstance(body, dict) else request.form
        response = source.get("g-recaptcha-response", "")
        if not response or not isinstance(response, str):
            raise ValidationError(field.gettext(self.message))
        verifier = self.verifier or setting("RECAPTCHA_VERIFIER") or verify_over_http
        codes = list(verifier(response, request.remote_addr))
        if not codes:
            return
        t.cast(t.Any, field).recaptcha_error = codes[0]
        for code in codes:
            if code in RECAPTCHA_ERROR_CODES:
                raise ValidationError(field.gettext(RECAPTCHA_ERROR_CODES[code]))
        raise ValidationError(field.gettext(self.message))
