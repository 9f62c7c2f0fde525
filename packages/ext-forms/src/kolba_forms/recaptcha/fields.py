"""``RecaptchaField``: a form field holding the captcha, checked by :class:`Recaptcha`."""

from __future__ import annotations

import typing as t

from wtforms.fields import Field

from .validators import Recaptcha, Verifier
from .widgets import RecaptchaWidget

__all__ = ["RecaptchaField"]


class RecaptchaField(Field):
    """The captcha of a form. ``nonce`` (a string or a callable returning one) goes on the
    script tag for a Content-Security-Policy; ``verifier`` replaces the verify server for this
    field (see :class:`Recaptcha`)."""

    widget = RecaptchaWidget()
    #: The error code of the last failed check, for a widget that shows it.
    recaptcha_error: str | None = None

    def __init__(
        self,
        label: str = "",
        validators: t.Sequence[t.Any] | None = None,
        nonce: str | t.Callable[[], str] | None = None,
        verifier: Verifier | None = None,
        **kwargs: t.Any,
    ) -> None:
        chosen = list(validators) if validators else [Recaptcha(verifier=verifier)]
        super().__init__(label, chosen, **kwargs)
        self.nonce = nonce
