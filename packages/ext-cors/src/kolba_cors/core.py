"""Flask-CORS's ``core`` module under the kolba name: the CORS header names, the option names
and defaults, and the helpers that turn options into a policy and a request into headers.

The helpers follow kolba-cors's matching rules: a plain string matches literally, a compiled
regex or a ``"re:"`` string is a pattern that must match the whole value (see the porting
guide).
"""

from __future__ import annotations

import re
import typing as t
from collections.abc import Iterable, Mapping

from werkzeug.test import EnvironBuilder

from kolba import current_app, request

from .options import ALL_METHODS as _ALL_METHODS
from .options import OPTIONS, overlay, settings_from_config
from .options import parse_resources as _parse_resources
from .policy import (
    ALLOW_CREDENTIALS,
    ALLOW_HEADERS,
    ALLOW_METHODS,
    ALLOW_ORIGIN,
    ALLOW_PRIVATE_NETWORK,
    EXPOSE_HEADERS,
    MAX_AGE,
    REQUEST_HEADERS,
    REQUEST_METHOD,
    REQUEST_PRIVATE_NETWORK,
    Policy,
)

if t.TYPE_CHECKING:
    from kolba import Blueprint, Kolba, Response

__all__ = [
    "ACL_ALLOW_HEADERS",
    "ACL_CREDENTIALS",
    "ACL_EXPOSE_HEADERS",
    "ACL_MAX_AGE",
    "ACL_METHODS",
    "ACL_ORIGIN",
    "ACL_REQUEST_HEADERS",
    "ACL_REQUEST_HEADER_PRIVATE_NETWORK",
    "ACL_REQUEST_METHOD",
    "ACL_RESPONSE_PRIVATE_NETWORK",
    "ALL_METHODS",
    "CONFIG_OPTIONS",
    "DEFAULT_OPTIONS",
    "RegexObject",
    "ensure_iterable",
    "flexible_str",
    "get_allow_headers",
    "get_app_kwarg_dict",
    "get_cors_headers",
    "get_cors_options",
    "get_cors_origins",
    "get_regexp_pattern",
    "parse_resources",
    "probably_regex",
    "re",
    "re_fix",
    "sanitize_regex_param",
    "serialize_options",
    "set_cors_headers",
    "try_match_any_pattern",
    "try_match_pattern",
]

# Response headers.
ACL_ORIGIN = ALLOW_ORIGIN
ACL_METHODS = ALLOW_METHODS
ACL_ALLOW_HEADERS = ALLOW_HEADERS
ACL_EXPOSE_HEADERS = EXPOSE_HEADERS
ACL_CREDENTIALS = ALLOW_CREDENTIALS
ACL_MAX_AGE = MAX_AGE
ACL_RESPONSE_PRIVATE_NETWORK = ALLOW_PRIVATE_NETWORK
# Request headers.
ACL_REQUEST_METHOD = REQUEST_METHOD
ACL_REQUEST_HEADERS = REQUEST_HEADERS
ACL_REQUEST_HEADER_PRIVATE_NETWORK = REQUEST_PRIVATE_NETWORK

#: Every method ``methods`` allows by default.
ALL_METHODS: list[str] = list(_ALL_METHODS)
#: The config keys the options may be set with, one per option.
CONFIG_OPTIONS: list[str] = [option.config_key for option in OPTIONS.values()]
#: Each option's default.
DEFAULT_OPTIONS: dict[str, t.Any] = {name: option.default for name, option in OPTIONS.items()}
#: The type of a compiled regular expression.
RegexObject = re.Pattern

_REGEX_HINTS = frozenset("*\\[]?$^()+{}|")


def serialize_options(opts: Mapping[str, t.Any]) -> Policy:
    """Check the options ``opts`` (over the defaults) and compile them into a policy.

    Raises ``ValueError`` (a :class:`kolba.ConfigError`) for a bad value or for credentials
    with origins ``"*"``.
    """
    return Policy.build(overlay(settings_from_config({}), opts))


def get_app_kwarg_dict(app_instance: Kolba | Blueprint | None = None) -> dict[str, t.Any]:
    """The options the app's ``CORS_*`` config keys set (the current app by default)."""
    config = getattr(app_instance or current_app, "config", {})
    return {name: config[o.config_key] for name, o in OPTIONS.items() if o.config_key in config}


def get_cors_options(app_instance: Kolba | Blueprint | None, *dicts: Mapping[str, t.Any]) -> Policy:
    """The policy of the app's ``CORS_*`` config with ``dicts`` on top, later ones winning."""
    merged = get_app_kwarg_dict(app_instance)
    for options in dicts:
        merged.update(options)
    return serialize_options(merged)


def parse_resources(
    resources: t.Any,
) -> list[tuple[str | re.Pattern[str], dict[str, t.Any]]]:
    """The resources as ``(path, options)`` pairs, the most specific path first; a path given
    as a compiled regex stays one."""
    pairs = []
    for path, options in _parse_resources(resources):
        compiled = path.regex is not None and path.regex.pattern == path.text
        pairs.append((path.regex if compiled else path.text, options))
    return pairs  # type: ignore[return-value]


def get_regexp_pattern(regexp: str | re.Pattern[str]) -> str:
    """The source of a pattern: the string itself, or a compiled regex's ``pattern``."""
    return regexp.pattern if isinstance(regexp, re.Pattern) else str(regexp)


def get_cors_origins(policy: Policy, request_origin: str | None) -> list[str] | None:
    """The Access-Control-Allow-Origin value the policy gives ``request_origin``, as a
    one-item list, or ``None`` when the origin is not allowed."""
    allowed = policy.allow_origin(request_origin)
    return None if allowed is None else [allowed]


def get_allow_headers(policy: Policy, acl_request_headers: str | None) -> str | None:
    """The requested header names the policy allows, sorted and comma-separated: ``None``
    when none were requested, ``""`` when none is allowed."""
    if not acl_request_headers:
        return None
    return policy.allowed_request_headers(acl_request_headers) or ""


def get_cors_headers(
    policy: Policy, request_headers: Mapping[str, str], request_method: str
) -> dict[str, str]:
    """The CORS headers the policy adds to the answer to a request with these headers and
    method (a preflight when the method is ``OPTIONS`` with Access-Control-Request-Method)."""
    from kolba import Request, Response

    headers = list(request_headers.items())
    environ = EnvironBuilder(method=request_method, headers=headers).get_environ()
    response = Response()
    policy.apply(Request(environ), response)
    return {
        name: value
        for name, value in response.headers.items()
        if name.lower().startswith("access-control-") or name == "Vary"
    }


def set_cors_headers(resp: Response, policy: Policy) -> Response:
    """Add the CORS headers the policy gives the current request to ``resp``."""
    policy.apply(request._get_current_object(), resp)  # type: ignore[attr-defined]
    return resp


def probably_regex(maybe_regex: str | re.Pattern[str]) -> bool:
    """Whether ``maybe_regex`` is a compiled regex or a string with regex syntax in it (which
    kolba-cors refuses as an origin unless given as ``re.compile(...)`` or ``"re:..."``)."""
    if isinstance(maybe_regex, re.Pattern):
        return True
    return any(char in _REGEX_HINTS for char in maybe_regex)


def re_fix(reg: str | re.Pattern[str]) -> str | re.Pattern[str]:
    """``"*"`` as the regex matching everything, ``".*"``; any other value as it is."""
    return r".*" if reg == r"*" else reg


def try_match_pattern(
    value: t.Any, pattern: str | re.Pattern[str], caseSensitive: bool = True
) -> bool:
    """Whether ``value`` matches ``pattern``: a compiled regex must match all of it, a string
    must equal it (ignoring case unless ``caseSensitive``)."""
    if isinstance(pattern, re.Pattern):
        return pattern.fullmatch(str(value)) is not None
    if caseSensitive:
        return str(value) == pattern
    return str(value).casefold() == pattern.casefold()


def try_match_any_pattern(
    inst: str,
    patterns: Iterable[str | re.Pattern[str]],
    caseSensitive: bool = True,
) -> bool:
    """Whether ``inst`` matches any of ``patterns`` (see :func:`try_match_pattern`)."""
    return any(try_match_pattern(inst, p, caseSensitive) for p in patterns)


def flexible_str(obj: t.Any) -> str | None:
    """A header value from a string (as it is) or from an iterable of strings (sorted and
    joined with ", "); ``None`` stays ``None``."""
    if obj is None:
        return None
    if not isinstance(obj, str) and isinstance(obj, Iterable):
        return ", ".join(sorted(str(item) for item in obj))
    return str(obj)


def ensure_iterable(inst: t.Any) -> Iterable[t.Any]:
    """``inst`` as an iterable: a string or a non-iterable becomes a one-item list."""
    if isinstance(inst, str) or not isinstance(inst, Iterable):
        return [inst]
    return inst


def sanitize_regex_param(param: t.Any) -> list[t.Any]:
    """``param`` as a list of patterns, with ``"*"`` meaning everything."""
    return [re_fix(item) for item in ensure_iterable(param)]
