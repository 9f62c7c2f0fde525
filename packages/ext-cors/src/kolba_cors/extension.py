"""The ``CORS`` extension: CORS headers for the app's resources, added by an after_request
function (which error responses pass through too), and early answers to preflight requests.
"""

from __future__ import annotations

import typing as t

from werkzeug.exceptions import MethodNotAllowed

from kolba import Extension, current_app, hookimpl, request

from .decorator import MARK
from .options import (
    CONFIG_KEYS,
    OPTIONS,
    check_names,
    check_values,
    overlay,
    parse_setting,
    settings_from_config,
)
from .policy import ALLOW_ORIGIN, APPLIED, CorsState, Policy, is_preflight

if t.TYPE_CHECKING:
    from kolba import Kolba, Response


class CORS(Extension):
    """Cross-origin resource sharing for kolba apps, following the Fetch standard.

    ``CORS(app, **options)`` or ``CORS(**options).init_app(app)``. Every option may also be
    set as a ``CORS_<OPTION>`` config key; options given here win over the config, and a
    resource's own options win over both::

        CORS(app, resources={"/api/*": {"origins": ["https://app.example.com"]}})

    Options: ``origins``, ``methods``, ``allow_headers``, ``expose_headers``,
    ``supports_credentials``, ``max_age``, ``send_wildcard``, ``vary_header``,
    ``automatic_options``, ``always_send``, ``allow_private_network``,
    ``intercept_exceptions`` and ``resources``. A bad value, or credentials together with
    origins ``"*"``, raises :class:`kolba.ConfigError` naming the option and the fix.

    The per-app state, a :class:`~kolba_cors.policy.CorsState`, is ``app.extensions["cors"]``.

    .. versionadded:: 0.1.0
    """

    name = "cors"
    config_keys = CONFIG_KEYS
    distribution = "kolba-cors"

    def __init__(self, app: Kolba | None = None, **options: t.Any) -> None:
        check_names(options, OPTIONS, "CORS()")
        check_values(options)
        self._options = options
        super().__init__(app)

    def init_app(self, app: Kolba, **options: t.Any) -> None:
        """Enable CORS on ``app``; ``options`` here add to the constructor's, for this app."""
        if options:
            check_names(options, OPTIONS, "init_app()")
            type(self)(**{**self._options, **options}).init_app(app)
            return
        super().init_app(app)
        app.after_request(self._add_headers)
        app.before_request(self._answer_preflight)
        # A preflight carries no credentials: answer it before hooks that would demand some.
        before = app.before_request_funcs[None]
        before.insert(0, before.pop())

    def create_state(self, app: Kolba) -> CorsState:
        settings = overlay(settings_from_config(app.config), self._options)
        return CorsState(
            tuple(
                (path, Policy.build(overlay(settings, options, f"resource {path.text!r} ")))
                for path, options in parse_setting(settings, "resources")
            )
        )

    def _add_headers(self, response: Response) -> Response:
        if APPLIED in request.environ or ALLOW_ORIGIN in response.headers:
            return response
        policy = self.state(current_app).policy_for(request.path)
        if policy is not None:
            policy.apply(request, response)
        return response

    def _answer_preflight(self) -> Response | None:
        if not is_preflight(request):
            return None
        policy = self.state(current_app).policy_for(request.path)
        if policy is None or not policy.automatic_options:
            return None
        if request.url_rule is not None:
            view = current_app.view_functions.get(request.url_rule.endpoint)
            if hasattr(view, MARK):
                return None  # @cross_origin answers for its own view
        elif not isinstance(request.routing_exception, MethodNotAllowed):
            return None
        return current_app.make_default_options_response()

    @hookimpl
    def kolba_app_startup(self, app: Kolba) -> None:
        """Check the options of every ``@cross_origin`` view at start-up, not on its first
        request."""
        for view in app.view_functions.values():
            spec = getattr(view, MARK, None)
            if spec is not None:
                spec.policy(app)
