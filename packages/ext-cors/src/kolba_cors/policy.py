"""A CORS policy: the compiled options of one resource or one decorated view, and the rules of
the Fetch standard that turn a request and a response into the CORS response headers.
"""

from __future__ import annotations

import dataclasses
import logging
import typing as t

from kolba import ConfigError, ExtensionState

from .options import (
    POLICY_OPTIONS,
    Matcher,
    PathPattern,
    Settings,
    is_origin,
    is_token,
    parse_setting,
)

if t.TYPE_CHECKING:
    from kolba import Request, Response

logger = logging.getLogger("kolba_cors")

ALLOW_ORIGIN = "Access-Control-Allow-Origin"
ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials"
ALLOW_METHODS = "Access-Control-Allow-Methods"
ALLOW_HEADERS = "Access-Control-Allow-Headers"
EXPOSE_HEADERS = "Access-Control-Expose-Headers"
MAX_AGE = "Access-Control-Max-Age"
ALLOW_PRIVATE_NETWORK = "Access-Control-Allow-Private-Network"
REQUEST_METHOD = "Access-Control-Request-Method"
REQUEST_HEADERS = "Access-Control-Request-Headers"
REQUEST_PRIVATE_NETWORK = "Access-Control-Request-Private-Network"

#: Set in the WSGI environ once a policy has taken charge of the request (the decorator's),
#: so the app-wide one leaves it alone.
APPLIED = "kolba_cors.applied"
#: Set in the WSGI environ when the response is made from an exception rather than returned
#: by the app, for ``intercept_exceptions``.
RAISED = "kolba_cors.raised"


def is_preflight(request: Request) -> bool:
    """Whether ``request`` is a CORS preflight: ``OPTIONS`` with Access-Control-Request-Method."""
    return request.method == "OPTIONS" and REQUEST_METHOD in request.headers


@dataclasses.dataclass(frozen=True)
class Policy:
    """The parsed options of one resource or decorated view."""

    origins: Matcher
    methods: tuple[str, ...]
    allow_headers: Matcher
    expose_headers: str | None
    supports_credentials: bool
    max_age: str | None
    send_wildcard: bool
    vary_header: bool
    automatic_options: bool
    always_send: bool
    allow_private_network: bool
    intercept_exceptions: bool

    @classmethod
    def build(cls, settings: Settings) -> Policy:
        """Parse ``settings`` into a policy, rejecting combinations the standard forbids."""
        policy = cls(**{name: parse_setting(settings, name) for name in POLICY_OPTIONS})
        if policy.supports_credentials:
            if policy.origins.any:
                raise ConfigError(
                    settings["supports_credentials"][1],
                    "credentials cannot be combined with origins '*': browsers refuse"
                    " credentialed responses that allow every origin, and echoing whatever"
                    " origin asks would let any web site act as your signed-in users. Set"
                    " origins (CORS_ORIGINS) to the front ends you trust, such as"
                    " ['https://app.example.com'] or re.compile(r'https://[a-z]+\\.example\\.com'),"
                    " or leave supports_credentials off.",
                )
            if policy.expose_headers is not None and "*" in policy.expose_headers.split(", "):
                raise ConfigError(
                    settings["expose_headers"][1],
                    "with credentials, browsers read '*' as a header named '*', not as every"
                    " header. List the header names to expose instead.",
                )
        return policy

    def _varies(self) -> bool:
        # Only a literal "*" sent whether or not an Origin came is the same for every request.
        return not (self.origins.any and self.send_wildcard and self.always_send)

    def allow_origin(self, origin: str | None) -> str | None:
        """The Access-Control-Allow-Origin value for a request from ``origin``, or ``None``."""
        if origin is None:
            if not self.always_send:
                return None
            if self.origins.any:
                return "*"
            if len(self.origins.literals) == 1 and not self.origins.patterns:
                return self.origins.literals[0]
            return None
        if not is_origin(origin):
            return None
        if self.origins.any and self.send_wildcard:
            return "*"
        return origin if self.origins.matches(origin) else None

    def _allows_method(self, method: str) -> bool:
        if not is_token(method):
            return False
        return self.methods == ("*",) or method.upper() in self.methods

    def allowed_request_headers(self, requested: str) -> str | None:
        """The requested header names that are allowed, as the Access-Control-Allow-Headers
        value (``None`` when none is)."""
        allowed: dict[str, str] = {}
        for name in requested.split(","):
            name = name.strip()
            if name and is_token(name) and self.allow_headers.matches(name):
                allowed.setdefault(name.lower(), name)
        return ", ".join(allowed[key] for key in sorted(allowed)) or None

    def apply(self, request: Request, response: Response) -> None:
        """Add the CORS headers this policy gives ``request`` to ``response``."""
        if (
            not self.intercept_exceptions
            and response.status_code >= 400
            and RAISED in request.environ
        ):
            return
        if self.vary_header and self._varies():
            response.vary.add("Origin")
        origin = request.headers.get("Origin")
        allow_origin = self.allow_origin(origin)
        if allow_origin is None:
            if origin is not None:
                # %r escapes control characters: nothing from the request reaches the log raw.
                logger.debug("Origin %r is not allowed on %r.", origin, request.path)
            return
        preflight = is_preflight(request)
        method = request.headers.get(REQUEST_METHOD, "").strip()
        if preflight and not self._allows_method(method):
            logger.debug("Preflight for method %r is not allowed on %r.", method, request.path)
            return
        headers = response.headers
        headers[ALLOW_ORIGIN] = allow_origin
        if self.supports_credentials:
            headers[ALLOW_CREDENTIALS] = "true"
        if not preflight:
            if self.expose_headers is not None:
                headers[EXPOSE_HEADERS] = self.expose_headers
            return
        headers[ALLOW_METHODS] = method if self.methods == ("*",) else ", ".join(self.methods)
        allow_headers = self.allowed_request_headers(request.headers.get(REQUEST_HEADERS, ""))
        if allow_headers is not None:
            headers[ALLOW_HEADERS] = allow_headers
        if self.max_age is not None:
            headers[MAX_AGE] = self.max_age
        if self.allow_private_network and (
            request.headers.get(REQUEST_PRIVATE_NETWORK, "").strip().lower() == "true"
        ):
            headers[ALLOW_PRIVATE_NETWORK] = "true"


@dataclasses.dataclass(frozen=True)
class CorsState(ExtensionState):
    """What ``app.extensions["cors"]`` holds: each resource's path and policy, the most
    specific path first."""

    resources: tuple[tuple[PathPattern, Policy], ...]

    def policy_for(self, path: str) -> Policy | None:
        """The policy of the first resource covering ``path``, or ``None``."""
        for pattern, policy in self.resources:
            if pattern.matches(path):
                return policy
        return None
