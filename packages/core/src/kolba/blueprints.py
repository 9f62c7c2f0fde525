"""Blueprints: groups of views, hooks, templates and static files registered on an app,
possibly several times, under a prefix, and nested in other blueprints.
"""

from __future__ import annotations

import os
import typing as t
from collections import defaultdict

from .scaffold import (
    Scaffold,
    _endpoint_from_view_func,
    _sentinel,
    named_decorator,
    setupmethod,
)

if t.TYPE_CHECKING:
    from .app import Kolba
    from .typing import (
        ErrorHandlerCallable,
        RouteCallable,
        TemplateFilterCallable,
        TemplateGlobalCallable,
        TemplateTestCallable,
        URLDefaultCallable,
        URLValuePreprocessorCallable,
    )

DeferredSetupFunction = t.Callable[["BlueprintSetupState"], None]
T = t.TypeVar("T", bound=t.Callable[..., t.Any])


class BlueprintSetupState:
    """What one registration of a blueprint on an app needs: the app, the options, and the
    prefix, subdomain and name this registration uses."""

    def __init__(
        self,
        blueprint: Blueprint,
        app: Kolba,
        options: t.Any,
        first_registration: bool,
    ) -> None:
        self.app = app
        self.blueprint = blueprint
        self.options = options
        #: Whether this is the blueprint's first registration on this app.
        self.first_registration = first_registration
        subdomain = self.options.get("subdomain")
        if subdomain is None:
            subdomain = self.blueprint.subdomain
        self.subdomain = subdomain
        url_prefix = self.options.get("url_prefix")
        if url_prefix is None:
            url_prefix = self.blueprint.url_prefix
        self.url_prefix = url_prefix
        self.name = self.options.get("name", blueprint.name)
        self.name_prefix = self.options.get("name_prefix", "")
        self.url_defaults = dict(self.blueprint.url_values_defaults)
        self.url_defaults.update(self.options.get("url_defaults", ()))

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: RouteCallable | None = None,
        **options: t.Any,
    ) -> None:
        """Register a rule on the app with this registration's prefix, subdomain, defaults
        and endpoint name."""
        if self.url_prefix is not None:
            if rule:
                rule = "/".join((self.url_prefix.rstrip("/"), rule.lstrip("/")))
            else:
                rule = self.url_prefix
        options.setdefault("subdomain", self.subdomain)
        if endpoint is None:
            endpoint = _endpoint_from_view_func(view_func)  # type: ignore[arg-type]
        defaults = self.url_defaults
        if "defaults" in options:
            defaults = dict(defaults, **options.pop("defaults"))
        self.app.add_url_rule(
            rule,
            f"{self.name_prefix}.{self.name}.{endpoint}".lstrip("."),
            view_func,
            defaults=defaults,
            **options,
        )


class Blueprint(Scaffold):
    """A set of routes and hooks to register on an app, under a name and URL prefix.

    Everything registered on a blueprint is recorded and applied when the blueprint is
    registered with :meth:`Kolba.register_blueprint`; endpoints are named ``"<name>.<view>"``.
    Hooks and error handlers registered on a blueprint apply to its own routes; the ``app_*``
    variants apply to the whole app.
    """

    _got_registered_once = False

    def __init__(
        self,
        name: str,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        url_prefix: str | None = None,
        subdomain: str | None = None,
        url_defaults: dict[str, t.Any] | None = None,
        root_path: str | None = None,
        cli_group: str | None = _sentinel,
    ) -> None:
        super().__init__(
            import_name=import_name,
            static_folder=static_folder,
            static_url_path=static_url_path,
            template_folder=template_folder,
            root_path=root_path,
        )
        if not name:
            raise ValueError("'name' may not be empty.")
        if "." in name:
            raise ValueError("'name' may not contain a dot '.' character.")
        self.name = name
        self.url_prefix = url_prefix
        self.subdomain = subdomain
        self.deferred_functions: list[DeferredSetupFunction] = []
        self.url_values_defaults = url_defaults or {}
        self.cli_group = cli_group
        self._blueprints: list[tuple[Blueprint, dict[str, t.Any]]] = []

    def _static_view(self, filename: str, **_url_defaults: t.Any) -> t.Any:
        # The blueprint's url_defaults reach every one of its rules, the static one too.
        return self.send_static_file(filename)

    def _check_setup_finished(self, f_name: str) -> None:
        if self._got_registered_once:
            raise AssertionError(
                f"The setup method '{f_name}' can no longer be called on the blueprint"
                f" '{self.name}'. It has already been registered at least once, any changes"
                " will not be applied consistently.\nMake sure all imports, decorators,"
                " functions, etc. needed to set up the blueprint are done before registering"
                " it."
            )

    @setupmethod
    def record(self, func: DeferredSetupFunction) -> None:
        """Call ``func(state)`` each time the blueprint is registered on an app."""
        self.deferred_functions.append(func)

    @setupmethod
    def record_once(self, func: DeferredSetupFunction) -> None:
        """Call ``func(state)`` only the first time the blueprint is registered on an app."""

        def wrapper(state: BlueprintSetupState) -> None:
            if state.first_registration:
                func(state)

        self.record(wrapper)

    def make_setup_state(
        self, app: Kolba, options: dict[str, t.Any], first_registration: bool = False
    ) -> BlueprintSetupState:
        """Create the :class:`BlueprintSetupState` passed to the recorded functions."""
        return BlueprintSetupState(self, app, options, first_registration)

    @setupmethod
    def register_blueprint(self, blueprint: Blueprint, **options: t.Any) -> None:
        """Nest ``blueprint`` in this one; its endpoints become ``"<this>.<it>.<view>"``."""
        if blueprint is self:
            raise ValueError("Cannot register a blueprint on itself")
        self._blueprints.append((blueprint, options))

    def register(self, app: Kolba, options: dict[str, t.Any]) -> None:
        """Apply everything recorded on this blueprint to ``app`` (called by
        :meth:`Kolba.register_blueprint`)."""
        name_prefix = options.get("name_prefix", "")
        self_name = options.get("name", self.name)
        name = f"{name_prefix}.{self_name}".lstrip(".")
        if name in app.blueprints:
            bp_desc = "this" if app.blueprints[name] is self else "a different"
            existing_at = f" '{name}'" if self_name != name else ""
            raise ValueError(
                f"The name '{self_name}' is already registered for {bp_desc}"
                f" blueprint{existing_at}. Use 'name=' to provide a unique name."
            )
        first_bp_registration = not any(bp is self for bp in app.blueprints.values())
        first_name_registration = name not in app.blueprints
        app.blueprints[name] = self
        self._got_registered_once = True
        state = self.make_setup_state(app, options, first_bp_registration)

        if self.has_static_folder:
            state.add_url_rule(
                f"{self.static_url_path}/<path:filename>",
                view_func=self._static_view,
                endpoint="static",
            )
        if first_bp_registration or first_name_registration:
            self._merge_blueprint_funcs(app, name)
        for deferred in self.deferred_functions:
            deferred(state)

        cli_group = options.get("cli_group", self.cli_group)
        if self.cli.commands:
            if cli_group is None:
                app.cli.commands.update(self.cli.commands)
            elif cli_group is _sentinel:
                self.cli.name = name
                app.cli.add_command(self.cli)
            else:
                self.cli.name = cli_group
                app.cli.add_command(self.cli)

        for blueprint, bp_options in self._blueprints:
            bp_options = bp_options.copy()
            bp_url_prefix = bp_options.get("url_prefix")
            bp_subdomain = bp_options.get("subdomain")
            if bp_subdomain is None:
                bp_subdomain = blueprint.subdomain
            if state.subdomain is not None and bp_subdomain is not None:
                bp_options["subdomain"] = f"{bp_subdomain}.{state.subdomain}"
            elif bp_subdomain is not None:
                bp_options["subdomain"] = bp_subdomain
            elif state.subdomain is not None:
                bp_options["subdomain"] = state.subdomain
            if bp_url_prefix is None:
                bp_url_prefix = blueprint.url_prefix
            if state.url_prefix is not None and bp_url_prefix is not None:
                bp_options["url_prefix"] = (
                    f"{state.url_prefix.rstrip('/')}/{bp_url_prefix.lstrip('/')}"
                )
            elif bp_url_prefix is not None:
                bp_options["url_prefix"] = bp_url_prefix
            elif state.url_prefix is not None:
                bp_options["url_prefix"] = state.url_prefix
            bp_options["name_prefix"] = name
            blueprint.register(app, bp_options)
        app._setup_changed()

    def _merge_blueprint_funcs(self, app: Kolba, name: str) -> None:
        def extend(
            bp_dict: dict[str | None, list[t.Any]], parent_dict: dict[str | None, list[t.Any]]
        ) -> None:
            for key, values in bp_dict.items():
                key = name if key is None else f"{name}.{key}"
                parent_dict[key].extend(values)

        for key, value in self.error_handler_spec.items():
            key = name if key is None else f"{name}.{key}"
            app.error_handler_spec[key] = defaultdict(
                dict, {code: dict(handlers) for code, handlers in value.items()}
            )
        for endpoint, func in self.view_functions.items():
            app.view_functions[endpoint] = func
        extend(self.before_request_funcs, app.before_request_funcs)
        extend(self.after_request_funcs, app.after_request_funcs)
        extend(self.teardown_request_funcs, app.teardown_request_funcs)
        extend(self.url_default_functions, app.url_default_functions)
        extend(self.url_value_preprocessors, app.url_value_preprocessors)
        extend(self.template_context_processors, app.template_context_processors)

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: RouteCallable | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Record a URL rule, registered with the blueprint's prefix and name."""
        if endpoint and "." in endpoint:
            raise ValueError("'endpoint' may not contain a dot '.' character.")
        if view_func and hasattr(view_func, "__name__") and "." in view_func.__name__:
            raise ValueError("'view_func' name may not contain a dot '.' character.")
        self.record(
            lambda s: s.add_url_rule(
                rule,
                endpoint,
                view_func,
                provide_automatic_options=provide_automatic_options,
                **options,
            )
        )

    def _record_jinja(self, attr: str, f: t.Callable[..., t.Any], name: str | None) -> None:
        def register(state: BlueprintSetupState) -> None:
            getattr(state.app.jinja_env, attr)[name or f.__name__] = f

        self.record_once(register)

    @setupmethod
    def app_template_filter(self, name: str | None = None) -> t.Callable[[T], T]:
        """Register a Jinja filter for the whole app."""
        return named_decorator(self.add_app_template_filter, name)

    @setupmethod
    def add_app_template_filter(self, f: TemplateFilterCallable, name: str | None = None) -> None:
        """Register a Jinja filter for the whole app (non-decorator form)."""
        self._record_jinja("filters", f, name)

    @setupmethod
    def app_template_test(self, name: str | None = None) -> t.Callable[[T], T]:
        """Register a Jinja test for the whole app."""
        return named_decorator(self.add_app_template_test, name)

    @setupmethod
    def add_app_template_test(self, f: TemplateTestCallable, name: str | None = None) -> None:
        """Register a Jinja test for the whole app (non-decorator form)."""
        self._record_jinja("tests", f, name)

    @setupmethod
    def app_template_global(self, name: str | None = None) -> t.Callable[[T], T]:
        """Register a Jinja global for the whole app."""
        return named_decorator(self.add_app_template_global, name)

    @setupmethod
    def add_app_template_global(self, f: TemplateGlobalCallable, name: str | None = None) -> None:
        """Register a Jinja global for the whole app (non-decorator form)."""
        self._record_jinja("globals", f, name)

    @setupmethod
    def before_app_request(self, f: T) -> T:
        """Like :meth:`before_request`, for every request to the app."""
        self.record_once(lambda s: s.app.before_request_funcs.setdefault(None, []).append(f))
        return f

    @setupmethod
    def after_app_request(self, f: T) -> T:
        """Like :meth:`after_request`, for every request to the app."""
        self.record_once(lambda s: s.app.after_request_funcs.setdefault(None, []).append(f))
        return f

    @setupmethod
    def teardown_app_request(self, f: T) -> T:
        """Like :meth:`teardown_request`, for every request to the app."""
        self.record_once(lambda s: s.app.teardown_request_funcs.setdefault(None, []).append(f))
        return f

    @setupmethod
    def app_context_processor(self, f: T) -> T:
        """Like :meth:`context_processor`, for every template of the app."""
        self.record_once(lambda s: s.app.template_context_processors.setdefault(None, []).append(f))
        return f

    @setupmethod
    def app_errorhandler(
        self, code: type[Exception] | int
    ) -> t.Callable[[ErrorHandlerCallable], ErrorHandlerCallable]:
        """Like :meth:`errorhandler`, for errors anywhere in the app."""

        def decorator(f: ErrorHandlerCallable) -> ErrorHandlerCallable:
            def from_blueprint(state: BlueprintSetupState) -> None:
                state.app.errorhandler(code)(f)

            self.record_once(from_blueprint)
            return f

        return decorator

    @setupmethod
    def app_url_value_preprocessor(
        self, f: URLValuePreprocessorCallable
    ) -> URLValuePreprocessorCallable:
        """Like :meth:`url_value_preprocessor`, for every request to the app."""
        self.record_once(lambda s: s.app.url_value_preprocessors.setdefault(None, []).append(f))
        return f

    @setupmethod
    def app_url_defaults(self, f: URLDefaultCallable) -> URLDefaultCallable:
        """Like :meth:`url_defaults`, for every URL the app builds."""
        self.record_once(lambda s: s.app.url_default_functions.setdefault(None, []).append(f))
        return f
