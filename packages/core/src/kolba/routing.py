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

import re
import typing as t
from collections import Counter

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import IntegerConverter, UnicodeConverter, ValidationError

from ._bounded import remember

if t.TYPE_CHECKING:
    from werkzeug.routing import Map, Rule

    from .app import Kolba
    from .ctx import RequestContext

_StaticEntry = tuple["Rule", frozenset[str] | None, t.Mapping[str, t.Any] | None]
_DynamicEntry = tuple["Rule", frozenset[str] | None, "re.Pattern[str]"]
_DynamicTable = dict[tuple[int, str | None], list[_DynamicEntry]]
#: A path's verdict in ``Router.decided``.
_Decision = tuple["Rule", frozenset[str] | None, dict[str, t.Any]] | bool
_DECIDED_LIMIT = 4096
_VARIABLE = re.compile(r"<(?:(?P<converter>[a-zA-Z_][a-zA-Z0-9_]*):)?(?P<name>[a-zA-Z_]\w*)>")


class Router:
    """The compiled form of one app's URL map; see the module docstring."""

    __slots__ = (
        "allowed",
        "decided",
        "dynamic",
        "fallback_prefixes",
        "rule_count",
        "server_name",
        "static",
        "trusted_hosts",
    )

    def __init__(self, app: Kolba) -> None:
        url_map = app.url_map
        config = app.config
        url_map.update()
        self.rule_count = _rule_count(app)
        self.server_name = config["SERVER_NAME"]
        self.trusted_hosts = config["TRUSTED_HOSTS"]
        self.static: dict[str, list[_StaticEntry]] | None = None
        self.dynamic: _DynamicTable = {}
        self.fallback_prefixes: tuple[str, ...] = ()
        #: What the tables decide about a path, whatever the method: its variable rule, the
        #: methods that rule allows and its converted arguments; ``True`` when werkzeug's
        #: answer is known to be 404 or 405 (see ``_alone``); ``None`` to ask werkzeug. Only
        #: the standard converters are compiled, so the arguments depend on the path alone.
        self.decided: dict[str, _Decision] = {}
        #: The sorted methods of the static rules at a path, for its 405's Allow header.
        self.allowed: dict[str, tuple[str, ...]] = {}
        # With trusted hosts the Host header must be checked by binding; with host or
        # subdomain matching a path alone does not decide the rule.
        if (
            self.trusted_hosts is None
            and not url_map.host_matching
            and not app._matches_subdomains()
        ):
            self.static, self.dynamic, self.fallback_prefixes = _tables(app)

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
        app = ctx.app
        if (
            static is not None
            and not suspicious_host(environ.get("HTTP_HOST", ""))
            # werkzeug's matcher answers a WebSocket upgrade to a plain HTTP rule with 400.
            and "HTTP_UPGRADE" not in environ
            # An overridden or patched create_url_adapter decides matching, as in Flask.
            and app._binds_plainly()
        ):
            path: str = environ.get("PATH_INFO", "")
            entries = static.get(path)
            decided = self.decided
            if entries is not None:
                method = environ.get("REQUEST_METHOD", "GET")
                for rule, methods, defaults in entries:
                    if methods is None or method in methods:
                        return rule, dict(defaults) if defaults else {}
                alone = decided.get(path)
                if alone is None:
                    alone = self._decide(path, self._alone(path, True))
                if alone is True:
                    allowed = self.allowed.get(path)
                    if allowed is None:
                        methods_at_path: set[str] = set()
                        for _, methods, _ in entries:
                            methods_at_path.update(methods)  # type: ignore[arg-type]
                        # One entry per static rule path, so this table is bounded.
                        allowed = self.allowed[path] = tuple(sorted(methods_at_path))
                    raise MethodNotAllowed(valid_methods=list(allowed))
            else:
                decision = decided.get(path)
                if decision is None:
                    decision = self._decide(path, self._match_dynamic(path))
                if decision is True:
                    raise NotFound()
                if decision is not False:
                    found_rule, found_methods, found_args = decision
                    if (
                        found_methods is None
                        or environ.get("REQUEST_METHOD", "GET") in found_methods
                    ):
                        return found_rule, dict(found_args)
        adapter = ctx.url_adapter
        if adapter is None:
            return None
        rule, args = adapter.match(return_rule=True)
        return rule, dict(args)

    def _decide(self, path: str, decision: _Decision) -> _Decision:
        """Remember ``decision`` for ``path``; the memory is bounded, as paths come from
        clients."""
        return remember(self.decided, path, decision, _DECIDED_LIMIT)

    def _candidates(self, path: str) -> list[_DynamicEntry]:
        """The compiled variable rules that could match ``path``: those with its number of
        slashes whose first segment is ``path``'s, or a variable."""
        slashes = path.count("/")
        dynamic = self.dynamic
        first = path.split("/", 2)[1] if slashes else ""
        named = dynamic.get((slashes, first))
        unnamed = dynamic.get((slashes, None))
        if named is None:
            return unnamed or []
        if unnamed is None:
            return named
        return named + unnamed

    def _alone(self, path: str, static_hit: bool) -> bool:
        """Whether werkzeug's matcher would find no rule for ``path`` (with or without a
        trailing slash) besides the static ones in the table at ``path`` itself, so its answer
        is known: 405 when ``static_hit``, else 404. Paths that are not plain ASCII, merge
        slashes, or fall under a rule the router does not compile are left to werkzeug."""
        variants = (path, path[:-1]) if path.endswith("/") else (path, path + "/")
        prefixes = self.fallback_prefixes
        if (
            not path.startswith("/")
            or not path.isascii()
            or "//" in path
            or variants[0].startswith(prefixes)
            or variants[1].startswith(prefixes)
        ):
            return False
        static = self.static
        assert static is not None
        if variants[1] in static:
            return False
        if not static_hit and variants[0] in static:
            return False
        for variant in variants:
            for entry in self._candidates(variant):
                if entry[2].fullmatch(variant) is not None:
                    return False
        return True

    def _match_dynamic(self, path: str) -> _Decision:
        """What the tables decide about ``path`` when it is not a static rule: the one simple
        variable rule that matches it, with its allowed methods and converted arguments;
        ``True`` when werkzeug would answer 404; ``False`` to leave the path to werkzeug.

        Deciding only unambiguous paths keeps werkzeug's priorities out of the question: a
        path that two rules match, that a rule the router does not compile might match (its
        static prefix fits), or that is not ASCII (werkzeug matches the decoded path) goes to
        werkzeug's matcher.
        """
        if not path.isascii() or path.startswith(self.fallback_prefixes):
            return False
        found = None
        for entry in self._candidates(path):
            hit = entry[2].fullmatch(path)
            if hit is not None:
                if found is not None:
                    return False
                found = entry, hit
        if found is None:
            return self._alone(path, False)
        if not path.endswith("/"):
            # werkzeug tries static segments first: a rule one slash longer (a strict-slash
            # redirect) may win over the variable rule, so such paths are left to it.
            other = path + "/"
            if other.startswith(self.fallback_prefixes):
                return False
            static = self.static
            if static is not None and other in static:
                return False
            for entry in self._candidates(other):
                if entry[2].fullmatch(other) is not None:
                    return False
        (rule, methods, _), hit = found
        args: dict[str, t.Any] = dict(rule.defaults) if rule.defaults else {}
        converters = rule._converters
        try:
            for name, value in hit.groupdict().items():
                args[name] = converters[name].to_python(value)
        except ValidationError:
            return False
        return rule, methods, args


def _rule_count(app: Kolba) -> int:
    """A cheap fingerprint of the rule set: rules added with ``url_map.add()`` bypass the setup
    methods, and werkzeug marks its map for re-sorting (``_remap``) on every ``add``; a rule of
    a new endpoint also grows the endpoint table. ``-1`` while a re-sort is pending."""
    url_map = app.url_map
    if url_map._remap:
        return -1
    return len(url_map._rules_by_endpoint)


def _tables(
    app: Kolba,
) -> tuple[dict[str, list[_StaticEntry]], _DynamicTable, tuple[str, ...]]:
    """The path -> rules table of the rules without variables that the dict can decide; the
    compiled simple variable rules by their number of slashes; and the static prefixes of
    the rules neither covers, whose paths are left to werkzeug."""
    table: dict[str, list[_StaticEntry]] = {}
    dynamic: dict[tuple[int, str | None], list[_DynamicEntry]] = {}
    prefixes: list[str] = []
    rules = list(app.url_map.iter_rules())
    rule_count = Counter(r.endpoint for r in rules)
    # werkzeug redirects between rules of one endpoint that differ by defaults; leave those
    # endpoints to werkzeug's matcher.
    with_defaults = {r.endpoint for r in rules if r.defaults}
    for rule in rules:
        if (
            rule.redirect_to is not None
            or rule.subdomain
            or rule.host
            or rule.build_only
            or rule.websocket
            or not rule.strict_slashes
            or (rule.endpoint in with_defaults and rule_count[rule.endpoint] > 1)
        ):
            prefixes.append(rule.rule.partition("<")[0])
            continue
        methods = frozenset(rule.methods) if rule.methods is not None else None
        if "<" in rule.rule:
            pattern = _compile(rule, app.url_map)
            if pattern is None:
                prefixes.append(rule.rule.partition("<")[0])
            else:
                first = rule.rule.split("/", 2)[1] if "/" in rule.rule else ""
                index = (rule.rule.count("/"), None if "<" in first else first)
                dynamic.setdefault(index, []).append((rule, methods, pattern))
            continue
        # PATH_INFO is a WSGI string: the UTF-8 bytes of the path read as latin-1.
        key = rule.rule.encode().decode("latin-1")
        table.setdefault(key, []).append((rule, methods, rule.defaults))
    return table, dynamic, tuple(prefixes)


def _compile(rule: Rule, url_map: Map) -> re.Pattern[str] | None:
    """A pattern for ``rule`` when each of its segments is plain text or one variable with
    the default ``string`` or ``int`` converter (no arguments); ``None`` otherwise."""
    parts = []
    for segment in rule.rule.split("/"):
        if "<" not in segment and ">" not in segment:
            parts.append(re.escape(segment))
            continue
        variable = _VARIABLE.fullmatch(segment)
        if variable is None:
            return None
        converter = rule._converters.get(variable["name"])
        if type(converter) is IntegerConverter:
            if converter.fixed_digits or converter.min is not None or converter.max is not None:
                return None
            if converter.signed:
                return None
        elif type(converter) is not UnicodeConverter:
            return None
        if converter.regex != type(converter)(url_map).regex:
            return None
        parts.append(f"(?P<{variable['name']}>{converter.regex})")
    return re.compile("/".join(parts))


_host_verdicts: dict[str, bool] = {}


def suspicious_host(host: str) -> bool:
    """A cheap filter: Host values that could be invalid go through werkzeug's binding, which
    answers an invalid one with 400; the rest may skip binding. Verdicts on the few hosts an
    app serves are remembered."""
    verdict = _host_verdicts.get(host)
    if verdict is None:
        verdict = remember(
            _host_verdicts,
            host,
            len(host) > 63
            or ".." in host
            or host[:1] == "."
            or not host.isascii()
            or "xn--" in host.lower(),
            1024,
        )
    return verdict
