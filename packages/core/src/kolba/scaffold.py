"""The registration API the app and blueprints share: routes, hooks and error handlers.

Written once here; :class:`~kolba.Kolba` and :class:`~kolba.Blueprint` add what differs.
"""

from __future__ import annotations

import importlib.util
import os
import pathlib
import sys
import typing as t
from collections import defaultdict
from functools import update_wrapper

from jinja2 import BaseLoader, FileSystemLoader
from werkzeug.exceptions import HTTPException, default_exceptions
from werkzeug.utils import cached_property

from .cli import AppGroup
from .helpers import get_root_path, send_from_directory

if t.TYPE_CHECKING:
    from .typing import (
        AfterRequestCallable,
        BeforeRequestCallable,
        ErrorHandlerCallable,
        RouteCallable,
        TeardownCallable,
        TemplateContextProcessorCallable,
        URLDefaultCallable,
        URLValuePreprocessorCallable,
    )
    from .wrappers import Response

T_after_request = t.TypeVar("T_after_request", bound="AfterRequestCallable[t.Any]")
T_before_request = t.TypeVar("T_before_request", bound="BeforeRequestCallable")
T_error_handler = t.TypeVar("T_error_handler", bound="ErrorHandlerCallable")
T_teardown = t.TypeVar("T_teardown", bound="TeardownCallable")
T_template_context_processor = t.TypeVar(
    "T_template_context_processor", bound="TemplateContextProcessorCallable"
)
T_url_defaults = t.TypeVar("T_url_defaults", bound="URLDefaultCallable")
T_url_value_preprocessor = t.TypeVar(
    "T_url_value_preprocessor", bound="URLValuePreprocessorCallable"
)
T_route = t.TypeVar("T_route", bound="RouteCallable")
F = t.TypeVar("F", bound=t.Callable[..., t.Any])

_sentinel: t.Any = object()


def setupmethod(f: F) -> F:
    """Mark a registration method: it refuses to run once the app has served a request,
    and it drops the app's per-request caches so the next request sees the change."""
    name = f.__name__

    def wrapper_func(self: Scaffold, *args: t.Any, **kwargs: t.Any) -> t.Any:
        self._check_setup_finished(name)
        self._setup_changed()
        return f(self, *args, **kwargs)

    return update_wrapper(wrapper_func, f)  # type: ignore[return-value]


class Scaffold:
    """What an app and a blueprint have in common: a name, a root path, resource folders and
    the functions registered for routes, hooks and errors.

    Functions are stored by the name of the blueprint they belong to; ``None`` is the app.
    """

    cli: AppGroup
    name: str
    _static_folder: str | None = None
    _static_url_path: str | None = None

    def __init__(
        self,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        root_path: str | None = None,
    ) -> None:
        #: The name of the package or module this object belongs to.
        self.import_name = import_name
        self.static_folder = static_folder
        self.static_url_path = static_url_path
        #: The templates folder, relative to :attr:`root_path`.
        self.template_folder = template_folder
        if root_path is None:
            root_path = get_root_path(self.import_name)
        #: Absolute path of the package; resources are found relative to it.
        self.root_path = root_path
        #: Endpoint name -> view function.
        self.view_functions: dict[str, RouteCallable] = {}
        #: ``{scope: {code: {exception class: handler}}}``.
        self.error_handler_spec: dict[
            str | None, dict[int | None, dict[type[Exception], ErrorHandlerCallable]]
        ] = defaultdict(lambda: defaultdict(dict))
        self.before_request_funcs: dict[str | None, list[BeforeRequestCallable]] = defaultdict(list)
        self.after_request_funcs: dict[str | None, list[AfterRequestCallable[t.Any]]] = defaultdict(
            list
        )
        self.teardown_request_funcs: dict[str | None, list[TeardownCallable]] = defaultdict(list)
        self.template_context_processors: dict[
            str | None, list[TemplateContextProcessorCallable]
        ] = defaultdict(list)
        self.url_value_preprocessors: dict[str | None, list[URLValuePreprocessorCallable]] = (
            defaultdict(list)
        )
        self.url_default_functions: dict[str | None, list[URLDefaultCallable]] = defaultdict(list)
        #: The click group of this object's CLI commands.
        self.cli = AppGroup()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    def _check_setup_finished(self, f_name: str) -> None:
        raise NotImplementedError

    def _setup_changed(self) -> None:
        """Called by every setup method; the app drops its caches here."""

    @property
    def static_folder(self) -> str | None:
        """The absolute path of the static folder, or ``None``."""
        if self._static_folder is not None:
            return os.path.join(self.root_path, self._static_folder)
        return None

    @static_folder.setter
    def static_folder(self, value: str | os.PathLike[str] | None) -> None:
        if value is not None:
            value = os.fspath(value).rstrip(r"\/")
        self._static_folder = value

    @property
    def has_static_folder(self) -> bool:
        """Whether a static folder is configured."""
        return self.static_folder is not None

    @property
    def static_url_path(self) -> str | None:
        """The URL prefix of the static route; defaults to the static folder's name."""
        if self._static_url_path is not None:
            return self._static_url_path
        if self.static_folder is not None:
            basename = os.path.basename(self.static_folder)
            return f"/{basename}".rstrip("/")
        return None

    @static_url_path.setter
    def static_url_path(self, value: str | None) -> None:
        if value is not None:
            value = value.rstrip("/")
        self._static_url_path = value

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        """Cache max-age for files sent by ``send_file``: ``SEND_FILE_MAX_AGE_DEFAULT``."""
        from .globals import current_app

        value = current_app.config["SEND_FILE_MAX_AGE_DEFAULT"]
        if value is None:
            return None
        if not isinstance(value, int):
            return int(value.total_seconds())
        return value

    def send_static_file(self, filename: str) -> Response:
        """The view behind the ``static`` route: send ``filename`` from the static folder."""
        if not self.has_static_folder:
            raise RuntimeError("'static_folder' must be set to serve static_files.")
        max_age = self.get_send_file_max_age(filename)
        return send_from_directory(t.cast(str, self.static_folder), filename, max_age=max_age)

    @cached_property
    def jinja_loader(self) -> BaseLoader | None:
        """A file system loader for :attr:`template_folder`, or ``None``."""
        if self.template_folder is not None:
            return FileSystemLoader(os.path.join(self.root_path, self.template_folder))
        return None

    def open_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = None
    ) -> t.IO[t.AnyStr]:
        """Open a file relative to :attr:`root_path` for reading."""
        if mode not in {"r", "rt", "rb"}:
            raise ValueError("Resources can only be opened for reading.")
        path = os.path.join(self.root_path, resource)
        if mode == "rb":
            return open(path, mode)
        return open(path, mode, encoding=encoding)

    def _method_route(
        self, method: str, rule: str, options: dict[str, t.Any]
    ) -> t.Callable[[T_route], T_route]:
        if "methods" in options:
            raise TypeError("Use the 'route' decorator to use the 'methods' argument.")
        return self.route(rule, methods=[method], **options)

    @setupmethod
    def get(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """Shortcut for :meth:`route` with ``methods=["GET"]``."""
        return self._method_route("GET", rule, options)

    @setupmethod
    def post(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """Shortcut for :meth:`route` with ``methods=["POST"]``."""
        return self._method_route("POST", rule, options)

    @setupmethod
    def put(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """Shortcut for :meth:`route` with ``methods=["PUT"]``."""
        return self._method_route("PUT", rule, options)

    @setupmethod
    def delete(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """Shortcut for :meth:`route` with ``methods=["DELETE"]``."""
        return self._method_route("DELETE", rule, options)

    @setupmethod
    def patch(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """Shortcut for :meth:`route` with ``methods=["PATCH"]``."""
        return self._method_route("PATCH", rule, options)

    @setupmethod
    def route(self, rule: str, **options: t.Any) -> t.Callable[[T_route], T_route]:
        """Decorate a view function to register it for the URL ``rule``.

        The endpoint defaults to the function's name. Options are those of
        :meth:`add_url_rule` and of werkzeug's ``Rule`` (``methods``, ``defaults`` ...).
        """

        def decorator(f: T_route) -> T_route:
            endpoint = options.pop("endpoint", None)
            self.add_url_rule(rule, endpoint, f, **options)
            return f

        return decorator

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: RouteCallable | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Register a rule for routing incoming requests and building URLs."""
        raise NotImplementedError

    @setupmethod
    def endpoint(self, endpoint: str) -> t.Callable[[F], F]:
        """Decorate a function to be the view of ``endpoint`` (a rule added without a view)."""

        def decorator(f: F) -> F:
            self.view_functions[endpoint] = f
            return f

        return decorator

    @setupmethod
    def before_request(self, f: T_before_request) -> T_before_request:
        """Run ``f`` before each request; a value it returns is used instead of the view's."""
        self.before_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def after_request(self, f: T_after_request) -> T_after_request:
        """Run ``f(response)`` after each request; it returns the response to send."""
        self.after_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def teardown_request(self, f: T_teardown) -> T_teardown:
        """Run ``f(exc)`` when the request context is popped, whatever happened."""
        self.teardown_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def context_processor(self, f: T_template_context_processor) -> T_template_context_processor:
        """Register ``f``, returning a dict of names, to add to every template's context."""
        self.template_context_processors[None].append(f)
        return f

    @setupmethod
    def url_value_preprocessor(self, f: T_url_value_preprocessor) -> T_url_value_preprocessor:
        """Run ``f(endpoint, values)`` after matching, before the view; may change ``values``."""
        self.url_value_preprocessors[None].append(f)
        return f

    @setupmethod
    def url_defaults(self, f: T_url_defaults) -> T_url_defaults:
        """Run ``f(endpoint, values)`` when building a URL, to fill in values."""
        self.url_default_functions[None].append(f)
        return f

    @setupmethod
    def errorhandler(
        self, code_or_exception: type[Exception] | int
    ) -> t.Callable[[T_error_handler], T_error_handler]:
        """Decorate a function to handle an HTTP status code or an exception class.

        The handler receives the exception and returns a response value, like a view.
        """

        def decorator(f: T_error_handler) -> T_error_handler:
            self.register_error_handler(code_or_exception, f)
            return f

        return decorator

    @setupmethod
    def register_error_handler(
        self, code_or_exception: type[Exception] | int, f: ErrorHandlerCallable
    ) -> None:
        """Register ``f`` to handle ``code_or_exception`` (the non-decorator form)."""
        exc_class, code = self._get_exc_class_and_code(code_or_exception)
        self.error_handler_spec[None][code][exc_class] = f

    @staticmethod
    def _get_exc_class_and_code(
        exc_class_or_code: type[Exception] | int,
    ) -> tuple[type[Exception], int | None]:
        exc_class: type[Exception]
        if isinstance(exc_class_or_code, int):
            try:
                exc_class = default_exceptions[exc_class_or_code]
            except KeyError:
                raise ValueError(
                    f"'{exc_class_or_code}' is not a recognized HTTP error code. Use a"
                    " subclass of HTTPException with that code instead."
                ) from None
        else:
            exc_class = exc_class_or_code
        if isinstance(exc_class, Exception):
            raise TypeError(
                f"{exc_class!r} is an instance, not a class. Handlers can only be"
                " registered for Exception classes or HTTP error codes."
            )
        if not isinstance(exc_class, type) or not issubclass(exc_class, Exception):
            raise ValueError(
                f"'{getattr(exc_class, '__name__', exc_class)}' is not a subclass of"
                " Exception. Handlers can only be registered for Exception classes or HTTP"
                " error codes."
            )
        if issubclass(exc_class, HTTPException):
            return exc_class, exc_class.code
        return exc_class, None


def named_decorator(
    register: t.Callable[[t.Any, str | None], None], name: str | None
) -> t.Callable[[F], F]:
    """The decorator form of a ``register(f, name)`` method: ``@app.template_filter("x")``."""

    def decorator(f: F) -> F:
        register(f, name)
        return f

    return decorator


def _endpoint_from_view_func(view_func: RouteCallable) -> str:
    assert view_func is not None, "expected view func if endpoint is not provided."
    return view_func.__name__


def _find_package_path(import_name: str) -> str:
    root_mod_name, _, _ = import_name.partition(".")
    try:
        root_spec = importlib.util.find_spec(root_mod_name)
        if root_spec is None:
            raise ValueError("not found")
    except (ImportError, ValueError):
        return os.getcwd()
    if root_spec.submodule_search_locations:
        if root_spec.origin is None or root_spec.origin == "namespace":
            package_spec = importlib.util.find_spec(import_name)
            if package_spec is not None and package_spec.submodule_search_locations:
                package_path = pathlib.Path(
                    os.path.commonpath(package_spec.submodule_search_locations)
                )
                search_location = next(
                    location
                    for location in root_spec.submodule_search_locations
                    if package_path.is_relative_to(location)
                )
            else:
                search_location = root_spec.submodule_search_locations[0]
            return os.path.dirname(search_location)
        return os.path.dirname(os.path.dirname(root_spec.origin or ""))
    return os.path.dirname(root_spec.origin or "")


def find_package(import_name: str) -> tuple[str | None, str]:
    """Return ``(prefix, package_path)`` for ``import_name``: the install prefix when the
    package is installed into a Python prefix (else ``None``) and the folder holding it."""
    package_path = _find_package_path(import_name)
    py_prefix = os.path.abspath(sys.prefix)
    if pathlib.PurePath(package_path).is_relative_to(py_prefix):
        return py_prefix, package_path
    site_parent, site_folder = os.path.split(package_path)
    if site_folder.lower() == "site-packages":
        parent, folder = os.path.split(site_parent)
        if folder.lower() == "lib":
            return parent, package_path
        if os.path.basename(parent).lower() == "lib":
            return os.path.dirname(parent), package_path
        return site_parent, package_path
    return None, package_path
