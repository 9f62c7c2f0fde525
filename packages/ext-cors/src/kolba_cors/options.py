"""The CORS options: their names, types, defaults and config keys, and how each value is checked
and turned into the compiled form a :class:`~kolba_cors.policy.Policy` uses.
"""

from __future__ import annotations

import dataclasses
import re
import typing as t
from collections.abc import Mapping
from datetime import timedelta

from kolba import ConfigError, ConfigKey

#: A string starting with this marker is a regular expression (matched against the whole value);
#: every other string matches literally.
PATTERN_MARKER = "re:"

_ORIGIN = re.compile(
    r"null|[a-z][a-z0-9+.-]*://(?:[a-z0-9._~-]+|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# Characters that never appear in an origin or a path a resource names, but do in regexes.
_REGEX_ONLY = re.compile(r"[*\\()\[\]^$?+{}|]")
_LISTS = (list, tuple, set, frozenset)

ALL_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def is_origin(value: str) -> bool:
    """Whether ``value`` is a serialized origin (``scheme://host[:port]`` or ``null``)."""
    return value.isascii() and _ORIGIN.fullmatch(value) is not None


def is_token(value: str) -> bool:
    """Whether ``value`` is an HTTP token, the syntax of header names and methods."""
    return _TOKEN.fullmatch(value) is not None


def _compile(text: str, flags: int = 0) -> re.Pattern[str]:
    try:
        return re.compile(text, flags)
    except re.error as e:
        raise ValueError(f"{text!r} is not a valid regular expression ({e}).") from None


def _items(value: t.Any, what: str, split: bool) -> list[t.Any]:
    """The entries of a list-like option; a string is one entry, or a comma-separated list."""
    if isinstance(value, str):
        if split:
            return [part.strip() for part in value.split(",") if part.strip()]
        return [value]
    if isinstance(value, re.Pattern):
        return [value]
    if isinstance(value, _LISTS):
        return list(value)
    raise ValueError(
        f"expected {what} as a string, a compiled regex or a list of them, got"
        f" {type(value).__name__} {value!r}."
    )


@dataclasses.dataclass(frozen=True)
class Matcher:
    """A set of allowed values: everything (``"*"``), literal strings compared
    case-insensitively, and patterns that must match the whole value."""

    any: bool = False
    #: Lower-cased.
    literals: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()

    def matches(self, value: str) -> bool:
        if self.any or value.lower() in self.literals:
            return True
        return any(p.fullmatch(value) is not None for p in self.patterns)


def parse_origins(value: t.Any) -> Matcher:
    """``"*"``, an origin, a compiled regex, ``"re:<regex>"``, or a list of these."""
    any_, literals, patterns = False, [], []
    for item in _items(value, "origins", split=False):
        if isinstance(item, re.Pattern):
            patterns.append(item)
        elif not isinstance(item, str):
            raise ValueError(
                f"each origin must be a string or a compiled regex, got {type(item).__name__}"
                f" {item!r}."
            )
        elif item == "*":
            any_ = True
        elif item.startswith(PATTERN_MARKER):
            patterns.append(_compile(item[len(PATTERN_MARKER) :], re.IGNORECASE))
        elif _REGEX_ONLY.search(item):
            raise ValueError(
                f"{item!r} looks like a regular expression, but plain strings match literally."
                f" Pass re.compile(r{item!r}) or {PATTERN_MARKER + item!r} to use it as a"
                " pattern; a pattern must match the whole origin."
            )
        elif not is_origin(item):
            raise ValueError(
                f"{item!r} is not an origin. An origin is scheme://host[:port] with no path or"
                " trailing slash, such as 'https://app.example.com' or 'http://localhost:5173'."
            )
        else:
            literals.append(item.lower())
    return Matcher(any_, tuple(literals), tuple(patterns))


def parse_allow_headers(value: t.Any) -> Matcher:
    """``"*"``, header names (a list or a comma-separated string), compiled regexes, or
    ``"re:<regex>"`` entries."""
    any_, literals, patterns = False, [], []
    for item in _items(value, "allow_headers", split=True):
        if isinstance(item, re.Pattern):
            patterns.append(item)
        elif isinstance(item, str) and item == "*":
            any_ = True
        elif isinstance(item, str) and item.startswith(PATTERN_MARKER):
            patterns.append(_compile(item[len(PATTERN_MARKER) :], re.IGNORECASE))
        elif isinstance(item, str) and is_token(item) and "*" not in item:
            literals.append(item.lower())
        else:
            raise ValueError(
                f"{item!r} is not a header name. Use names like 'Content-Type', '*' for every"
                f" header, or re.compile(...) / {PATTERN_MARKER!r}-prefixed strings for patterns."
            )
    return Matcher(any_, tuple(literals), tuple(patterns))


def _names(value: t.Any, what: str, example: str) -> list[str]:
    names = []
    for item in _items(value, what, split=True):
        if not isinstance(item, str) or not is_token(item):
            raise ValueError(f"{item!r} is not a valid entry of {what}; use names like {example}.")
        names.append(item)
    return names


def parse_expose_headers(value: t.Any) -> str | None:
    """Header names (a list or a comma-separated string) -> the header value, or ``None``."""
    if value is None:
        return None
    names = _names(value, "expose_headers", "'X-Total-Count'")
    return ", ".join(sorted(dict.fromkeys(names), key=str.lower)) or None


def parse_methods(value: t.Any) -> tuple[str, ...]:
    """Methods (a list or a comma-separated string), upper-cased; ``("*",)`` allows any."""
    names = _names(value, "methods", "'GET' or 'PUT'")
    if "*" in names:
        return ("*",)
    return tuple(sorted({name.upper() for name in names}))


def parse_max_age(value: t.Any) -> str | None:
    """Seconds as an ``int``, a digit string or a ``timedelta`` -> the header value."""
    if value is None:
        return None
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
    elif isinstance(value, int) and not isinstance(value, bool):
        seconds = value
    elif isinstance(value, str) and value.isdigit():
        seconds = int(value)
    else:
        raise ValueError(
            f"expected seconds (an int) or a timedelta, got {type(value).__name__} {value!r}."
        )
    if seconds < 0:
        raise ValueError(f"must not be negative, got {value!r}.")
    return str(seconds)


def parse_bool(value: t.Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected True or False, got {type(value).__name__} {value!r}.")
    return value


@dataclasses.dataclass(frozen=True)
class PathPattern:
    """A request path a resource covers: a literal path, a ``*`` wildcard path (``/api/*``
    covers ``/api`` and everything below it), ``"re:<regex>"`` or a compiled regex. All of
    them must match the whole path."""

    text: str
    regex: re.Pattern[str] | None = None

    @classmethod
    def parse(cls, value: t.Any) -> PathPattern:
        if isinstance(value, re.Pattern):
            return cls(value.pattern, value)
        if not isinstance(value, str):
            raise ValueError(
                f"a resource must be a path string or a compiled regex, got"
                f" {type(value).__name__} {value!r}."
            )
        if value.startswith(PATTERN_MARKER):
            return cls(value, _compile(value[len(PATTERN_MARKER) :]))
        # Flask-CORS resource strings were regexes; their common forms "/api/*" and "/api/.*"
        # mean "this path and below" here too.
        glob = value.replace(".*", "*")
        if _REGEX_ONLY.search(glob.replace("*", "")):
            raise ValueError(
                f"resource {value!r} looks like a regular expression. Use a path with *"
                f" wildcards ('/api/*'), re.compile(r{value!r}) or {PATTERN_MARKER + value!r};"
                " patterns must match the whole path."
            )
        if not glob.startswith(("/", "*")):
            raise ValueError(f"resource {value!r} must be a path starting with '/', like '/api/*'.")
        if "*" not in glob:
            return cls(value)
        tail = ""
        if glob.endswith("/*"):
            glob, tail = glob[:-2], "(?:/.*)?"
        body = ".*".join(re.escape(part) for part in glob.split("*"))
        return cls(value, re.compile(body + tail, re.DOTALL))

    def matches(self, path: str) -> bool:
        if self.regex is None:
            return path == self.text
        return self.regex.fullmatch(path) is not None

    def specificity(self) -> tuple[int, int]:
        """Sort key putting the most specific first: literal paths, then longer patterns."""
        if self.regex is None:
            return (0, -len(self.text))
        return (1, -len(self.text.replace("*", "")))


@dataclasses.dataclass(frozen=True)
class Option:
    """One CORS option: its keyword name, accepted types, default, help and parser."""

    name: str
    type: tuple[type, ...]
    default: t.Any
    help: str
    parse: t.Callable[[t.Any], t.Any]

    @property
    def config_key(self) -> str:
        return f"CORS_{self.name.upper()}"


_LIST_TYPES: tuple[type, ...] = (str, *_LISTS)
_PATTERN_TYPES: tuple[type, ...] = (*_LIST_TYPES, re.Pattern)

#: Every option, by keyword name. ``resources`` is only for :class:`~kolba_cors.CORS`.
OPTIONS: dict[str, Option] = {
    o.name: o
    for o in (
        Option(
            "origins",
            _PATTERN_TYPES,
            "*",
            "Origins allowed to read responses: '*', exact origins, or compiled regexes that"
            " must match the whole origin.",
            parse_origins,
        ),
        Option(
            "methods",
            _LIST_TYPES,
            ALL_METHODS,
            "Methods a preflight may ask for (Access-Control-Allow-Methods).",
            parse_methods,
        ),
        Option(
            "allow_headers",
            _PATTERN_TYPES,
            "*",
            "Request headers a preflight may ask for; only the requested ones that match are"
            " sent back.",
            parse_allow_headers,
        ),
        Option(
            "expose_headers",
            _LIST_TYPES,
            None,
            "Response headers scripts may read (Access-Control-Expose-Headers).",
            parse_expose_headers,
        ),
        Option(
            "supports_credentials",
            (bool,),
            False,
            "Allow cookies and HTTP auth (Access-Control-Allow-Credentials); needs explicit"
            " origins.",
            parse_bool,
        ),
        Option(
            "max_age",
            (int, timedelta, str),
            None,
            "How long browsers may cache a preflight answer, in seconds or a timedelta.",
            parse_max_age,
        ),
        Option(
            "send_wildcard",
            (bool,),
            False,
            "With origins '*', send '*' instead of echoing the request's origin.",
            parse_bool,
        ),
        Option(
            "vary_header",
            (bool,),
            True,
            "Add 'Vary: Origin' where the answer depends on the Origin header.",
            parse_bool,
        ),
        Option(
            "automatic_options",
            (bool,),
            True,
            "Answer preflight requests before the app's own hooks and views run.",
            parse_bool,
        ),
        Option(
            "always_send",
            (bool,),
            True,
            "Send Access-Control-Allow-Origin on requests without an Origin header, when it"
            " has a single value.",
            parse_bool,
        ),
        Option(
            "allow_private_network",
            (bool,),
            False,
            "Answer Access-Control-Request-Private-Network preflights with consent.",
            parse_bool,
        ),
        Option(
            "intercept_exceptions",
            (bool,),
            True,
            "Add CORS headers to error responses made from exceptions (status 400 and above) too.",
            parse_bool,
        ),
        Option(
            "resources",
            (str, list, tuple, dict, re.Pattern),
            "/*",
            "Paths CORS applies to: a path, a list, or a dict of path -> options; the most"
            " specific path wins.",
            lambda value: parse_resources(value),
        ),
    )
}

#: The options of one policy: every option but ``resources``.
POLICY_OPTIONS = tuple(name for name in OPTIONS if name != "resources")


def _check(option: Option) -> t.Callable[[t.Any], None]:
    def check(value: t.Any) -> None:
        option.parse(value)

    return check


#: The ``CORS_*`` config keys, declared for ``kolba config`` and validated by ``init_app``.
CONFIG_KEYS: tuple[ConfigKey, ...] = tuple(
    ConfigKey(o.config_key, o.type, o.default, o.help, check=_check(o), option=o.name)
    for o in OPTIONS.values()
)


def check_names(
    options: Mapping[str, t.Any],
    allowed: t.Iterable[str],
    where: str,
    error: type[Exception] = TypeError,
) -> None:
    """Reject option names that are not in ``allowed``, naming the known ones."""
    known = tuple(allowed)
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise error(
            f"{where} got unknown option(s) {', '.join(map(repr, unknown))}; the options are"
            f" {', '.join(known)}."
        )


#: Option values with where each came from (a config key or an option name), for messages.
Settings = dict[str, tuple[t.Any, str]]


def settings_from_config(config: Mapping[str, t.Any]) -> Settings:
    """The defaults overlaid with the app's ``CORS_*`` config keys."""
    return {
        name: (config.get(o.config_key, o.default), o.config_key) for name, o in OPTIONS.items()
    }


def overlay(settings: Settings, options: Mapping[str, t.Any], where: str = "") -> Settings:
    """``settings`` with ``options`` on top, each labelled with its name after ``where``."""
    return {**settings, **{name: (value, where + name) for name, value in options.items()}}


def parse_setting(settings: Settings, name: str) -> t.Any:
    """Parse one setting, turning a bad value into a :class:`kolba.ConfigError` naming where
    it came from."""
    value, label = settings[name]
    try:
        return OPTIONS[name].parse(value)
    except ValueError as e:
        raise ConfigError(label, str(e)) from None


def check_values(options: Mapping[str, t.Any], where: str = "") -> None:
    """Parse every option given as a keyword, so a bad value fails where it is written."""
    settings = overlay({}, options, where)
    for name in options:
        parse_setting(settings, name)


def parse_resources(value: t.Any) -> list[tuple[PathPattern, dict[str, t.Any]]]:
    """Resources as (path pattern, options) pairs, the most specific path first."""
    if isinstance(value, Mapping):
        pairs = list(value.items())
    else:
        pairs = [(item, {}) for item in _items(value, "resources", split=False)]
    parsed = []
    for key, options in pairs:
        path = PathPattern.parse(key)
        if not isinstance(options, Mapping):
            raise ValueError(
                f"the options of resource {path.text!r} must be a dict of option names to"
                f" values, got {type(options).__name__} {options!r}."
            )
        where = f"resource {path.text!r}"
        check_names(options, POLICY_OPTIONS, where, error=ValueError)
        check_values(options, f"{where} option ")
        parsed.append((path, dict(options)))
    parsed.sort(key=lambda pair: pair[0].specificity())
    return parsed
