"""``KolbaForm``: a WTForms form that takes its data from the current request (form, files or
JSON), carries a session-bound CSRF token, and answers its errors as JSON.
"""

from __future__ import annotations

import typing as t
from functools import cached_property

from markupsafe import Markup
from werkzeug.datastructures import CombinedMultiDict, ImmutableMultiDict
from werkzeug.exceptions import BadRequest
from wtforms import Form as _WTForm
from wtforms.meta import DefaultMeta
from wtforms.widgets import HiddenInput

from kolba import current_app, has_request_context, request

from . import i18n
from .config import setting
from .csrf import KolbaFormCSRF

if t.TYPE_CHECKING:
    from wtforms.fields import Field
    from wtforms.form import BaseForm

    from kolba import Response

__all__ = ["FlaskForm", "Form", "KolbaForm"]

SUBMIT_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class _Auto:
    """Take the form data from the request (the default of ``formdata``)."""


def _is_submitted() -> bool:
    return has_request_context() and request.method in SUBMIT_METHODS


class KolbaForm(_WTForm):
    """A WTForms :class:`~wtforms.Form` for kolba: created in a view without arguments, it reads
    ``request.files`` and ``request.form``, or a JSON object body, when the request submits
    data; ``formdata=None`` reads nothing. CSRF protection is on while ``WTF_CSRF_ENABLED``
    (and ``WTF_CSRF_REQUIRE_TOKEN``) is; ``class Meta: csrf = False`` turns it off for one form.

    .. versionadded:: 0.1.0
    """

    class Meta(DefaultMeta):
        csrf_class = KolbaFormCSRF

        @cached_property
        def csrf(self) -> bool:  # type: ignore[override]
            return bool(setting("WTF_CSRF_ENABLED") and setting("WTF_CSRF_REQUIRE_TOKEN"))

        @cached_property
        def csrf_secret(self) -> t.Any:  # type: ignore[override]
            return current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key

        @cached_property
        def csrf_field_name(self) -> str:  # type: ignore[override]
            return t.cast(str, setting("WTF_CSRF_FIELD_NAME"))

        @cached_property
        def csrf_time_limit(self) -> int | None:
            return t.cast("int | None", setting("WTF_CSRF_TIME_LIMIT"))

        def wrap_formdata(self, form: BaseForm, formdata: t.Any) -> t.Any:
            if formdata is not _Auto:
                return formdata
            if not _is_submitted():
                return None
            if request.files:
                return CombinedMultiDict((request.files, request.form))
            if request.form:
                return request.form
            if request.is_json:
                body = request.get_json()
                if not isinstance(body, dict):
                    raise BadRequest("The form expects a JSON object of field names and values.")
                return ImmutableMultiDict(body)
            return None

        def get_translations(self, form: BaseForm) -> t.Any:
            if setting("WTF_I18N_ENABLED") and i18n.provider_installed():
                return i18n.translations
            return super().get_translations(form)

    def __init__(self, formdata: t.Any = _Auto, **kwargs: t.Any) -> None:
        super().__init__(formdata=formdata, **kwargs)

    def is_submitted(self) -> bool:
        """Whether the current request submits data (``POST``, ``PUT``, ``PATCH``, ``DELETE``)."""
        return _is_submitted()

    def validate_on_submit(self, extra_validators: t.Any = None) -> bool:
        """:meth:`validate` the form when the request submits it; ``False`` otherwise."""
        return self.is_submitted() and self.validate(extra_validators=extra_validators)

    def hidden_tag(self, *fields: str | Field) -> Markup:
        """Render the CSRF field and every field with a hidden widget (or only ``fields``)."""
        chosen: t.Iterable[t.Any] = fields or self
        rendered = []
        for field in chosen:
            if isinstance(field, str):
                field = getattr(self, field, None)
            if field is not None and isinstance(field.widget, HiddenInput):
                rendered.append(str(field))
        return Markup("\n".join(rendered))

    def errors_response(self, status: int = 400) -> Response:
        """A JSON response of the form's errors, ``{"errors": {"field": ["message", ...]}}``,
        for forms submitted by scripts.

        .. versionadded:: 0.1.0
        """
        response = current_app.json.response({"errors": self.errors})
        response.status_code = status
        return response


#: Flask-WTF's name for :class:`KolbaForm`, so ported code keeps working.
FlaskForm = KolbaForm
#: The name older Flask-WTF releases (and the tutorials written for them) used.
Form = KolbaForm
