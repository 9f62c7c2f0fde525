"""kolba-forms: WTForms for kolba with Flask-WTF's API: ``KolbaForm`` (alias ``FlaskForm``),
``CSRFProtect`` with session-bound tokens and a Sec-Fetch-Site / Origin check, file fields and
``RecaptchaField``.
"""

from __future__ import annotations

from .csrf import CSRFProtect as CSRFProtect
from .form import FlaskForm as FlaskForm
from .form import Form as Form
from .form import KolbaForm as KolbaForm
from .recaptcha import Recaptcha as Recaptcha
from .recaptcha import RecaptchaField as RecaptchaField
from .recaptcha import RecaptchaWidget as RecaptchaWidget

__version__ = "0.1.0"
