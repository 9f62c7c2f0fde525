"""``cross_origin``: CORS for one view, the same on ``def`` and ``async def`` views, with the
app's ``CORS_*`` config as its defaults.
"""

from __future__ import annotations

import functools
import typing as t
import weakref

from kolba import after_this_request, current_app, request, view_decorator

from .options import POLICY_OPTIONS, check_names, check_values, overlay, settings_from_config
from .policy import APPLIED, RAISED, Policy

if t.TYPE_CHECKING:
    from kolba import Kolba, Response

F = t.TypeVar("F", bound=t.Callable[..., t.Any])

#: The attribute holding a decorated view's :class:`CrossOrigin`.
MARK = "_kolba_cross_origin"


class CrossOrigin:
    """The options of one ``@cross_origin(...)`` and the policy they give on each app."""

    def __init__(self, options: dict[str, t.Any]) -> None:
        self.options = options
        self._policies: weakref.WeakKeyDictionary[Kolba, Policy] = weakref.WeakKeyDictionary()

    def policy(self, app: Kolba) -> Policy:
        """The policy on ``app``: its ``CORS_*`` config overlaid with the options."""
        policy = self._policies.get(app)
        if policy is None:
            settings = overlay(settings_from_config(app.config), self.options)
            policy = self._policies[app] = Policy.build(settings)
        return policy


def _apply(policy: Policy, response: Response) -> Response:
    policy.apply(request, response)
    return response


def cross_origin(**options: t.Any) -> t.Callable[[F], F]:
    """Enable CORS on one view; put it below ``@app.route``::

        @app.route("/api/ping")
        @cross_origin(origins=["https://app.example.com"], max_age=600)
        async def ping():
            return {"pong": True}

    The options are those of :class:`~kolba_cors.CORS` except ``resources``; the app's
    ``CORS_*`` config supplies the ones not given. The headers go on every response of the
    view, error responses included. With ``automatic_options`` (the default) preflights get
    this view's policy: with ``CORS(app)`` they are answered before the app's
    ``before_request`` hooks run, otherwise the view answers ``OPTIONS`` itself.

    .. versionadded:: 0.1.0
    """
    check_names(options, POLICY_OPTIONS, "cross_origin()")
    check_values(options)
    if "origins" in options and "supports_credentials" in options:
        # Decided by these options alone, whatever the app's config: fail at import time.
        Policy.build(overlay(settings_from_config({}), options))
    spec = CrossOrigin(options)

    def around(call_view: t.Callable[[], t.Any], *args: t.Any, **kwargs: t.Any) -> t.Any:
        app: Kolba = t.cast(t.Any, current_app)._get_current_object()
        policy = spec.policy(app)
        request.environ[APPLIED] = True
        # Registered before the view runs, so error responses get the headers as well.
        after_this_request(functools.partial(_apply, policy))
        if policy.automatic_options and request.method == "OPTIONS":
            return app.make_default_options_response()
        try:
            return call_view()
        except Exception:
            # Whatever response is made from it counts as one from an exception.
            request.environ[RAISED] = True
            raise

    decorate = view_decorator(around)

    def decorator(view: F) -> F:
        wrapped = decorate(view)
        setattr(wrapped, MARK, spec)
        if options.get("automatic_options", True):
            methods = {*getattr(view, "required_methods", ()), "OPTIONS"}
            setattr(wrapped, "required_methods", methods)  # noqa: B010
            setattr(wrapped, "provide_automatic_options", False)  # noqa: B010
        return t.cast(F, wrapped)

    return decorator
