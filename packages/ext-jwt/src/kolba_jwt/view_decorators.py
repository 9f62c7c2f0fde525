"""Protecting views: :func:`jwt_required` (for ``def`` and ``async def`` views) and
:func:`verify_jwt_in_request`, which find the token in the configured locations, decode it
and run every check."""

from __future__ import annotations

import datetime
import re
import typing as t

from werkzeug.exceptions import BadRequest

from kolba import g, request, view_decorator

from .config import config
from .exceptions import (
    CSRFError,
    FreshTokenRequired,
    InvalidHeaderError,
    InvalidQueryParamError,
    NoAuthorizationError,
    UserLookupError,
)
from .internal_utils import (
    custom_verification_for_token,
    has_user_lookup,
    user_lookup,
    verify_token_not_blocklisted,
    verify_token_type,
)
from .utils import decode_token, get_unverified_jwt_headers

LocationType = t.Union[str, t.Sequence[str], None]  # noqa: UP007


def _verify_token_is_fresh(jwt_header: dict[str, t.Any], jwt_data: dict[str, t.Any]) -> None:
    fresh = jwt_data["fresh"]
    if isinstance(fresh, bool):
        is_fresh = fresh
    elif isinstance(fresh, int | float):
        is_fresh = fresh >= datetime.datetime.now(datetime.UTC).timestamp()
    else:
        is_fresh = False
    if not is_fresh:
        raise FreshTokenRequired("Fresh token required", jwt_header, jwt_data)


def verify_jwt_in_request(
    optional: bool = False,
    fresh: bool = False,
    refresh: bool = False,
    locations: LocationType = None,
    verify_type: bool = True,
    skip_revocation_check: bool = False,
) -> tuple[dict[str, t.Any], dict[str, t.Any]] | None:
    """Check the request's JWT; raise the matching error when it is missing or invalid.

    Returns ``(jwt_header, jwt_data)``, or ``None`` for an ``OPTIONS`` request or when
    ``optional`` is true and no token was sent (an invalid token still raises). Afterwards
    :func:`~kolba_jwt.get_jwt` and friends answer for this request.
    """
    if request.method in config.exempt_methods:
        return None
    try:
        jwt_data, jwt_header, location = _decode_jwt_from_request(
            locations, fresh, refresh, verify_type, skip_revocation_check
        )
    except NoAuthorizationError:
        if not optional:
            raise
        g._kolba_jwt_data = {}
        g._kolba_jwt_header = {}
        g._kolba_jwt_user = {"loaded_user": None}
        g._kolba_jwt_location = None
        return None
    # Stored only once every check passed, so a failing request exposes nothing.
    g._kolba_jwt_user = _load_user(jwt_header, jwt_data)
    g._kolba_jwt_header = jwt_header
    g._kolba_jwt_data = jwt_data
    g._kolba_jwt_location = location
    return jwt_header, jwt_data


def jwt_required(
    optional: bool = False,
    fresh: bool = False,
    refresh: bool = False,
    locations: LocationType = None,
    verify_type: bool = True,
    skip_revocation_check: bool = False,
) -> t.Callable[[t.Callable[..., t.Any]], t.Callable[..., t.Any]]:
    """Protect a view (``def`` or ``async def``) with a JWT.

    :param optional: let requests without a token in; an invalid token is still refused.
    :param fresh: require a fresh token (``create_access_token(fresh=...)``).
    :param refresh: require a refresh token instead of an access token.
    :param locations: where to look (``"headers"``, ``["cookies", "json"]`` ...); ``None``:
        ``JWT_TOKEN_LOCATION``.
    :param verify_type: check the token type against ``refresh``; ``False`` accepts both.
    :param skip_revocation_check: do not ask the blocklist.
    """

    @view_decorator
    def around(call_view: t.Callable[[], t.Any], *args: t.Any, **kwargs: t.Any) -> t.Any:
        verify_jwt_in_request(
            optional, fresh, refresh, locations, verify_type, skip_revocation_check
        )
        return call_view()

    return around


def _load_user(jwt_header: dict[str, t.Any], jwt_data: dict[str, t.Any]) -> dict[str, t.Any] | None:
    if not has_user_lookup():
        return None
    user = user_lookup(jwt_header, jwt_data)
    if user is None:
        identity = jwt_data[config.identity_claim_key]
        raise UserLookupError(f"user_lookup returned None for {identity}", jwt_header, jwt_data)
    return {"loaded_user": user}


def _from_headers() -> tuple[str, None]:
    name = config.header_name
    kind = config.header_type
    value = request.headers.get(name, "").strip().strip(",")
    if not value:
        raise NoAuthorizationError(f"Missing {name} Header")
    if not kind:
        parts = value.split()
        if len(parts) != 1:
            raise InvalidHeaderError(f"Bad {name} header. Expected '{name}: <JWT>'")
        return parts[0], None
    # The header may hold several comma-separated credentials; exactly one must be ours.
    candidates = [v for v in re.split(r",\s*", value) if v and v.split()[0] == kind]
    if len(candidates) != 1:
        raise NoAuthorizationError(
            f"Missing '{kind}' type in '{name}' header. Expected '{name}: {kind} <JWT>'"
        )
    parts = candidates[0].split()
    if len(parts) != 2:
        raise InvalidHeaderError(f"Bad {name} header. Expected '{name}: {kind} <JWT>'")
    return parts[1], None


def _from_cookies(refresh: bool) -> tuple[str, str | None]:
    if refresh:
        cookie = config.refresh_cookie_name
        csrf_header = config.refresh_csrf_header_name
        csrf_field = config.refresh_csrf_field_name
    else:
        cookie = config.access_cookie_name
        csrf_header = config.access_csrf_header_name
        csrf_field = config.access_csrf_field_name
    token = request.cookies.get(cookie)
    if not token:
        raise NoAuthorizationError(f'Missing cookie "{cookie}"')
    csrf_value = None
    if config.cookie_csrf_protect and request.method in config.csrf_request_methods:
        csrf_value = request.headers.get(csrf_header)
        if not csrf_value and config.csrf_check_form:
            csrf_value = request.form.get(csrf_field)
        if not csrf_value:
            raise CSRFError("Missing CSRF token")
    return token, csrf_value


def _from_query_string() -> tuple[str, None]:
    name = config.query_string_name
    prefix = config.query_string_value_prefix
    value = request.args.get(name)
    if not value:
        raise NoAuthorizationError(f"Missing '{name}' query paramater")
    if not value.startswith(prefix):
        raise InvalidQueryParamError(
            f"Invalid value for query parameter '{name}'. Expected the value to start with"
            f" '{prefix}'"
        )
    return value[len(prefix) :], None


def _from_json(refresh: bool) -> tuple[str, None]:
    if not request.is_json:
        raise NoAuthorizationError("Invalid content-type. Must be application/json.")
    key = config.refresh_json_key if refresh else config.json_key
    try:
        body = request.get_json()
    except BadRequest:
        body = None
    token = body.get(key) if isinstance(body, dict) else None
    if not token or not isinstance(token, str):
        raise NoAuthorizationError(f'Missing "{key}" key in json data.')
    return token, None


def _decode_jwt_from_request(
    locations: LocationType,
    fresh: bool,
    refresh: bool = False,
    verify_type: bool = True,
    skip_revocation_check: bool = False,
) -> tuple[dict[str, t.Any], dict[str, t.Any], str]:
    if isinstance(locations, str):
        locations = [locations]
    if not locations:
        locations = config.token_location
    finders: list[tuple[str, t.Callable[[], tuple[str, str | None]]]] = []
    for location in locations:
        if location == "headers":
            finders.append((location, _from_headers))
        elif location == "cookies":
            finders.append((location, lambda: _from_cookies(refresh)))
        elif location == "query_string":
            finders.append((location, _from_query_string))
        elif location == "json":
            finders.append((location, lambda: _from_json(refresh)))
        else:
            raise RuntimeError(f"'{location}' is not a valid location")
    # The first location holding a token wins; a token found but invalid raises at once.
    errors: list[str] = []
    found = None
    for location, find in finders:
        try:
            found = (location, *find())
        except NoAuthorizationError as e:
            errors.append(str(e))
            continue
        break
    if found is None:
        if len(locations) > 1:
            raise NoAuthorizationError(
                f"Missing JWT in {', '.join(locations[:-1])} or {locations[-1]}"
                f" ({'; '.join(errors)})"
            )
        raise NoAuthorizationError(errors[0])
    location, encoded, csrf_value = found
    decoded = decode_token(encoded, csrf_value)
    header = get_unverified_jwt_headers(encoded)
    if verify_type:
        verify_token_type(decoded, refresh)
    if fresh:
        _verify_token_is_fresh(header, decoded)
    if not skip_revocation_check:
        verify_token_not_blocklisted(header, decoded)
    custom_verification_for_token(header, decoded)
    return decoded, header, location
