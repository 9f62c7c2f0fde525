"""Tests for kolba.conformance: a well-behaved extension passes the suite, and extensions that
break a rule fail the check for that rule, with a message that says what to fix."""

import dataclasses
import os
import sys
import textwrap

import kolba
from kolba.conformance import ExtensionConformance, find_kolba_command

pytest_plugins = ["pytester"]


@dataclasses.dataclass
class ShelfState(kolba.ExtensionState):
    label: str
    items: list = dataclasses.field(default_factory=list)


class Shelf(kolba.Extension[ShelfState]):
    """Keeps a per-app shelf of labels and shows it in templates and the shell."""

    name = "shelf"
    config_keys = (
        kolba.ConfigKey("SHELF_LABEL", str, "books", "What the shelf holds.", option="label"),
        kolba.ConfigKey("SHELF_SIZE", int, 10, "How many items fit on the shelf.", option="size"),
        kolba.ConfigKey("SHELF_IN_TEMPLATES", bool, True, "Show the shelf in templates."),
    )

    def create_state(self, app, options):
        return ShelfState(self.settings(app, options)["SHELF_LABEL"])

    @kolba.hookimpl
    def kolba_jinja_environment(self, app, env):
        if app.config["SHELF_IN_TEMPLATES"]:
            env.globals["shelf"] = app.extensions[self.name]

    @kolba.hookimpl
    def kolba_shell_context(self, app):
        return {"shelf": app.extensions[self.name]}


class TestShelfConformance(ExtensionConformance):
    extension_class = Shelf
    config = {"SHELF_SIZE": 3}
    other_config = {"SHELF_LABEL": "records"}


# A broken extension is checked in a pytester run, so its failures stay out of this run.
SUITE_MODULE = """
import sys

import pytest

import kolba
from kolba.conformance import ExtensionConformance

{extension}

class TestBrokenConformance(ExtensionConformance):
    extension_class = Broken
{suite_body}
"""


def run_suite(pytester, extension, suite_body="    pass"):
    """Run the suite against the extension class ``Broken`` defined by ``extension``; return
    {check name: failure text} for the checks that failed and the run's result."""
    pytester.makepyfile(
        test_broken=SUITE_MODULE.format(extension=textwrap.dedent(extension), suite_body=suite_body)
    )
    result = pytester.inline_run()
    failed = {
        report.nodeid.rsplit("::", 1)[1]: report.longreprtext
        for report in result.getreports("pytest_runtest_logreport")
        if report.failed
    }
    return failed, result


def test_suite_fails_extension_storing_state_on_itself(pytester):
    failed, _ = run_suite(
        pytester,
        """
        class Broken(kolba.Extension):
            name = "broken"

            def create_state(self, app, options):
                self.app = app
                return kolba.ExtensionState()
        """,
    )
    assert "app" in failed["test_extension_object_holds_no_app_state"]


def test_suite_fails_extension_collecting_apps_in_a_list(pytester):
    failed, _ = run_suite(
        pytester,
        """
        class Broken(kolba.Extension):
            name = "broken"

            def __init__(self, app=None):
                self.apps = []
                super().__init__(app)

            def create_state(self, app, options):
                self.apps.append(app)
                return kolba.ExtensionState()
        """,
    )
    assert "apps" in failed["test_extension_object_holds_no_app_state"]


def test_suite_fails_extension_sharing_one_state_object(pytester):
    failed, _ = run_suite(
        pytester,
        """
        SHARED = kolba.ExtensionState()

        class Broken(kolba.Extension):
            name = "broken"

            def create_state(self, app, options):
                return SHARED
        """,
    )
    assert "share one state object" in failed["test_each_app_gets_its_own_state"]


def test_suite_fails_config_key_without_help(pytester):
    failed, _ = run_suite(
        pytester,
        """
        class Broken(kolba.Extension):
            name = "broken"
            config_keys = (kolba.ConfigKey("BROKEN_MODE", str, "fast"),)
        """,
    )
    assert "BROKEN_MODE has no help text" in failed["test_config_keys_are_declared_with_help"]


def test_suite_fails_lowercase_config_key(pytester):
    failed, _ = run_suite(
        pytester,
        """
        class Broken(kolba.Extension):
            name = "broken"
            config_keys = (kolba.ConfigKey("broken_mode", str, "fast", "How to run."),)
        """,
    )
    assert "UPPERCASE" in failed["test_config_keys_are_declared_with_help"]


def test_suite_fails_extension_reading_an_undeclared_key(pytester):
    failed, _ = run_suite(
        pytester,
        """
        class Broken(kolba.Extension):
            name = "broken"

            def create_state(self, app, options):
                app.config.get("BROKEN_SECRET_MODE", "fast")
                return kolba.ExtensionState()
        """,
    )
    assert "BROKEN_SECRET_MODE" in failed["test_reads_only_declared_config_keys"]


def test_suite_fails_extension_reading_an_undeclared_key_in_a_hook(pytester):
    failed, _ = run_suite(
        pytester,
        """
        class Broken(kolba.Extension):
            name = "broken"

            @kolba.hookimpl
            def kolba_jinja_environment(self, app, env):
                if "BROKEN_FILTERS" in app.config:
                    env.filters["broken"] = str
        """,
    )
    assert "BROKEN_FILTERS" in failed["test_reads_only_declared_config_keys"]


UNVALIDATED = """
class Broken(kolba.Extension):
    name = "broken"
    config_keys = (kolba.ConfigKey("BROKEN_SIZE", int, 3, "How many."),)

    def init_app(self, app, **options):
        app.extensions[self.name] = kolba.ExtensionState()
        app.plugins.register(self)
"""


def test_suite_fails_extension_not_applying_defaults(pytester):
    failed, _ = run_suite(pytester, UNVALIDATED)
    assert "BROKEN_SIZE" in failed["test_config_defaults_are_applied"]


def test_suite_fails_extension_accepting_a_wrong_type(pytester):
    failed, _ = run_suite(pytester, UNVALIDATED)
    assert "BROKEN_SIZE" in failed["test_wrong_type_raises_config_error"]


def test_suite_fails_extension_raising_another_error_for_a_wrong_type(pytester):
    failed, _ = run_suite(
        pytester,
        """
        class Broken(kolba.Extension):
            name = "broken"
            config_keys = (kolba.ConfigKey("BROKEN_SIZE", int, 3, "How many."),)

            def init_app(self, app, **options):
                if not isinstance(app.config.get("BROKEN_SIZE", 3), int):
                    raise TypeError("bad size")
                super().init_app(app, **options)
        """,
    )
    assert "raised TypeError" in failed["test_wrong_type_raises_config_error"]


def test_suite_fails_extension_changing_a_shared_default(pytester):
    failed, _ = run_suite(
        pytester,
        """
        SEEN = []

        class Broken(kolba.Extension):
            name = "broken"
            config_keys = (kolba.ConfigKey("BROKEN_APPS", list, [], "Apps seen."),)

            def create_state(self, app, options):
                SEEN.append(app.name)
                app.config["BROKEN_APPS"] = SEEN
                return kolba.ExtensionState()
        """,
    )
    assert "BROKEN_APPS" in failed["test_config_does_not_leak_between_apps"]


def test_suite_fails_extension_allowing_init_app_twice(pytester):
    failed, _ = run_suite(
        pytester,
        """
        class Broken(kolba.Extension):
            name = "broken"

            def init_app(self, app, **options):
                app.extensions.pop(self.name, None)
                super().init_app(app, **options)
        """,
    )
    assert "allow_reinit" in failed["test_init_app_twice_follows_allow_reinit"]


def test_suite_fails_extension_with_allow_reinit_that_keeps_the_old_state(pytester):
    failed, _ = run_suite(
        pytester,
        """
        class Broken(kolba.Extension):
            name = "broken"
            allow_reinit = True

            def init_app(self, app, **options):
                if self.name not in app.extensions:
                    super().init_app(app, **options)
        """,
    )
    assert "kept the old state" in failed["test_init_app_twice_follows_allow_reinit"]


def test_suite_passes_extension_with_allow_reinit(pytester):
    failed, _ = run_suite(
        pytester,
        """
        class Broken(kolba.Extension):
            name = "broken"
            allow_reinit = True
            config_keys = (kolba.ConfigKey("BROKEN_SIZE", int, 3, "How many.", option="size"),)
        """,
    )
    assert failed == {}


def test_suite_fails_state_that_is_no_extension_state(pytester):
    failed, _ = run_suite(
        pytester,
        """
        class Broken(kolba.Extension):
            name = "broken"

            def init_app(self, app, **options):
                super().init_app(app, **options)
                app.extensions[self.name] = {}
        """,
    )
    assert "ExtensionState" in failed["test_state_is_typed_and_reached_through_one_accessor"]


def test_suite_fails_extension_copying_itself_for_options(pytester):
    failed, _ = run_suite(
        pytester,
        """
        class Broken(kolba.Extension):
            name = "broken"
            config_keys = (kolba.ConfigKey("BROKEN_SIZE", int, 3, "How many.", option="size"),)

            def init_app(self, app, **options):
                if options:
                    type(self)(**options).init_app(app)
                else:
                    super().init_app(app)
        """,
    )
    assert "the user's" in failed["test_init_app_options_are_kept_in_the_state"]


def test_suite_fails_extension_not_registering_its_hooks(pytester):
    failed, _ = run_suite(
        pytester,
        """
        class Broken(kolba.Extension):
            name = "broken"

            def init_app(self, app, **options):
                kolba.plugins.apply_config(app, self.config_keys)
                app.extensions[self.name] = self.create_state(app, options)

            @kolba.hookimpl
            def kolba_shell_context(self, app):
                return kolba.ExtensionState()
        """,
    )
    assert "kolba_shell_context" in failed["test_hooks_are_registered_only_on_initialised_apps"]


def test_suite_fails_extension_putting_a_hook_before_the_apps_own(pytester):
    failed, _ = run_suite(
        pytester,
        """
        class Broken(kolba.Extension):
            name = "broken"

            def create_state(self, app, options):
                app.before_request_funcs.setdefault(None, []).insert(0, lambda: None)
                return kolba.ExtensionState()
        """,
    )
    assert "kolba_before_request" in failed["test_app_hook_lists_keep_their_order"]


def test_suite_fails_config_key_missing_from_the_readme(pytester):
    (pytester.path / "README.md").write_text("| `BROKEN_SIZE` | `3` | How many. |\n")
    failed, _ = run_suite(
        pytester,
        """
        class Broken(kolba.Extension):
            name = "broken"
            config_keys = (
                kolba.ConfigKey("BROKEN_SIZE", int, 3, "How many."),
                kolba.ConfigKey("BROKEN_MODE", str, "fast", "How."),
            )
        """,
        '    readme = "README.md"',
    )
    message = failed["test_config_keys_are_in_the_readme_table"]
    assert "BROKEN_MODE" in message and "BROKEN_SIZE" not in message


def test_suite_fails_hook_kolba_does_not_define(pytester):
    failed, _ = run_suite(
        pytester,
        """
        class Broken(kolba.Extension):
            name = "broken"

            @kolba.hookimpl
            def kolba_before_everything(self, app):
                pass
        """,
    )
    message = failed["test_hooks_are_documented_kolba_hooks"]
    assert "kolba_before_everything is not a kolba hook" in message


def test_suite_fails_extension_whose_app_answers_500(pytester):
    failed, _ = run_suite(
        pytester,
        """
        class Broken(kolba.Extension):
            name = "broken"

            @kolba.hookimpl
            def kolba_before_request(self, app, request):
                return "down", 503
        """,
    )
    assert "503" in failed["test_app_serves_requests_after_init_app"]


def test_suite_passes_well_behaved_extension_in_pytester(pytester):
    failed, result = run_suite(
        pytester,
        """
        class Broken(kolba.Extension):
            name = "fine"
            config_keys = (kolba.ConfigKey("FINE_LEVEL", int, 1, "How fine."),)
        """,
    )
    assert failed == {}
    assert result.countoutcomes()[0] > 0


LISTED = """
class Broken(kolba.Extension):
    name = "listed"
"""


def fake_kolba(output, status=0):
    """A suite body whose kolba_command prints ``output`` and exits with ``status``."""
    code = f"import sys; print({output!r}); sys.exit({status})"
    return f"""
    distribution = "kolba-listed"

    @pytest.fixture
    def kolba_command(self):
        return [sys.executable, "-c", {code!r}]
"""


def test_installation_checks_skip_without_distribution(pytester):
    _, result = run_suite(pytester, LISTED)
    skipped = [r for r in result.getreports("pytest_runtest_logreport") if r.skipped]
    reasons = {r.nodeid.rsplit("::", 1)[1]: r.longrepr[2] for r in skipped}
    assert sorted(reasons) == [
        "test_config_keys_are_in_the_readme_table",
        "test_init_app_options_are_kept_in_the_state",
        "test_listed_by_kolba_plugins",
        "test_third_party_imports_are_declared",
    ]
    assert "`distribution` is not set" in reasons["test_listed_by_kolba_plugins"]
    assert "`distribution` is not set" in reasons["test_third_party_imports_are_declared"]


def test_suite_fails_extension_importing_an_undeclared_package(pytester):
    # The extension's module imports kolba; naming an installed distribution that does not
    # declare kolba (pytest) must fail the check and name the missing dependency.
    failed, _ = run_suite(pytester, LISTED, '    distribution = "pytest"')
    assert "kolba" in failed["test_third_party_imports_are_declared"]


def test_listing_check_passes_when_kolba_plugins_lists_the_distribution(pytester):
    listing = '[{"name": "listed", "version": "1.0", "enabled": false, "hooks": []}]'
    failed, result = run_suite(pytester, LISTED, fake_kolba(listing))
    assert "test_listed_by_kolba_plugins" not in failed
    calls = [r for r in result.getreports("pytest_runtest_logreport") if r.when == "call"]
    assert [r.outcome for r in calls if r.nodeid.endswith("::test_listed_by_kolba_plugins")] == [
        "passed"
    ]


def test_listing_check_fails_when_the_distribution_is_missing(pytester):
    listing = '[{"name": "other", "version": "1.0", "enabled": false}]'
    failed, _ = run_suite(pytester, LISTED, fake_kolba(listing))
    assert "does not list kolba-listed" in failed["test_listed_by_kolba_plugins"]


def test_listing_check_fails_when_a_field_is_missing(pytester):
    listing = '[{"name": "listed", "version": "1.0"}]'
    failed, _ = run_suite(pytester, LISTED, fake_kolba(listing))
    assert "lacks ['enabled']" in failed["test_listed_by_kolba_plugins"]


def test_listing_check_fails_when_the_command_fails(pytester):
    failed, _ = run_suite(pytester, LISTED, fake_kolba("no such command", status=2))
    assert "exited with 2" in failed["test_listed_by_kolba_plugins"]


def test_listing_check_fails_when_the_output_is_not_json(pytester):
    failed, _ = run_suite(pytester, LISTED, fake_kolba("listed 1.0"))
    assert "did not print JSON" in failed["test_listed_by_kolba_plugins"]


def test_find_kolba_command_uses_this_environment():
    command = find_kolba_command()
    if len(command) == 1:
        assert os.path.dirname(command[0]) == os.path.dirname(sys.executable)
    else:
        assert command == [sys.executable, "-c", "from kolba.cli import main; main()"]
