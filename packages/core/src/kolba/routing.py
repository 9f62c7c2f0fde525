"""kolba's router: finds the rule of a request for the common rule shapes, and hands every
other request to werkzeug's matcher, whose semantics it keeps.

A :class:`Router` is built from the app's URL map on the first request after a change (a
setup method, a rule added to ``app.url_map`` directly, or a change of ``SERVER_NAME`` or
``TRUSTED_HOSTS``). Rules without variables are found in a dict keyed by path; requests it
cannot answer with certainty (another method, a trailing-slash redirect, a 404, a host or
subdomain rule) go to ``MapAdapter.match``, so redirects, 405 with ``Allow`` and 404 are
werkzeug's own.
"""

from __future__ import annotations

import typing as t
from collections import Counter

if t.TYPE_CHECKING:
    from werkzeug.routing import Rule

    from .app import Kolba
    from .ctx import RequestContext

_StaticEntry = tuple["Rule", frozenset[str] | None, t.Mapping[str, t.Any] | None]


class Router:
    """The compiled form of one app's URL map; see the module docstring."""

    __slots__ = ("rule_count", "server_name", "static", "trusted_hosts")

    def __init__(self, app: Kolba) -> None:
        url_map = app.url_map
        config = app.config
        url_map.update()
        self.rule_count = _rule_count(app)
        self.server_name = config["SERVER_NAME"]
        self.trusted_hosts = config["TRUSTED_HOSTS"]
        self.static: dict[str, list[_StaticEntry]] | None = None
        # With trusted hosts the Host header must be checked by binding; with host or
        # subdomain matching a path alone does not decide the rule.
        if (
            self.trusted_hosts is None
            and not url_map.host_matching
            and not app._matches_subdomains()
        ):
            self.static = _static_table(app)

    def current(self, app: Kolba) -> bool:
        """Whether this router still describes ``app``'s URL map and routing config."""
        config = app.config
        return (
            self.rule_count == _rule_count(app)
            and config["SERVER_NAME"] == self.server_name
            and config["TRUSTED_HOSTS"] is self.trusted_hosts
        )

    def match(self, ctx: RequestContext) -> tuple[Rule, dict[str, t.Any]] | None:
        """The rule and view arguments of ``ctx``'s request; ``None`` when there is no URL
        adapter to match with. Raises werkzeug's routing exceptions (404, 405, redirects)."""
        environ = ctx.environ
        static = self.static
        if static is not None and not suspicious_host(environ.get("HTTP_HOST", "")):
            entries = static.get(environ.get("PATH_INFO", ""))
            if entries is not None:
                method = environ.get("REQUEST_METHOD", "GET")
                for rule, methods, defaults in entries:
                    if methods is None or method in methods:
                        return rule, dict(defaults) if defaults else {}
        adapter = ctx.url_adapter
        if adapter is None:
            return None
        rule, args = adapter.match(return_rule=True)
        return rule, dict(args)


def _rule_count(app: Kolba) -> int:
    """A cheap fingerprint of the rule set: rules added with ``url_map.add()`` bypass the setup
    methods, and werkzeug marks its map for re-sorting (``_remap``) on every ``add``; a rule of
    a new endpoint also grows the endpoint table. ``-1`` while a re-sort is pending."""
    url_map = app.url_map
    if url_map._remap:
        return -1
    return len(url_map._rules_by_endpoint)


def _static_table(app: Kolba) -> dict[str, list[_StaticEntry]]:
    """The path -> rules table of the rules without variables that the dict can decide."""
    table: dict[str, list[_StaticEntry]] = {}
    rules = list(app.url_map.iter_rules())
    rule_count = Counter(r.endpoint for r in rules)
    # werkzeug redirects between rules of one endpoint that differ by defaults; leave those
    # endpoints to werkzeug's matcher.
    with_defaults = {r.endpoint for r in rules if r.defaults}
    for rule in rules:
        if (
            "<" in rule.rule
            or rule.redirect_to is not None
            or rule.subdomain
            or rule.host
            or rule.build_only
            or rule.websocket
            or (rule.endpoint in with_defaults and rule_count[rule.endpoint] > 1)
        ):
            continue
        # PATH_INFO is a WSGI string: the UTF-8 bytes of the path read as latin-1.
        key = rule.rule.encode().decode("latin-1")
        methods = frozenset(rule.methods) if rule.methods is not None else None
        table.setdefault(key, []).append((rule, methods, rule.defaults))
    return table


def suspicious_host(host: str) -> bool:
    """A cheap filter: Host values that could be invalid go through werkzeug's binding, which
    answers an invalid one with 400; the rest may skip binding."""
    return len(host) > 63 or ".." in host or host[:1] == "." or not host.isascii()
