"""The application object: WSGI entry point, routing, dispatch, responses and error handling.

The per-request path does only what the request needs: the request object, the URL adapter and
the session are built on first use, static routes are found in a dict, the hook chains of each
blueprint are computed once, and a plain return value with no hooks to run is written out
without building a response object.
"""

from __future__ import annotations

import collections.abc as cabc
import logging
import os
import sys
import threading
import typing as t
import weakref
from datetime import timedelta
from inspect import iscoroutinefunction
from itertools import chain
from types import TracebackType
from urllib.parse import quote

import click
from werkzeug.datastructures import Headers, ImmutableDict
from werkzeug.exceptions import (
    Aborter,
    BadRequest,
    BadRequestKeyError,
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
)
from werkzeug.routing import BuildError, Map, MapAdapter, RequestRedirect, Rule
from werkzeug.routing.exceptions import RoutingException
from werkzeug.sansio.utils import get_host
from werkzeug.utils import cached_property
from werkzeug.utils import redirect as _redirect
from werkzeug.wrappers import Response as BaseResponse
from werkzeug.wsgi import get_host as _wsgi_get_host

from . import cli, signals
from ._async import async_to_sync
from .config import Config, ConfigAttribute
from .ctx import AppContext, RequestContext, _AppCtxGlobals, _sentinel
from .globals import _cv_app, _cv_request, g, request, request_ctx, session
from .helpers import _split_blueprint_path, get_debug_flag, get_flashed_messages, get_load_dotenv
from .json.provider import DefaultJSONProvider, JSONProvider
from .logging import create_logger
from .plugins.builtin import CORE_CONFIG_KEYS, CorePlugin
from .plugins.discovery import load_extension
from .plugins.extension import config_defaults
from .plugins.manager import PluginManager
from .routing import Router
from .scaffold import (
    Scaffold,
    _endpoint_from_view_func,
    find_package,
    named_decorator,
    setupmethod,
)
from .sessions import SecureCookieSessionInterface, SessionInterface
from .templating import DispatchingJinjaLoader, Environment, _default_template_ctx_processor
from .wrappers import Request, Response, checked_host

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from .blueprints import Blueprint
    from .testing import KolbaClient, KolbaCliRunner
    from .typing import (
        ErrorHandlerCallable,
        ResponseReturnValue,
        RouteCallable,
        ShellContextProcessorCallable,
        TeardownCallable,
        TemplateFilterCallable,
        TemplateGlobalCallable,
        TemplateTestCallable,
    )

T_shell_context_processor = t.TypeVar(
    "T_shell_context_processor", bound="ShellContextProcessorCallable"
)
T_teardown = t.TypeVar("T_teardown", bound="TeardownCallable")
T_template_filter = t.TypeVar("T_template_filter", bound="TemplateFilterCallable")
T_template_global = t.TypeVar("T_template_global", bound="TemplateGlobalCallable")
T_template_test = t.TypeVar("T_template_test", bound="TemplateTestCallable")


def _make_timedelta(value: timedelta | int | None) -> timedelta | None:
    if value is None or isinstance(value, timedelta):
        return value
    return timedelta(seconds=value)


_base_get_response = HTTPException.get_response
_base_get_headers = HTTPException.get_headers
_allow_get_headers = MethodNotAllowed.get_headers
_HTML_TYPE = ("Content-Type", "text/html; charset=utf-8")
_ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"


class _Plan:
    """What the pipeline knows about one endpoint: the blueprint scopes whose registrations
    apply, in the orders they run, and the view wrapped by ``ensure_sync``.

    Plans hold no registered functions: the hook lists are read on every request, so a
    function appended to ``app.after_request_funcs[None]`` while the app runs is honoured.
    """

    __slots__ = ("blueprints", "inner_first", "outer_first", "sync_view", "view")

    def __init__(self, endpoint: str | None) -> None:
        blueprint = _blueprint_of(endpoint)
        names: list[str] = list(_split_blueprint_path(blueprint)) if blueprint else []
        self.blueprints = names
        self.outer_first: tuple[str | None, ...] = (None, *reversed(names))
        self.inner_first: tuple[str | None, ...] = (*names, None)
        self.view: t.Any = None
        self.sync_view: t.Callable[..., t.Any] | None = None


class Kolba(Scaffold):
    """The application: create one per app, register views on it, and serve it with WSGI.

    :param import_name: the name of the application package or module (usually ``__name__``);
        resources (templates, static files, the instance folder) are found relative to it.
    :param static_url_path: URL prefix of the static route; the static folder's name by default.
    :param static_folder: folder of static files, relative to ``root_path``; ``None`` disables
        the static route.
    :param static_host: host of the static route, required with ``host_matching``.
    :param host_matching: match rules against the host (``Rule(host=...)``).
    :param subdomain_matching: match rule subdomains relative to ``SERVER_NAME``.
    :param template_folder: folder of templates, relative to ``root_path``.
    :param instance_path: the instance folder; found next to the package by default.
    :param instance_relative_config: resolve relative config file names in the instance folder.
    :param root_path: the app's folder, when it cannot be found from ``import_name``.
    """

    request_class: type[Request] = Request
    response_class: type[Response] = Response
    aborter_class = Aborter
    jinja_environment = Environment
    app_ctx_globals_class = _AppCtxGlobals
    config_class = Config
    url_rule_class = Rule
    url_map_class = Map
    json_provider_class: type[JSONProvider] = DefaultJSONProvider
    test_client_class: type[KolbaClient] | None = None
    test_cli_runner_class: type[KolbaCliRunner] | None = None
    session_interface: SessionInterface = SecureCookieSessionInterface()
    jinja_options: dict[str, t.Any] = {}

    testing = ConfigAttribute[bool]("TESTING")
    secret_key = ConfigAttribute[str | bytes | None]("SECRET_KEY")
    #: The session cookie's name (``SESSION_COOKIE_NAME``); kept because the tutorials'
    #: custom session interfaces read it.
    session_cookie_name = ConfigAttribute[str]("SESSION_COOKIE_NAME")
    permanent_session_lifetime = ConfigAttribute[timedelta](
        "PERMANENT_SESSION_LIFETIME",
        get_converter=_make_timedelta,  # type: ignore[arg-type]
    )

    #: The defaults of the config keys the core declares (``kolba.plugins.builtin``), so
    #: ``app.config``, ``kolba config`` and the config reference agree.
    default_config = ImmutableDict(config_defaults(CORE_CONFIG_KEYS))

    def __init__(
        self,
        import_name: str,
        static_url_path: str | None = None,
        static_folder: str | os.PathLike[str] | None = "static",
        static_host: str | None = None,
        host_matching: bool = False,
        subdomain_matching: bool = False,
        template_folder: str | os.PathLike[str] | None = "templates",
        instance_path: str | None = None,
        instance_relative_config: bool = False,
        root_path: str | None = None,
    ) -> None:
        super().__init__(
            import_name=import_name,
            static_folder=static_folder,
            static_url_path=static_url_path,
            template_folder=template_folder,
            root_path=root_path,
        )
        if instance_path is None:
            instance_path = self.auto_find_instance_path()
        elif not os.path.isabs(instance_path):
            raise ValueError(
                "If an instance path is provided it must be absolute. A relative path was"
                " given instead."
            )
        #: The instance folder: configuration and data that are not part of the package.
        self.instance_path = instance_path
        #: The configuration dict, filled with :attr:`default_config`.
        self.config = self.make_config(instance_relative_config)
        #: What :func:`~kolba.abort` raises with.
        self.aborter = self.make_aborter()
        #: The JSON provider: ``app.json.dumps``, ``loads``, ``response``.
        self.json: JSONProvider = self.json_provider_class(self)
        #: Handlers called when ``url_for`` cannot build a URL.
        self.url_build_error_handlers: list[
            t.Callable[[Exception, str, dict[str, t.Any]], str]
        ] = []
        self.teardown_appcontext_funcs: list[TeardownCallable] = []
        self.shell_context_processors: list[ShellContextProcessorCallable] = []
        #: Registered blueprints by their registered (dotted) name.
        self.blueprints: dict[str, Blueprint] = {}
        #: Per-app state of extensions, by extension name.
        self.extensions: dict[str, t.Any] = {}
        #: The URL map: rules and converters (``url_map.converters``).
        self.url_map = self.url_map_class(host_matching=host_matching)
        #: This app's own pluggy plugin manager; extensions register their hooks here.
        self.plugins = PluginManager()
        self.plugins.register(CorePlugin(), name="kolba-core")
        # Plugin changes reset the router and the per-endpoint plans.
        self.plugins.on_change.append(weakref.WeakMethod(self._setup_changed))
        #: Named backends registered through ``kolba_register_backends``, by (kind, name).
        self.backends: dict[tuple[str, str], t.Callable[..., t.Any]] = {}
        self._backends_loaded = -1
        self._started = False
        self._startup_lock = threading.Lock()
        self.subdomain_matching = subdomain_matching
        self._got_first_request = False
        self._router_cache: Router | None = None
        self._plans: dict[str | None, _Plan] = {}
        self._rules_use_subdomains: bool | None = None

        self.cli.name = self.name
        self.template_context_processors[None].append(_default_template_ctx_processor)

        if self.has_static_folder:
            assert bool(static_host) == host_matching, (
                "Invalid static_host/host_matching combination"
            )
            self_ref = weakref.ref(self)
            self.add_url_rule(
                f"{self.static_url_path}/<path:filename>",
                endpoint="static",
                host=static_host,
                view_func=lambda **kw: self_ref().send_static_file(**kw),  # type: ignore[union-attr]
            )

    # -- setup ------------------------------------------------------------------------------

    def _check_setup_finished(self, f_name: str) -> None:
        if self._got_first_request:
            raise AssertionError(
                f"The setup method '{f_name}' can no longer be called on the application. It"
                " has already handled its first request, any changes will not be applied"
                " consistently.\nMake sure all imports, decorators, functions, etc. needed to"
                " set up the application are done before running it."
            )

    def _setup_changed(self) -> None:
        self._router_cache = None
        self._rules_use_subdomains = None
        self._plans = {}

    @cached_property
    def name(self) -> str:
        """The app's name: the import name, or the script's name when run as ``__main__``."""
        if self.import_name == "__main__":
            fn: str | None = getattr(sys.modules["__main__"], "__file__", None)
            if fn is None:
                return "__main__"
            return os.path.splitext(os.path.basename(fn))[0]
        return self.import_name

    @cached_property
    def logger(self) -> logging.Logger:
        """The ``logging`` logger named after the app; DEBUG level in debug mode."""
        return create_logger(self)

    @cached_property
    def jinja_env(self) -> Environment:
        """The Jinja environment, created on first use from :attr:`jinja_options`."""
        return self.create_jinja_environment()

    def make_config(self, instance_relative: bool = False) -> Config:
        """Create the config dict, with :attr:`default_config` and ``DEBUG`` from the env."""
        root_path = self.instance_path if instance_relative else self.root_path
        defaults = dict(self.default_config)
        defaults["DEBUG"] = get_debug_flag()
        return self.config_class(root_path, defaults)

    def make_aborter(self) -> Aborter:
        """Create the object :func:`~kolba.abort` raises HTTP exceptions with."""
        return self.aborter_class()

    def auto_find_instance_path(self) -> str:
        """Locate the instance folder: ``instance`` next to the package, or
        ``<prefix>/var/<name>-instance`` for an installed package."""
        prefix, package_path = find_package(self.import_name)
        if prefix is None:
            return os.path.join(package_path, "instance")
        return os.path.join(prefix, "var", f"{self.name}-instance")

    def open_instance_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = "utf-8"
    ) -> t.IO[t.AnyStr]:
        """Open a file in the instance folder (which may be written to)."""
        path = os.path.join(self.instance_path, resource)
        if "b" in mode:
            return open(path, mode)
        return open(path, mode, encoding=encoding)

    @property
    def debug(self) -> bool:
        """Debug mode: the ``DEBUG`` config key; set ``KOLBA_DEBUG=1`` to turn it on."""
        return bool(self.config["DEBUG"])

    @debug.setter
    def debug(self, value: bool) -> None:
        self.config["DEBUG"] = value
        if self.config["TEMPLATES_AUTO_RELOAD"] is None:
            self.jinja_env.auto_reload = value

    # -- templates --------------------------------------------------------------------------

    def create_jinja_environment(self) -> Environment:
        """Create the Jinja environment with kolba's globals, loader and autoescaping."""
        options = dict(self.jinja_options)
        if "autoescape" not in options:
            options["autoescape"] = self.select_jinja_autoescape
        if "auto_reload" not in options:
            auto_reload = self.config["TEMPLATES_AUTO_RELOAD"]
            if auto_reload is None:
                auto_reload = self.debug
            options["auto_reload"] = auto_reload
        rv = self.jinja_environment(self, **options)
        rv.globals.update(
            url_for=self.url_for,
            get_flashed_messages=get_flashed_messages,
            config=self.config,
            request=request,
            session=session,
            g=g,
        )
        rv.policies["json.dumps_function"] = self.json.dumps
        if self.plugins.implemented("kolba_jinja_environment"):
            self.plugins.hook.kolba_jinja_environment(app=self, env=rv)
        return rv

    def create_global_jinja_loader(self) -> DispatchingJinjaLoader:
        """The loader that looks in the app's templates, then in each blueprint's."""
        return DispatchingJinjaLoader(self)

    def select_jinja_autoescape(self, filename: str | None) -> bool:
        """Autoescape templates from strings and ``.html .htm .xml .xhtml .svg`` files."""
        if filename is None:
            return True
        return filename.endswith((".html", ".htm", ".xml", ".xhtml", ".svg"))

    def update_template_context(self, context: dict[str, t.Any]) -> None:
        """Add the context processors' values to ``context``; explicit values win."""
        names: t.Iterable[str | None] = (None,)
        ctx = _cv_request.get(None)
        if ctx is not None and ctx.url_rule is not None:
            blueprint = _blueprint_of(ctx.url_rule.endpoint)
            if blueprint:
                names = chain(names, reversed(_split_blueprint_path(blueprint)))
        orig_ctx = context.copy()
        for name in names:
            for func in self.template_context_processors.get(name, ()):
                context.update(self.ensure_sync(func)())
        context.update(orig_ctx)

    @setupmethod
    def template_filter(
        self, name: str | None = None
    ) -> t.Callable[[T_template_filter], T_template_filter]:
        """Decorate a function to register it as a Jinja filter (named ``name`` or its own)."""
        return named_decorator(self.add_template_filter, name)

    @setupmethod
    def add_template_filter(self, f: TemplateFilterCallable, name: str | None = None) -> None:
        """Register a Jinja filter."""
        self.jinja_env.filters[name or f.__name__] = f

    @setupmethod
    def template_test(
        self, name: str | None = None
    ) -> t.Callable[[T_template_test], T_template_test]:
        """Decorate a function to register it as a Jinja test."""
        return named_decorator(self.add_template_test, name)

    @setupmethod
    def add_template_test(self, f: TemplateTestCallable, name: str | None = None) -> None:
        """Register a Jinja test."""
        self.jinja_env.tests[name or f.__name__] = f

    @setupmethod
    def template_global(
        self, name: str | None = None
    ) -> t.Callable[[T_template_global], T_template_global]:
        """Decorate a function to make it a global in every template."""
        return named_decorator(self.add_template_global, name)

    @setupmethod
    def add_template_global(self, f: TemplateGlobalCallable, name: str | None = None) -> None:
        """Register a Jinja global."""
        self.jinja_env.globals[name or f.__name__] = f

    # -- registration -----------------------------------------------------------------------

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: RouteCallable | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Register a URL rule; the endpoint defaults to the view function's name.

        ``methods`` is case-insensitive and defaults to the view's ``methods`` attribute or
        ``["GET"]``; HEAD comes with GET and OPTIONS is answered automatically unless
        ``provide_automatic_options`` (or ``PROVIDE_AUTOMATIC_OPTIONS``) is false. Registering
        a different function under an existing endpoint is an error.
        """
        if endpoint is None:
            endpoint = _endpoint_from_view_func(view_func)  # type: ignore[arg-type]
        options["endpoint"] = endpoint
        methods = options.pop("methods", None)
        if methods is None:
            methods = getattr(view_func, "methods", None) or ("GET",)
        if isinstance(methods, str):
            raise TypeError(
                "Allowed methods must be a list of strings, for example:"
                ' @app.route(..., methods=["POST"])'
            )
        methods = {item.upper() for item in methods}
        required_methods: set[str] = set(getattr(view_func, "required_methods", ()))
        if provide_automatic_options is None:
            provide_automatic_options = getattr(view_func, "provide_automatic_options", None)
        if provide_automatic_options is None:
            if "OPTIONS" not in methods and self.config["PROVIDE_AUTOMATIC_OPTIONS"]:
                provide_automatic_options = True
                required_methods.add("OPTIONS")
            else:
                provide_automatic_options = False
        methods |= required_methods
        rule_obj = self.url_rule_class(rule, methods=methods, **options)
        rule_obj.provide_automatic_options = provide_automatic_options  # type: ignore[attr-defined]
        self.url_map.add(rule_obj)
        if view_func is not None:
            old_func = self.view_functions.get(endpoint)
            if old_func is not None and old_func != view_func:
                raise AssertionError(
                    "View function mapping is overwriting an existing endpoint function:"
                    f" {endpoint}"
                )
            self.view_functions[endpoint] = view_func

    @setupmethod
    def register_blueprint(self, blueprint: Blueprint, **options: t.Any) -> None:
        """Register a blueprint; ``url_prefix``, ``subdomain``, ``url_defaults`` and ``name``
        override the blueprint's own values for this registration."""
        blueprint.register(self, options)

    def iter_blueprints(self) -> t.ValuesView[Blueprint]:
        """The registered blueprints, in registration order."""
        return self.blueprints.values()

    @setupmethod
    def teardown_appcontext(self, f: T_teardown) -> T_teardown:
        """Run ``f(exc)`` when the app context is popped (after every request, too)."""
        self.teardown_appcontext_funcs.append(f)
        return f

    @setupmethod
    def shell_context_processor(self, f: T_shell_context_processor) -> T_shell_context_processor:
        """Register ``f``, returning a dict, to add names to ``kolba shell``."""
        self.shell_context_processors.append(f)
        return f

    def make_shell_context(self) -> dict[str, t.Any]:
        """The namespace of ``kolba shell``: ``app``, ``g`` and what processors add."""
        rv: dict[str, t.Any] = {"app": self, "g": g}
        for extra in reversed(self.plugins.hook.kolba_shell_context(app=self)):
            rv.update(extra)
        for processor in self.shell_context_processors:
            rv.update(processor())
        return rv

    # -- plugins ----------------------------------------------------------------------------

    def _startup(self) -> None:
        """Run the start-up work once: validate the config, enable ``KOLBA_EXTENSIONS``,
        register backends and call ``kolba_app_startup``.

        Called before the first request and before CLI commands run.
        """
        with self._startup_lock:
            if self._started:
                return
            # Everything that can fail runs before anything is applied, so a failed start-up
            # leaves the app as it was and the next attempt starts clean.
            self.validate_config()
            for name in self.config.get("KOLBA_EXTENSIONS") or ():
                load_extension(self, name)
            self._load_backends()
            self.plugins.hook.kolba_app_startup(app=self)
            self._started = True

    def _start_late_plugin(self, plugin: object) -> None:
        """Run, for ``plugin`` alone, the start-up hooks it missed by being registered after
        the app started: ``kolba_jinja_environment`` (when the environment exists already)
        and ``kolba_app_startup``; named backends are re-read on next use."""
        others = [p for p in self.plugins.get_plugins() if p is not plugin]
        if "jinja_env" in self.__dict__:
            self.plugins.subset_hook_caller("kolba_jinja_environment", others)(
                app=self, env=self.jinja_env
            )
        self.plugins.subset_hook_caller("kolba_app_startup", others)(app=self)

    def validate_config(self) -> None:
        """Check every declared config key (the core's and every plugin's) against its
        declaration; raise :class:`kolba.ConfigError` naming the first bad key."""
        for keys in self.plugins.hook.kolba_config_keys():
            for key in keys:
                key.validate(self.config.get(key.name, key.default))

    def _load_backends(self) -> None:
        generation = self.plugins.generation
        if self._backends_loaded == generation:
            return
        found: dict[tuple[str, str], t.Callable[..., t.Any]] = {}

        def register(kind: str, name: str, factory: t.Callable[..., t.Any]) -> None:
            if (kind, name) in found:
                raise ValueError(f"A {kind} backend named {name!r} is already registered.")
            found[(kind, name)] = factory

        self.plugins.hook.kolba_register_backends(app=self, register=register)
        self.backends = found
        self._backends_loaded = generation

    def get_backend(self, kind: str, name: str) -> t.Callable[..., t.Any]:
        """Return the factory of the ``kind`` backend registered as ``name``."""
        self._load_backends()
        try:
            return self.backends[(kind, name)]
        except KeyError:
            known = ", ".join(sorted(n for k, n in self.backends if k == kind)) or "none"
            raise LookupError(
                f"No {kind} backend named {name!r} is registered (registered: {known})."
            ) from None

    # -- errors -----------------------------------------------------------------------------

    def _find_error_handler(
        self, e: Exception, blueprints: list[str]
    ) -> ErrorHandlerCallable | None:
        exc_class, code = self._get_exc_class_and_code(type(e))
        names = (*blueprints, None)
        for c in (code, None) if code is not None else (None,):
            for name in names:
                scope = self.error_handler_spec.get(name)
                if not scope:
                    continue
                handler_map = scope.get(c)
                if not handler_map:
                    continue
                for cls in exc_class.__mro__:
                    handler = handler_map.get(cls)
                    if handler is not None:
                        return handler
        return None

    def _current_blueprints(self) -> list[str]:
        return self._current_plan().blueprints

    def handle_http_exception(self, e: HTTPException) -> HTTPException | ResponseReturnValue:
        """Handle an HTTP exception with its registered handler, or return it as a response."""
        if e.code is None:
            return e
        if isinstance(e, RoutingException):
            return e
        handler = self._find_error_handler(e, self._current_blueprints())
        if handler is None:
            rv = self._plugin_exception_response(e)
            return e if rv is None else rv
        return self.ensure_sync(handler)(e)  # type: ignore[no-any-return]

    def _plugin_exception_response(self, e: Exception) -> ResponseReturnValue | None:
        if not self.plugins.implemented("kolba_handle_exception"):
            return None
        return self.plugins.hook.kolba_handle_exception(app=self, error=e)  # type: ignore[no-any-return]

    def trap_http_exception(self, e: Exception) -> bool:
        """Whether an HTTP exception should propagate instead of becoming a response."""
        if self.config["TRAP_HTTP_EXCEPTIONS"]:
            return True
        trap_bad_request = self.config["TRAP_BAD_REQUEST_ERRORS"]
        if trap_bad_request is None and self.debug and isinstance(e, BadRequestKeyError):
            return True
        if trap_bad_request:
            return isinstance(e, BadRequest)
        return False

    def handle_user_exception(self, e: Exception) -> HTTPException | ResponseReturnValue:
        """Handle an exception raised by a view or hook with a registered error handler.

        HTTP exceptions go to :meth:`handle_http_exception`; anything unhandled is re-raised.
        """
        if isinstance(e, BadRequestKeyError) and (
            self.debug or self.config["TRAP_BAD_REQUEST_ERRORS"]
        ):
            e.show_exception = True
        if isinstance(e, HTTPException) and not self.trap_http_exception(e):
            return self.handle_http_exception(e)
        handler = self._find_error_handler(e, self._current_blueprints())
        if handler is None:
            rv = self._plugin_exception_response(e)
            if rv is None:
                raise
            return rv
        return self.ensure_sync(handler)(e)  # type: ignore[no-any-return]

    def handle_exception(self, e: Exception) -> Response:
        """Turn an unhandled exception into a 500 response, or re-raise it when exceptions
        propagate (``PROPAGATE_EXCEPTIONS``, testing or debug mode).

        The 500 handler receives an ``InternalServerError`` whose ``original_exception`` is
        the exception that was raised.
        """
        exc_info = sys.exc_info()
        if signals.got_request_exception.receivers:
            signals.got_request_exception.send(self, _async_wrapper=self.ensure_sync, exception=e)
        propagate = self.config["PROPAGATE_EXCEPTIONS"]
        if propagate is None:
            propagate = self.testing or self.debug
        if propagate:
            if exc_info[1] is e:
                raise
            raise e
        self.log_exception(exc_info)
        server_error: InternalServerError | ResponseReturnValue
        server_error = InternalServerError(original_exception=e)
        handler = self._find_error_handler(server_error, self._current_blueprints())
        if handler is not None:
            server_error = self.ensure_sync(handler)(server_error)
        return self.finalize_request(server_error, from_error_handler=True)

    def log_exception(
        self,
        exc_info: tuple[type, BaseException, TracebackType] | tuple[None, None, None],
    ) -> None:
        """Log an unhandled exception to :attr:`logger`."""
        # The path comes from the client: escape it so it cannot forge log lines.
        path = repr(request.path)[1:-1]
        self.logger.error(f"Exception on {path} [{request.method}]", exc_info=exc_info)

    def should_ignore_error(self, error: BaseException | None) -> bool:
        """Return true to hide ``error`` from the teardown functions."""
        return False

    # -- dispatch ---------------------------------------------------------------------------

    def _plan(self, endpoint: str | None) -> _Plan:
        """The plan of ``endpoint``, built on its first request after a setup change."""
        plan = self._plans.get(endpoint)
        if plan is None:
            plan = self._plans[endpoint] = _Plan(endpoint)
        return plan

    def _match(self, ctx: RequestContext) -> None:
        """Match the request through the router (``ctx.url_adapter`` when it must bind)."""
        ctx._matched = True
        router = self._router_cache
        if router is None or not router.current(self):
            router = self._router_cache = Router(self)
        try:
            found = router.match(ctx)
            if found is None:
                return
            ctx.url_rule, ctx.view_args = found
        except HTTPException as e:
            ctx.routing_exception = e
        req = ctx._request
        if req is not None:
            req.url_rule = ctx.url_rule
            req.view_args = ctx.view_args
            req.routing_exception = ctx.routing_exception

    def _matches_subdomains(self) -> bool:
        """Whether rule subdomains are matched against ``SERVER_NAME``.

        Deliberately unlike Flask 3.1: besides ``subdomain_matching=True``, kolba matches
        subdomains when ``SERVER_NAME`` is set and a rule asks for a subdomain, so routes
        registered with ``subdomain=`` (as the tutorials do) are reachable.
        """
        if self.subdomain_matching:
            return True
        if not self.config["SERVER_NAME"]:
            return False
        flag = self._rules_use_subdomains
        if flag is None:
            flag = self._rules_use_subdomains = any(r.subdomain for r in self.url_map.iter_rules())
        return flag

    def _router(self) -> Router:
        router = self._router_cache
        if router is None or not router.current(self):
            router = self._router_cache = Router(self)
        return router

    def _current_plan(self) -> _Plan:
        ctx = _cv_request.get(None)
        if ctx is None or ctx.url_rule is None:
            return self._plan(None)
        return self._plan(ctx.url_rule.endpoint)

    def raise_routing_exception(self, request: Request) -> t.NoReturn:
        """Raise the exception matching produced (404, 405 or a redirect); in debug mode, a
        301 or 302 redirect of a request that may carry a form body raises
        ``FormDataRoutingRedirect`` instead, since browsers would drop the body."""
        exc = request.routing_exception
        if (
            self.debug
            and isinstance(exc, RequestRedirect)
            and exc.code not in (307, 308)
            and request.method not in ("GET", "HEAD", "OPTIONS")
        ):
            from .debughelpers import FormDataRoutingRedirect

            raise FormDataRoutingRedirect(request)
        raise exc  # type: ignore[misc]

    def dispatch_request(self) -> ResponseReturnValue:
        """Call the view of the matched rule (or answer OPTIONS) and return its value."""
        ctx = _cv_request.get()
        req = ctx._request
        if req is not None:
            if req.routing_exception is not None:
                self.raise_routing_exception(req)
            rule = req.url_rule
            view_args = req.view_args
        else:
            exc = ctx.routing_exception
            if exc is not None:
                if (
                    not isinstance(exc, RequestRedirect)
                    and type(self).raise_routing_exception is Kolba.raise_routing_exception
                    and "raise_routing_exception" not in self.__dict__
                ):
                    # What raise_routing_exception does with a 404 or 405; the request
                    # object is built only for an overridden or patched one.
                    raise exc
                self.raise_routing_exception(ctx.request)
            rule = ctx.url_rule
            view_args = ctx.view_args
        if rule is None:
            raise InternalServerError("The request did not match any rule.")
        if (
            getattr(rule, "provide_automatic_options", False)
            and ctx.environ.get("REQUEST_METHOD") == "OPTIONS"
        ):
            return self.make_default_options_response()
        plan = self._plan(rule.endpoint)
        view = self.view_functions[rule.endpoint]
        if plan.view is not view:
            plan.view = view
            plan.sync_view = self.ensure_sync(view)
        return plan.sync_view(**view_args)  # type: ignore[no-any-return,arg-type,misc]

    def preprocess_request(self) -> ResponseReturnValue | None:
        """Run the URL value preprocessors and ``before_request`` functions that apply.

        A value returned by a ``before_request`` function stops the chain and is used as the
        response; the view is not called. The registration lists are read on every request,
        so functions added while the app runs take part from the next request on.
        """
        ctx = _cv_request.get()
        preprocessors = self.url_value_preprocessors
        before = self.before_request_funcs
        if preprocessors or before:
            rule = ctx.url_rule
            endpoint = rule.endpoint if rule is not None else None
            scopes = self._plan(endpoint).outer_first
        if preprocessors:
            view_args = ctx._request.view_args if ctx._request is not None else ctx.view_args
            for name in scopes:
                for url_func in preprocessors.get(name, ()):
                    url_func(endpoint, view_args)
        plugins = self.plugins
        if plugins.implemented("kolba_before_request"):
            rv = plugins.hook.kolba_before_request(app=self, request=request)
            if rv is not None:
                return rv  # type: ignore[no-any-return]
        if before:
            for name in scopes:
                for before_func in before.get(name, ()):
                    rv = self.ensure_sync(before_func)()
                    if rv is not None:
                        return rv  # type: ignore[no-any-return]
        return None

    def full_dispatch_request(self) -> Response:
        """Run the hooks and the view for the current request and return the response."""
        self._got_first_request = True
        try:
            if signals.request_started.receivers:
                signals.request_started.send(self, _async_wrapper=self.ensure_sync)
            rv = self.preprocess_request()
            if rv is None:
                rv = self.dispatch_request()
        except Exception as e:
            rv = self.handle_user_exception(e)
        return self.finalize_request(rv)

    def finalize_request(
        self, rv: ResponseReturnValue | HTTPException, from_error_handler: bool = False
    ) -> Response:
        """Make a response from a view's value, run the after-request processing and send
        ``request_finished``.

        An HTTP error raised during that processing (a session store that is down when the
        session is saved) is answered like one raised by the view, through the error
        handlers; the session is then not saved again.
        """
        response = self.make_response(rv)
        try:
            response = self.process_response(response)
            if signals.request_finished.receivers:
                signals.request_finished.send(
                    self, _async_wrapper=self.ensure_sync, response=response
                )
        except HTTPException as e:
            if from_error_handler:
                self.logger.exception(
                    "Request finalizing failed with an error while handling an error"
                )
                return response
            _cv_request.get()._session = self.session_interface.make_null_session(self)
            return self.finalize_request(self.handle_http_exception(e), from_error_handler=True)
        except Exception:
            if not from_error_handler:
                raise
            self.logger.exception("Request finalizing failed with an error while handling an error")
        return response

    def make_default_options_response(self) -> Response:
        """The automatic answer to OPTIONS: an empty response with ``Allow``."""
        adapter = request_ctx.url_adapter
        methods = adapter.allowed_methods()  # type: ignore[union-attr]
        rv = self.response_class()
        rv.allow.update(methods)
        return rv

    def process_response(self, response: Response) -> Response:
        """Run ``after_this_request`` and ``after_request`` functions, then save the session
        (only when it was used)."""
        ctx = _cv_request.get()
        for func in ctx._after_request_functions:
            response = self.ensure_sync(func)(response)
        after = self.after_request_funcs
        if after:
            rule = ctx.url_rule
            for name in self._plan(rule.endpoint if rule is not None else None).inner_first:
                funcs = after.get(name)
                if funcs:
                    for func in reversed(funcs):
                        response = self.ensure_sync(func)(response)
        sess = ctx._session
        if (
            sess is None
            and "HTTP_COOKIE" in ctx.environ
            and self.config["SESSION_REFRESH_EACH_REQUEST"]
        ):
            sess = ctx._session_to_refresh()
        if sess is not None and not self.session_interface.is_null_session(sess):
            self.session_interface.save_session(self, sess, response)
        return response

    def do_teardown_request(self, exc: BaseException | None = _sentinel) -> None:
        """Run the ``teardown_request`` functions that apply, then send
        ``request_tearing_down``."""
        if exc is _sentinel:
            exc = sys.exc_info()[1]
        teardown = self.teardown_request_funcs
        if teardown:
            rule = _cv_request.get().url_rule
            for name in self._plan(rule.endpoint if rule is not None else None).inner_first:
                funcs = teardown.get(name)
                if funcs:
                    for func in reversed(funcs):
                        self.ensure_sync(func)(exc)
        if signals.request_tearing_down.receivers:
            signals.request_tearing_down.send(self, _async_wrapper=self.ensure_sync, exc=exc)

    def do_teardown_appcontext(self, exc: BaseException | None = _sentinel) -> None:
        """Run the ``teardown_appcontext`` functions, then send ``appcontext_tearing_down``."""
        if exc is _sentinel:
            exc = sys.exc_info()[1]
        funcs = self.teardown_appcontext_funcs
        if funcs:
            for func in reversed(funcs):
                self.ensure_sync(func)(exc)
        if signals.appcontext_tearing_down.receivers:
            signals.appcontext_tearing_down.send(self, _async_wrapper=self.ensure_sync, exc=exc)

    def ensure_sync(self, func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        """Return ``func``, wrapped to run on this thread's event loop if it is a coroutine
        function."""
        if iscoroutinefunction(func):
            return self.async_to_sync(func)
        return func

    def async_to_sync(
        self, func: t.Callable[..., t.Coroutine[t.Any, t.Any, t.Any]]
    ) -> t.Callable[..., t.Any]:
        """Wrap a coroutine function so that calling it runs it to completion."""
        return async_to_sync(func)

    # -- responses --------------------------------------------------------------------------

    def make_response(self, rv: ResponseReturnValue | HTTPException) -> Response:
        """Turn a view's return value into a response object.

        Accepts a response, ``str``/``bytes``, a ``dict`` or ``list`` (JSON), an iterator
        (streamed), a WSGI callable, or a tuple ``(body, status)``, ``(body, headers)`` or
        ``(body, status, headers)``.
        """
        rv_class = rv.__class__
        if rv_class is str or rv_class is bytes:
            return self.response_class(rv)  # type: ignore[arg-type]
        if rv_class is dict or rv_class is list:
            return self.json.response(rv)
        if rv_class is self.response_class:
            return rv  # type: ignore[return-value]
        status: t.Any = None
        headers: t.Any = None
        if isinstance(rv, tuple):
            len_rv = len(rv)
            if len_rv == 3:
                rv, status, headers = rv  # type: ignore[misc]
            elif len_rv == 2:
                if isinstance(rv[1], Headers | dict | tuple | list):
                    rv, headers = rv
                else:
                    rv, status = rv  # type: ignore[misc]
            else:
                raise TypeError(
                    "The view function did not return a valid response tuple. The tuple"
                    " must have the form (body, status, headers), (body, status), or"
                    " (body, headers)."
                )
        if rv is None:
            raise TypeError(
                f"The view function for {request.endpoint!r} did not return a valid"
                " response. The function either returned None or ended without a return"
                " statement."
            )
        if isinstance(rv, HTTPException):
            environ = _cv_request.get().environ
            if rv.__class__ is RequestRedirect and rv.response is None:
                # What RequestRedirect.get_response gives, built as this app's response
                # class directly rather than converted from werkzeug's.
                rv = _redirect(rv.new_url, rv.code, self.response_class)
            elif rv.response is not None or type(rv).get_response is not _base_get_response:
                rv = rv.get_response(environ)
            else:
                # Build the error page directly instead of running the exception as a WSGI
                # app through force_type.
                page = _default_error_page(rv)
                if page is None:
                    rv = self.response_class(rv.get_body(environ), rv.code, rv.get_headers(environ))
                else:
                    rv = self._error_page_response(rv, page, environ)
        if not isinstance(rv, self.response_class):
            if isinstance(rv, str | bytes | bytearray | cabc.Iterator):
                rv = self.response_class(rv, status=status, headers=headers)
                status = headers = None
            elif isinstance(rv, dict | list):
                rv = self.json.response(rv)
            elif isinstance(rv, BaseResponse) or callable(rv):
                try:
                    rv = self.response_class.force_type(rv, request.environ)  # type: ignore[arg-type]
                except TypeError as e:
                    raise TypeError(
                        f"{e}\nThe view function did not return a valid response. The return"
                        " type must be a string, dict, list, tuple with headers or status,"
                        " Response instance, or WSGI callable, but it was a"
                        f" {type(rv).__name__}."
                    ).with_traceback(sys.exc_info()[2]) from None
            else:
                raise TypeError(
                    "The view function did not return a valid response. The return type"
                    " must be a string, dict, list, tuple with headers or status, Response"
                    " instance, or WSGI callable, but it was a"
                    f" {type(rv).__name__}."
                )
        rv = t.cast(Response, rv)
        if status is not None:
            if isinstance(status, str | bytes | bytearray):
                rv.status = status  # type: ignore[assignment]
            else:
                rv.status_code = status
        if headers:
            rv.headers.update(headers)
        return rv

    def _error_page_response(
        self, e: HTTPException, page: bytes, environ: WSGIEnvironment
    ) -> Response:
        """The response werkzeug's ``get_response`` gives for an error with its default
        page: an HTML body and the error's headers (``Allow`` of a 405 ...)."""
        response = self.response_class(page, e.code)
        headers = response.headers
        get_headers = type(e).get_headers
        if get_headers is _base_get_headers:
            extra: t.Iterable[tuple[str, str]] = ()
        elif get_headers is _allow_get_headers:
            methods = e.valid_methods  # type: ignore[attr-defined]
            extra = [("Allow", ", ".join(methods))] if methods else ()
        else:
            extra = [h for h in e.get_headers(environ) if h[0].lower() != "content-type"]
        if headers._list[0] != _HTML_TYPE:
            headers["Content-Type"] = _HTML_TYPE[1]
        if get_headers is _allow_get_headers:
            headers._list.extend(extra)  # method names: nothing for Headers.add to check
        else:
            for key, value in extra:
                headers.add(key, value)
        return response

    def redirect(self, location: str, code: int = 302) -> BaseResponse:
        """Return a redirect response; used by :func:`kolba.redirect`. A target with a line
        break or NUL (header injection) is refused with 400."""
        if "\r" in location or "\n" in location or "\0" in location:
            # Redirect targets often come from the query string (?next=...): refusing them is
            # the client's error, not a server error.
            raise BadRequest("The redirect target contains a line break or a NUL character.")
        return _redirect(location, code=code, Response=self.response_class)

    # -- URLs -------------------------------------------------------------------------------

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        """Bind the URL map to a request, or to ``SERVER_NAME`` outside a request.

        ``TRUSTED_HOSTS`` is checked here: an untrusted Host header gives 400.
        """
        if request is not None:
            return self._bind_environ(request.environ)
        if self.config["SERVER_NAME"] is not None:
            return self.url_map.bind(
                self.config["SERVER_NAME"],
                script_name=self.config["APPLICATION_ROOT"],
                url_scheme=self.config["PREFERRED_URL_SCHEME"],
            )
        return None

    def _binds_plainly(self) -> bool:
        """Whether :meth:`create_url_adapter` is kolba's own (neither overridden nor patched
        on the instance), so a request's adapter may be bound without building the request."""
        return (
            type(self).create_url_adapter is Kolba.create_url_adapter
            and "create_url_adapter" not in self.__dict__
        )

    def _bind_environ(self, environ: WSGIEnvironment) -> MapAdapter:
        trusted_hosts = self.config["TRUSTED_HOSTS"]
        if trusted_hosts is not None:
            get_host(
                environ.get("wsgi.url_scheme", "http"),
                environ.get("HTTP_HOST"),
                (environ.get("SERVER_NAME", ""), int(environ.get("SERVER_PORT") or 80)),
                trusted_hosts,
            )
        subdomain = None
        server_name = self.config["SERVER_NAME"]
        if self.url_map.host_matching:
            server_name = None
        elif not self._matches_subdomains():
            subdomain = self.url_map.default_subdomain or ""
            if server_name is None:
                return self._plain_adapter(environ, subdomain)
        return self.url_map.bind_to_environ(environ, server_name=server_name, subdomain=subdomain)

    def _plain_adapter(self, environ: WSGIEnvironment, subdomain: str) -> MapAdapter:
        """Bind the URL map for the common case (no host or subdomain matching, no
        ``SERVER_NAME``) without ``bind_to_environ``'s general-purpose work."""
        scheme = environ.get("wsgi.url_scheme", "http")
        if (
            environ.get("HTTP_UPGRADE", "").lower() == "websocket"
            and "upgrade" in environ.get("HTTP_CONNECTION", "").lower()
        ):
            scheme = "wss" if scheme == "https" else "ws"
        server_name = _wsgi_get_host(environ).lower()
        if not _plain_host(server_name):
            # werkzeug encodes (IDNA) the name but lets undecodable xn-- labels through.
            checked_host(server_name, environ.get("HTTP_HOST"))
            return self.url_map.bind_to_environ(environ, subdomain=subdomain)
        return MapAdapter(
            self.url_map,
            server_name,
            _wsgi_str(environ.get("SCRIPT_NAME"), "/"),
            subdomain,
            scheme,
            _wsgi_str(environ.get("PATH_INFO"), "/"),
            environ.get("REQUEST_METHOD", "GET"),
            environ.get("QUERY_STRING", ""),
        )

    def inject_url_defaults(self, endpoint: str, values: dict[str, t.Any]) -> None:
        """Call the ``url_defaults`` functions that apply to ``endpoint`` on ``values``."""
        names: t.Iterable[str | None] = (None,)
        if "." in endpoint:
            names = chain(names, reversed(_split_blueprint_path(endpoint.rpartition(".")[0])))
        for name in names:
            for func in self.url_default_functions.get(name, ()):
                func(endpoint, values)

    def handle_url_build_error(
        self, error: BuildError, endpoint: str, values: dict[str, t.Any]
    ) -> str:
        """Give :attr:`url_build_error_handlers` a chance to build the URL, else re-raise."""
        for handler in self.url_build_error_handlers:
            try:
                rv = handler(error, endpoint, values)
            except BuildError as e:
                error = e
            else:
                if rv is not None:
                    return rv
        if error is sys.exc_info()[1]:
            raise
        raise error

    def url_for(
        self,
        /,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: t.Any,
    ) -> str:
        """Build a URL for ``endpoint``; see :func:`kolba.url_for`."""
        req_ctx = _cv_request.get(None)
        if req_ctx is not None:
            url_adapter = req_ctx.url_adapter
            blueprint_name = _blueprint_of(req_ctx.url_rule.endpoint) if req_ctx.url_rule else None
            if endpoint[:1] == ".":
                if blueprint_name:
                    endpoint = f"{blueprint_name}{endpoint}"
                else:
                    endpoint = endpoint[1:]
            if _external is None:
                _external = _scheme is not None
        else:
            app_ctx = _cv_app.get(None)
            if app_ctx is not None:
                url_adapter = app_ctx.url_adapter
            else:
                url_adapter = self.create_url_adapter(None)
            if url_adapter is None:
                raise RuntimeError(
                    "Unable to build URLs outside an active request without 'SERVER_NAME'"
                    " configured. Also configure 'APPLICATION_ROOT' and"
                    " 'PREFERRED_URL_SCHEME' as needed."
                )
            if _external is None:
                _external = True
        if _scheme is not None and not _external:
            raise ValueError("When specifying '_scheme', '_external' must be True.")
        self.inject_url_defaults(endpoint, values)
        try:
            rv = url_adapter.build(  # type: ignore[union-attr]
                endpoint,
                values,
                method=_method,
                url_scheme=_scheme,
                force_external=_external,
            )
        except BuildError as error:
            values.update(_anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external)
            return self.handle_url_build_error(error, endpoint, values)
        if _anchor is not None:
            rv = f"{rv}#{quote(_anchor, safe=_ANCHOR_SAFE)}"
        return rv

    # -- contexts ---------------------------------------------------------------------------

    def app_context(self) -> AppContext:
        """Create an app context; use it with ``with`` to make ``current_app`` and ``g`` work."""
        return AppContext(self)

    def request_context(self, environ: WSGIEnvironment) -> RequestContext:
        """Create a request context for a WSGI environ."""
        return RequestContext(self, environ)

    def test_request_context(self, *args: t.Any, **kwargs: t.Any) -> RequestContext:
        """Create a request context from the arguments of werkzeug's ``EnvironBuilder``
        (path, method, data, json, headers, query_string ...), for tests and scripts."""
        from .testing import EnvironBuilder

        if not self._started:
            self._startup()
        builder = EnvironBuilder(self, *args, **kwargs)
        try:
            return self.request_context(builder.get_environ())
        finally:
            builder.close()

    def test_client(self, use_cookies: bool = True, **kwargs: t.Any) -> KolbaClient:
        """Create a test client; ``with client:`` keeps the last request's context."""
        from .testing import KolbaClient

        cls = self.test_client_class or KolbaClient
        return cls(self, self.response_class, use_cookies=use_cookies, **kwargs)

    def test_cli_runner(self, **kwargs: t.Any) -> KolbaCliRunner:
        """Create a click runner that invokes this app's CLI commands."""
        from .testing import KolbaCliRunner

        cls = self.test_cli_runner_class or KolbaCliRunner
        return cls(self, **kwargs)

    # -- serving ----------------------------------------------------------------------------

    def run(
        self,
        host: str | None = None,
        port: int | None = None,
        debug: bool | None = None,
        load_dotenv: bool = True,
        **options: t.Any,
    ) -> None:
        """Serve the app with werkzeug's development server (not for production).

        :param host: the interface, ``127.0.0.1`` by default (``SERVER_NAME``'s host if set).
        :param port: the port, 5000 by default (``SERVER_NAME``'s port if set).
        :param debug: turn debug mode (reloader and debugger) on or off.
        :param load_dotenv: load ``.env`` and ``.kolbaenv`` files first.
        :param options: passed to ``werkzeug.serving.run_simple`` (``threaded`` defaults to
            true; ``ssl_context``, ``use_reloader`` ...).
        """
        if os.environ.get("KOLBA_RUN_FROM_CLI") == "true":
            from werkzeug.serving import is_running_from_reloader

            if not is_running_from_reloader():
                click.secho(
                    " * Ignoring a call to 'app.run()' that would block the current 'kolba'"
                    " CLI command.\n   Only call 'app.run()' in an 'if __name__ =="
                    ' "__main__"\' guard.',
                    fg="red",
                )
            return
        if get_load_dotenv(load_dotenv):
            cli.load_dotenv()
            if "KOLBA_DEBUG" in os.environ or "FLASK_DEBUG" in os.environ:
                self.debug = get_debug_flag()
        if debug is not None:
            self.debug = bool(debug)
        server_name = self.config.get("SERVER_NAME")
        sn_host = sn_port = None
        if server_name:
            sn_host, _, sn_port = server_name.partition(":")
        if not host:
            host = sn_host or "127.0.0.1"
        if port or port == 0:
            port = int(port)
        elif sn_port:
            port = int(sn_port)
        else:
            port = 5000
        options.setdefault("use_reloader", self.debug)
        options.setdefault("use_debugger", self.debug)
        options.setdefault("threaded", True)
        cli.show_server_banner(self.debug, self.name)

        from werkzeug.serving import run_simple

        try:
            run_simple(host, port, self, **options)
        finally:
            self._got_first_request = False

    def wsgi_app(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> cabc.Iterable[bytes]:
        """The WSGI application; wrap this (not the app) to add WSGI middleware:
        ``app.wsgi_app = Middleware(app.wsgi_app)``."""
        ctx = self.request_context(environ)
        error: BaseException | None = None
        try:
            try:
                ctx.push()
                response = self.full_dispatch_request()
            except Exception as e:
                error = e
                response = self.handle_exception(e)
            except:
                error = sys.exc_info()[1]
                raise
            return response(environ, start_response)
        finally:
            if "werkzeug.debug.preserve_context" in environ:
                environ["werkzeug.debug.preserve_context"](_cv_app.get())
                environ["werkzeug.debug.preserve_context"](_cv_request.get())
            if error is not None and self.should_ignore_error(error):
                error = None
            ctx.pop(error)

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> cabc.Iterable[bytes]:
        """The WSGI server calls this; it calls :meth:`wsgi_app`, which middleware may wrap."""
        if not self._started:
            self._startup()
        return self.wsgi_app(environ, start_response)


def _plain_host(host: str) -> bool:
    """Whether ``host`` (name[:port]) is ASCII with labels IDNA would accept as they are."""
    if not host.isascii():
        return False
    name = host.rpartition(":")[0] if host.count(":") == 1 else host
    labels = name.split(".")
    if labels and labels[-1] == "":
        labels.pop()  # a trailing dot is allowed
    return bool(labels) and all(0 < len(label) <= 63 and label[:4] != "xn--" for label in labels)


def _wsgi_str(value: str | None, missing: str) -> str:
    # WSGI strings carry the raw bytes as latin-1; the URL map works on decoded text. As in
    # werkzeug's binding, only a missing value takes the default: an empty PATH_INFO (an app
    # mounted at /app, asked for /app) is redirected to the mount point with a slash.
    if value is None:
        return missing
    return value.encode("latin-1").decode("utf-8", "replace")


_error_pages: dict[type[HTTPException], bytes] = {}


def _default_error_page(e: HTTPException) -> bytes | None:
    """The HTML page of an HTTP error that uses its class's default text and rendering,
    rendered once per class; ``None`` for customised errors."""
    cls = type(e)
    if (
        e.response is not None
        or e.code is None
        or e.description != cls.description
        or cls.get_response is not HTTPException.get_response
        or cls.get_body is not HTTPException.get_body
        or cls.get_description is not HTTPException.get_description
    ):
        return None
    page = _error_pages.get(cls)
    if page is None:
        page = _error_pages[cls] = e.get_body().encode()
    return page


def _blueprint_of(endpoint: str | None) -> str | None:
    if endpoint and "." in endpoint:
        return endpoint.rpartition(".")[0]
    return None
