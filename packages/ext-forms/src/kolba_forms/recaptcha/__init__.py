"""reCAPTCHA (and look-alikes such as hCaptcha): ``RecaptchaField``, its widget and its
validator, whose verifier can be replaced (tests never call the network)."""

from .fields import RecaptchaField as RecaptchaField
from .validators import Recaptcha as Recaptcha
from .widgets import RecaptchaWidget as RecaptchaWidget
