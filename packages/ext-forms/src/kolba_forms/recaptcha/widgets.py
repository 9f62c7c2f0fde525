"""``RecaptchaWidget``: the captcha's script tag and div, from the ``RECAPTCHA_*`` config."""

from __future__ import annotations

import typing as t
from urllib.parse import urlencode

from markupsafe import Markup
from wtforms.widgets import html_params

from ..config import setting

if t.TYPE_CHECKING:
    from wtforms.fields import Field

__all__ = ["RecaptchaWidget"]


class RecaptchaWidget:
    """Render the captcha: ``RECAPTCHA_HTML`` if set, else the script (``RECAPTCHA_SCRIPT``
    with ``RECAPTCHA_PARAMETERS``) and a div with the site key, ``RECAPTCHA_DIV_CLASS`` and
    ``RECAPTCHA_DATA_ATTRS``; keyword arguments add or override the div's attributes."""

    def recaptcha_html(
        self, public_key: str, field: Field | None = None, **kwargs: t.Any
    ) -> Markup:
        script = t.cast(str, setting("RECAPTCHA_SCRIPT"))
        parameters = setting("RECAPTCHA_PARAMETERS")
        if parameters:
            script += "?" + urlencode(parameters)
        attrs: dict[str, t.Any] = {"class": setting("RECAPTCHA_DIV_CLASS")}
        if field is not None:
            attrs["id"] = field.id
        attrs["data-sitekey"] = public_key
        for name, value in (setting("RECAPTCHA_DATA_ATTRS") or {}).items():
            attrs[f"data-{name}"] = value
        for name, value in kwargs.items():
            attrs[_attribute_name(name)] = value
        nonce = getattr(field, "nonce", None)
        if callable(nonce):
            nonce = nonce()
        script_attrs = {"src": script, "async": True, "defer": True}
        if nonce:
            script_attrs["nonce"] = nonce
        return Markup("<script {}></script>\n<div {}></div>").format(
            Markup(html_params(**script_attrs)), Markup(html_params(**attrs))
        )

    def __call__(self, field: Field, error: t.Any = None, **kwargs: t.Any) -> Markup:
        if not setting("RECAPTCHA_ENABLED"):
            return Markup("<!-- recaptcha disabled -->")
        html = setting("RECAPTCHA_HTML")
        if html:
            return Markup(html)
        public_key = setting("RECAPTCHA_PUBLIC_KEY")
        if not public_key:
            raise RuntimeError(
                "RECAPTCHA_PUBLIC_KEY is not set: set app.config['RECAPTCHA_PUBLIC_KEY'] to the"
                " site key of your captcha."
            )
        return self.recaptcha_html(public_key, field, **kwargs)


def _attribute_name(name: str) -> str:
    """``class_`` -> ``class``, ``data_theme`` -> ``data-theme``, ``aria_label`` ->
    ``aria-label``, as WTForms spells attributes in keyword arguments."""
    if name.endswith("_") and not name.startswith("_"):
        name = name[:-1]
    if name.startswith(("data_", "aria_")):
        name = name.replace("_", "-")
    return name
