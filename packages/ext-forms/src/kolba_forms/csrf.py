"""CSRF protection: session-bound signed tokens (``generate_csrf``, ``validate_csrf``), the
``CSRFProtect`` extension that checks every unsafe request by its Sec-Fetch-Site / Origin
headers and its token, exemptions by view or blueprint object, and ``CSRFError``.
"""

from __future__ import annotations

import dataclasses
import hmac
import json
import logging
import secrets
import typing as t
from urllib.parse import urlsplit

from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from markupsafe import Markup
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import BadRequest
from werkzeug.http import parse_accept_header
from wtforms import ValidationError
from wtforms.csrf.core import CSRF

from kolba import Blueprint, Extension, current_app, g, hookimpl, request, session

from .config import CONFIG_KEYS, setting

if t.TYPE_CHECKING:
    from jinja2 import Environment
    from wtforms.csrf.core import CSRFTokenField
    from wtforms.fields import Field
    from wtforms.form import BaseForm

    from kolba import Kolba

__all__ = [
    "CSRFError",
    "CSRFProtect",
    "CSRFState",
    "csrf_meta_tag",
    "generate_csrf",
    "same_origin",
    "validate_csrf",
]

logger = logging.getLogger(__name__)

_SALT = "kolba-forms-csrf-token"
# Where generate_csrf notes what the token in ``g`` was made from, so a token made before the
# session was cleared or regenerated within the same request is not handed out again.
_MADE_FROM = "_kolba_forms_csrf_made_from"


def _secret(secret_key: str | bytes | None) -> str | bytes:
    if secret_key is None:
        secret_key = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    if not secret_key:
        raise RuntimeError(
            "A secret key is required to use CSRF: set app.config['SECRET_KEY'] (or"
            " 'WTF_CSRF_SECRET_KEY') to a long random string."
        )
    return secret_key


def _field_name(token_key: str | None) -> str:
    return token_key or t.cast(str, setting("WTF_CSRF_FIELD_NAME"))


def _serializer(secret_key: str | bytes) -> URLSafeTimedSerializer:
    # A session store that gives each session an id (kolba-session-redis) has it in the salt:
    # regenerating the id at login turns every token handed out before into an invalid one.
    sid = getattr(session, "sid", None)
    salt = _SALT if sid is None else f"{_SALT}:{sid}"
    return URLSafeTimedSerializer(secret_key, salt=salt)


def generate_csrf(secret_key: str | bytes | None = None, token_key: str | None = None) -> str:
    """Return the CSRF token of the current session, creating the session's secret on first use.

    The session holds a random value under ``token_key`` (``WTF_CSRF_FIELD_NAME``); the token
    is that value signed with ``secret_key`` (``WTF_CSRF_SECRET_KEY``, else ``SECRET_KEY``) and
    the time, so it is worth nothing in another session. One request gets one token (cached in
    ``g``), unless the session is cleared or regenerated meanwhile.

    .. versionadded:: 0.1.0
    """
    secret = _secret(secret_key)
    field_name = _field_name(token_key)
    if field_name not in session:
        session[field_name] = secrets.token_hex(32)
    serializer = _serializer(secret)
    made_from = (session[field_name], serializer.salt, secret)
    notes: dict[str, t.Any] = g.setdefault(_MADE_FROM, {})
    if field_name not in g or notes.get(field_name) != made_from:
        setattr(g, field_name, serializer.dumps(session[field_name]))
        notes[field_name] = made_from
    return t.cast(str, g.get(field_name))


def validate_csrf(
    data: str | None,
    secret_key: str | bytes | None = None,
    time_limit: int | None = None,
    token_key: str | None = None,
) -> None:
    """Check a CSRF token against the current session; raise :class:`wtforms.ValidationError`
    with the reason if it is missing, expired, forged or another session's.

    ``time_limit`` defaults to ``WTF_CSRF_TIME_LIMIT`` seconds (``None`` there: no limit).

    .. versionadded:: 0.1.0
    """
    secret = _secret(secret_key)
    field_name = _field_name(token_key)
    if time_limit is None:
        time_limit = setting("WTF_CSRF_TIME_LIMIT")
    if not data:
        raise ValidationError("The CSRF token is missing.")
    if field_name not in session:
        raise ValidationError("The CSRF session token is missing.")
    try:
        token = _serializer(secret).loads(data, max_age=time_limit)
    except SignatureExpired:
        raise ValidationError("The CSRF token has expired.") from None
    except BadData:
        raise ValidationError("The CSRF token is invalid.") from None
    if not isinstance(token, str) or not hmac.compare_digest(session[field_name], token):
        raise ValidationError("The CSRF tokens do not match.")


def csrf_meta_tag(
    name: str | None = None, secret_key: str | bytes | None = None, token_key: str | None = None
) -> Markup:
    """A ``<meta name="csrf-token" content="...">`` tag holding the token, for scripts that send
    it in the ``X-CSRFToken`` header; ``name`` defaults to ``WTF_CSRF_META_NAME``.

    .. versionadded:: 0.1.0
    """
    name = name or setting("WTF_CSRF_META_NAME")
    token = generate_csrf(secret_key=secret_key, token_key=token_key)
    return Markup('<meta name="{}" content="{}">').format(name, token)


def same_origin(current_uri: str, compare_uri: str) -> bool:
    """Whether two URLs have the same scheme, host and port."""
    try:
        current, compare = urlsplit(current_uri), urlsplit(compare_uri)
        return (current.scheme, current.hostname, current.port) == (
            compare.scheme,
            compare.hostname,
            compare.port,
        )
    except ValueError:  # a malformed URL, or a port that is no number
        return False


class CSRFError(BadRequest):
    """A request failed the CSRF check: a 400 whose ``description`` is the reason. Register an
    error handler for it to answer otherwise; a JSON request gets a JSON body.

    .. versionadded:: 0.1.0
    """

    description = "CSRF validation failed."

    def get_headers(
        self, environ: t.Any | None = None, scope: t.Any | None = None
    ) -> list[tuple[str, str]]:
        if _wants_json(environ):
            return [("Content-Type", "application/json")]
        return super().get_headers(environ, scope)

    def get_body(self, environ: t.Any | None = None, scope: t.Any | None = None) -> str:
        if _wants_json(environ):
            return json.dumps({"error": "csrf", "reason": self.description})
        return super().get_body(environ, scope)


def _wants_json(environ: t.Any | None) -> bool:
    if not environ:
        return False
    if str(environ.get("CONTENT_TYPE", "")).startswith("application/json"):
        return True
    accept = parse_accept_header(environ.get("HTTP_ACCEPT"), MIMEAccept)
    return accept.best_match(["text/html", "application/json"]) == "application/json"


def _refuse(reason: str) -> t.NoReturn:
    logger.info(reason)
    raise CSRFError(reason)


_SITES = frozenset({"same-origin", "same-site", "cross-site", "none"})


def check_origin() -> bool:
    """Refuse a request that a browser says comes from another origin; return whether its
    origin is known to be this one (or a trusted one).

    ``Sec-Fetch-Site`` decides when the browser sent it (``same-origin``, or ``none`` for a
    request the user started, pass); else ``Origin`` must match the host. A request with
    neither did not come from a modern browser's page, and is left to the token check.
    """
    origin = request.headers.get("Origin")
    if origin is not None and origin in setting("WTF_CSRF_TRUSTED_ORIGINS"):
        return True
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        if site in ("same-origin", "none"):
            return True
        shown = site if site in _SITES else "unknown"
        _refuse(f"The request came from another site (Sec-Fetch-Site: {shown}).")
    if origin is not None:
        if origin == "null" or not same_origin(origin, request.host_url):
            _refuse("The Origin header does not match the host.")
        return True
    return False


def _check_referrer() -> None:
    referrer = request.referrer
    if not referrer:
        _refuse("The referrer header is missing.")
    if not same_origin(referrer, f"https://{request.host}/"):
        _refuse("The referrer does not match the host.")


@dataclasses.dataclass(frozen=True)
class CSRFState:
    """What ``app.extensions["csrf"]`` holds: the app's ``CSRFProtect``, whose ``exempt`` and
    ``protect`` it offers, as Flask-WTF's entry (the extension object itself) did."""

    protector: CSRFProtect

    def exempt(self, view: _Exemptable) -> _Exemptable:
        """:meth:`CSRFProtect.exempt`."""
        return self.protector.exempt(view)

    def protect(self, apply_exemptions: bool = False) -> None:
        """:meth:`CSRFProtect.protect`."""
        self.protector.protect(apply_exemptions=apply_exemptions)


_Exemptable = t.TypeVar("_Exemptable", bound="t.Callable[..., t.Any] | Blueprint")


class CSRFProtect(Extension):
    """CSRF protection for every unsafe request of a kolba app (forms, AJAX, JSON).

    ``CSRFProtect(app)`` or ``csrf = CSRFProtect(); csrf.init_app(app)``. Before each request
    whose method is in ``WTF_CSRF_METHODS``, the request is refused with :class:`CSRFError`
    (400) when its ``Sec-Fetch-Site`` or ``Origin`` header shows another origin
    (``WTF_CSRF_CHECK_ORIGIN``), when it carries no valid token of this session in the form
    field ``WTF_CSRF_FIELD_NAME`` or a header of ``WTF_CSRF_HEADERS``
    (``WTF_CSRF_REQUIRE_TOKEN``), or, on HTTPS without a known origin, when its ``Referer``
    is another origin (``WTF_CSRF_SSL_STRICT``). Templates get ``csrf_token()`` and
    ``csrf_meta_tag()``.

    .. versionadded:: 0.1.0
    """

    name = "csrf"
    config_keys = CONFIG_KEYS
    distribution = "kolba-forms"

    def __init__(self, app: Kolba | None = None) -> None:
        self._exempt_views: set[t.Callable[..., t.Any]] = set()
        self._exempt_blueprints: list[Blueprint] = []
        super().__init__(app)

    def init_app(self, app: Kolba) -> None:
        """Check every request of ``app`` and give its templates ``csrf_token()``."""
        super().init_app(app)
        app.before_request(self._protect_request)
        if "jinja_env" in app.__dict__:  # created before init_app: the hook will not run
            self.kolba_jinja_environment(app, app.jinja_env)

    def create_state(self, app: Kolba) -> CSRFState:
        return CSRFState(self)

    @hookimpl
    def kolba_jinja_environment(self, app: Kolba, env: Environment) -> None:
        """Offer ``csrf_token()`` and ``csrf_meta_tag()`` to every template."""
        env.globals["csrf_token"] = generate_csrf
        env.globals["csrf_meta_tag"] = csrf_meta_tag

    def exempt(self, view: _Exemptable) -> _Exemptable:
        """Leave a view function or a blueprint (with the blueprints nested in it) unchecked;
        usable as a decorator. Exemptions are by object: two views named alike in two
        blueprints stay separate, and a name (a string) is refused.

        .. versionadded:: 0.1.0
        """
        if isinstance(view, Blueprint):
            self._exempt_blueprints.append(view)
        elif callable(view) and not isinstance(view, str):
            self._exempt_views.add(view)
        else:
            raise TypeError(
                f"exempt() takes a view function or a Blueprint, not {view!r}: pass the object"
                " itself (exemption by name would also exempt other views of that name)."
            )
        return view

    def is_exempt(self) -> bool:
        """Whether the current request's view or one of its blueprints is exempt."""
        app: Kolba = t.cast(t.Any, current_app)._get_current_object()
        if request.endpoint is None:
            return False
        view = app.view_functions.get(request.endpoint)
        if view is not None and view in self._exempt_views:
            return True
        exempt = self._exempt_blueprints
        return any(
            any(app.blueprints.get(name) is bp for bp in exempt) for name in request.blueprints
        )

    def protect(self, apply_exemptions: bool = False) -> None:
        """Check the current request now; raise :class:`CSRFError` if it fails. For views or
        hooks that protect themselves (``WTF_CSRF_CHECK_DEFAULT = False``, or an exempt view);
        ``apply_exemptions`` leaves exempt views alone.

        .. versionadded:: 0.1.0
        """
        if request.method not in setting("WTF_CSRF_METHODS"):
            return
        if apply_exemptions and (request.endpoint is None or self.is_exempt()):
            return  # an unknown URL stays a 404
        known_origin = check_origin() if setting("WTF_CSRF_CHECK_ORIGIN") else False
        if setting("WTF_CSRF_REQUIRE_TOKEN"):
            try:
                validate_csrf(self._token_from_request())
            except ValidationError as e:
                _refuse(e.args[0])
        if not known_origin and request.is_secure and setting("WTF_CSRF_SSL_STRICT"):
            _check_referrer()
        g.csrf_valid = True

    def _protect_request(self) -> None:
        if not setting("WTF_CSRF_ENABLED") or not setting("WTF_CSRF_CHECK_DEFAULT"):
            return
        if request.method not in setting("WTF_CSRF_METHODS") or request.endpoint is None:
            return  # an unknown URL stays a 404
        if self.is_exempt():
            return
        self.protect()

    def _token_from_request(self) -> str | None:
        """The token from the form field (also with a form prefix), a header, or a JSON body."""
        field_name = setting("WTF_CSRF_FIELD_NAME")
        token = request.form.get(field_name)
        if token:
            return token
        for key in request.form:
            if key.endswith(field_name) and request.form[key]:
                return request.form[key]
        for header in setting("WTF_CSRF_HEADERS"):
            token = request.headers.get(header)
            if token:
                return token
        if request.is_json:
            body = request.get_json(silent=True)
            if isinstance(body, dict) and isinstance(body.get(field_name), str):
                return t.cast(str, body[field_name])
        return None


class KolbaFormCSRF(CSRF):
    """The CSRF implementation of :class:`~kolba_forms.KolbaForm`: the session-bound tokens
    above; a request ``CSRFProtect`` already checked is not checked twice."""

    meta: t.Any

    def setup_form(self, form: BaseForm) -> list[tuple[str, t.Any]]:
        self.meta = form.meta
        return t.cast("list[tuple[str, t.Any]]", super().setup_form(form))

    def generate_csrf_token(self, csrf_token_field: CSRFTokenField) -> str:
        return generate_csrf(secret_key=self.meta.csrf_secret, token_key=self.meta.csrf_field_name)

    def validate_csrf_token(self, form: BaseForm, field: Field) -> None:
        if g.get("csrf_valid", False):
            return
        try:
            validate_csrf(
                field.data,
                secret_key=self.meta.csrf_secret,
                time_limit=self.meta.csrf_time_limit,
                token_key=self.meta.csrf_field_name,
            )
        except ValidationError as e:
            logger.info(e.args[0])
            raise
