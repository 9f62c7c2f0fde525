"""Translation of WTForms' messages into the request's locale, using the catalogs that ship
with WTForms. The locale comes from the app's translations provider: the object in
``app.extensions["babel"]``, whose ``locale_selector()`` returns the request's locale (as
Flask-Babel's configuration does).
"""

from __future__ import annotations

import functools
import typing as t

from wtforms.i18n import get_translations as _wtforms_translations

from kolba import current_app, has_request_context

__all__ = ["Translations", "current_locale", "translations"]


def current_locale() -> str | None:
    """The request's locale from the app's translations provider, or ``None`` when there is
    no request or no provider."""
    if not has_request_context():
        return None
    provider = current_app.extensions.get("babel")
    selector = getattr(provider, "locale_selector", None)
    locale = selector() if callable(selector) else None
    return None if locale is None else str(locale)


@functools.lru_cache(maxsize=64)
def _catalog(locale: str) -> t.Any:
    return _wtforms_translations([locale])


class Translations:
    """``gettext``/``ngettext`` in the current request's locale; untranslated without one."""

    def gettext(self, string: str) -> str:
        locale = current_locale()
        return string if locale is None else t.cast(str, _catalog(locale).gettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        locale = current_locale()
        if locale is None:
            return singular if n == 1 else plural
        return t.cast(str, _catalog(locale).ngettext(singular, plural, n))


#: The translations :class:`~kolba_forms.KolbaForm` uses when ``WTF_I18N_ENABLED`` is on.
translations = Translations()


def provider_installed() -> bool:
    """Whether the current app has a translations provider."""
    return "babel" in current_app.extensions
