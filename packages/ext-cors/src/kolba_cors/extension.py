"""The ``CORS`` extension: CORS headers for the app's resources, added by an after_request
function (which error responses pass through too), and early answers to preflight requests.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import typing as t

from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import RequestRedirect

from kolba import Blueprint, Extension, current_app, has_request_context, hookimpl, request
from kolba.globals import request_ctx

from .decorator import MARK, CrossOrigin
from .options import (
    CONFIG_KEYS,
    OPTIONS,
    PathPattern,
    Settings,
    check_names,
    check_values,
    overlay,
    parse_setting,
    settings_from_config,
)
from .policy import ALLOW_ORIGIN, APPLIED, RAISED, CorsState, Policy

if t.TYPE_CHECKING:
    from kolba import Kolba, Request, Response


# The WSGI environ key of the Access-Control-Request-Method header, which marks a preflight.
_PREFLIGHT_HEADER = "HTTP_ACCESS_CONTROL_REQUEST_METHOD"

#: The logger of kolba-cors, as in Flask-CORS: ``logging.getLogger("kolba_cors")``.
LOG = logging.getLogger("kolba_cors")


class CORS(Extension[CorsState]):
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

    def __init__(self, app: Kolba | Blueprint | None = None, **options: t.Any) -> None:
        # A blueprint is accepted here too, as in Flask-CORS; init_app tells them apart.
        super().__init__(t.cast("Kolba | None", app), **options)

    def check_options(self, options: t.Mapping[str, t.Any]) -> None:
        """Reject unknown options and bad values where they are written, naming the option."""
        check_names(options, OPTIONS, f"{type(self).__name__}()")
        check_values(options)

    def init_app(self, app: Kolba | Blueprint, **options: t.Any) -> CorsState:
        """Enable CORS on ``app`` and return its state; see :meth:`kolba.Extension.init_app`.

        ``app`` may also be a blueprint, as with Flask-CORS: its own routes then get the
        headers, with these options over the defaults (a blueprint has no config), added by
        an ``after_request`` function of the blueprint.
        """
        if not isinstance(app, Blueprint):
            return super().init_app(app, **options)
        self.check_options(options)
        state = _compile(settings_from_config({}), {**self.options, **options})

        def add_headers(response: Response) -> Response:
            if APPLIED not in request.environ and ALLOW_ORIGIN not in response.headers:
                policy = state.policy_for(request.path)
                if policy is not None:
                    policy.apply(request, response)
            return response

        app.after_request(add_headers)
        return state

    def create_state(self, app: Kolba, options: t.Mapping[str, t.Any]) -> CorsState:
        """Compile each resource's policy from the ``CORS_*`` config and the options (those
        given to ``init_app`` win over the constructor's), and add the after-request function
        that puts the headers on every response."""
        state = _compile(settings_from_config(app.config), options)
        if self._add_headers not in app.after_request_funcs.get(None, ()):
            app.after_request(self._add_headers)
        return state

    def _add_headers(self, response: Response) -> Response:
        if APPLIED in request.environ or ALLOW_ORIGIN in response.headers:
            return response
        policy = self._policy(_target())
        if policy is not None:
            policy.apply(request, response)
        return response

    @hookimpl
    def kolba_before_request(self, app: Kolba, request: Request) -> Response | None:
        """Answer a preflight before the app's own ``before_request`` functions run: it
        carries no credentials, so a login check there would refuse it."""
        environ = request_ctx.environ
        # Decided from the environ, so other requests do not build the request object here.
        if environ.get("REQUEST_METHOD") != "OPTIONS" or _PREFLIGHT_HEADER not in environ:
            return None
        target = _target()
        if not target.found:
            return None  # an unknown URL: the app's 404, with CORS headers
        policy = self._policy(target)
        if policy is None or not policy.automatic_options:
            return None
        return target.options_response()  # _add_headers adds the policy's headers

    def _policy(self, target: _Target) -> Policy | None:
        """A ``@cross_origin`` view's own policy, else the policy of the resource covering the
        path."""
        app: Kolba = t.cast(t.Any, current_app)._get_current_object()
        spec = t.cast(CrossOrigin | None, getattr(target.view, MARK, None))
        if spec is not None:
            return spec.policy(app)
        return self.state(app).policy_for(target.path)

    @hookimpl(wrapper=True)
    def kolba_handle_exception(
        self, app: Kolba, error: Exception
    ) -> t.Generator[None, t.Any, t.Any]:
        """Note that the response is made from an exception, for ``intercept_exceptions``;
        leave the answer to the app and the other plugins."""
        if has_request_context():
            request.environ[RAISED] = True
        return (yield)

    @hookimpl
    def kolba_app_startup(self, app: Kolba) -> None:
        """Check the options of every ``@cross_origin`` view at start-up, not on its first
        request."""
        for view in app.view_functions.values():
            spec = getattr(view, MARK, None)
            if spec is not None:
                spec.policy(app)


def _compile(config: Settings, options: t.Mapping[str, t.Any]) -> CorsState:
    """The state of ``options`` over ``config``: each resource's path and compiled policy."""
    settings = overlay(config, options)
    return CorsState(
        tuple(
            (path, Policy.build(overlay(settings, resource, f"resource {path.text!r} ")))
            for path, resource in parse_setting(settings, "resources")
        )
    )


@dataclasses.dataclass(frozen=True)
class _Target:
    """What a request is for: the path whose resource applies, the view (``None`` for an
    unknown URL or a method the route does not take) and whether the path has a route."""

    path: str
    view: t.Any
    found: bool

    def options_response(self) -> Response:
        """The automatic answer to ``OPTIONS`` for this path: empty, with ``Allow``."""
        if self.path == request.path:
            return current_app.make_default_options_response()
        response = current_app.response_class()
        adapter = request_ctx.url_adapter
        if adapter is not None:
            response.allow.update(adapter.allowed_methods(self.path))
        return response


def _target() -> _Target:
    """The target of the current request. A path that lacks only the trailing slash of a route
    (werkzeug redirects it to the route with a 308) counts as that route's path: browsers
    refuse a redirect in answer to a preflight, so the preflight is answered for the route
    the request will be redirected to, and the redirect gets the same CORS headers."""
    path = request.path
    rule = request.url_rule
    error = request.routing_exception
    if rule is not None:
        return _Target(path, current_app.view_functions.get(rule.endpoint), True)
    if isinstance(error, MethodNotAllowed):
        return _Target(path, None, True)
    adapter = request_ctx.url_adapter
    if isinstance(error, RequestRedirect) and adapter is not None and not path.endswith("/"):
        target = path + "/"
        try:
            rule, _ = adapter.match(target, method=request.method, return_rule=True)
        except MethodNotAllowed:
            return _Target(target, None, True)
        except HTTPException:
            pass  # not a redirect that only adds the slash
        else:
            return _Target(target, current_app.view_functions.get(rule.endpoint), True)
    return _Target(path, None, False)


def make_after_request_function(
    resources: t.Sequence[tuple[str | re.Pattern[str], Policy]],
) -> t.Callable[[Response], Response]:
    """An ``after_request`` function adding the headers of the first of ``resources`` (path
    and policy, most specific first, as :func:`kolba_cors.core.parse_resources` and
    :func:`kolba_cors.core.serialize_options` give them) that covers the request's path.
    ``CORS`` does this for you; this is for apps that register the function themselves."""
    compiled = [(PathPattern.parse(path), policy) for path, policy in resources]

    def cors_after_request(response: Response) -> Response:
        if ALLOW_ORIGIN in response.headers:
            return response
        for path, policy in compiled:
            if path.matches(request.path):
                policy.apply(request, response)
                break
        return response

    return cors_after_request
