"""The reference pages follow the code: every hook is documented and in docs/hooks.md, every core
config key is in docs/config-reference.md as declared, and the pages' Python examples run.

The Markdown sources are read directly, so these tests do not need a Sphinx build.
"""

import inspect
import os
import re
from pathlib import Path

import pytest

from kolba.plugins import hookspecs
from kolba.plugins.builtin import CORE_CONFIG_KEYS

DOCS = Path(__file__).resolve().parents[3] / "docs"

#: Every hook specification: pluggy marks each with a ``kolba_spec`` attribute.
HOOKS = sorted(name for name, obj in vars(hookspecs).items() if hasattr(obj, "kolba_spec"))


def read(page):
    return (DOCS / page).read_text(encoding="utf-8")


# -- hooks -------------------------------------------------------------------------------------


def documented_hooks():
    """The hooks docs/hooks.md renders with autodoc, in page order."""
    return re.findall(
        r"^\.\. autofunction:: kolba\.plugins\.hookspecs\.(\w+)$", read("hooks.md"), re.M
    )


def test_hookspecs_module_defines_hooks():
    assert "kolba_app_startup" in HOOKS


@pytest.mark.parametrize("name", HOOKS)
def test_hook_name_starts_with_kolba(name):
    assert name.startswith("kolba_")


@pytest.mark.parametrize("name", HOOKS)
def test_hook_has_a_docstring(name):
    assert inspect.getdoc(getattr(hookspecs, name)), f"{name} in hookspecs.py has no docstring"


@pytest.mark.parametrize("name", HOOKS)
def test_hook_is_in_the_hook_reference(name):
    assert name in documented_hooks(), (
        f"docs/hooks.md does not document {name}; add under the right heading:\n"
        f"```{{eval-rst}}\n.. autofunction:: kolba.plugins.hookspecs.{name}\n```"
    )


def test_hook_reference_documents_only_existing_hooks():
    assert set(documented_hooks()) <= set(HOOKS)


def test_hook_reference_documents_each_hook_once():
    documented = documented_hooks()
    assert len(documented) == len(set(documented))


def test_every_kolba_function_in_hookspecs_is_marked_as_a_hook():
    functions = {
        name
        for name, obj in vars(hookspecs).items()
        if inspect.isfunction(obj) and name.startswith("kolba_")
    }
    assert functions == set(HOOKS)


# -- config keys -------------------------------------------------------------------------------


def documented_keys():
    """The rows of the tables in docs/config-reference.md, by key: (type, default, description)."""
    rows = {}
    for line in read("config-reference.md").splitlines():
        match = re.fullmatch(r"\| `([A-Z0-9_]+)` \| (.+?) \| `(.+?)` \| (.+) \|", line)
        if match:
            name, type_, default, description = match.groups()
            rows[name] = (type_, default, description)
    return rows


def expected_type(key):
    text = key.type_name()
    if key.choices:
        text += ", one of " + ", ".join(f"`{choice!r}`" for choice in key.choices)
    return text


@pytest.mark.parametrize("key", CORE_CONFIG_KEYS, ids=lambda key: key.name)
def test_core_config_key_is_in_the_config_reference(key):
    assert key.name in documented_keys(), (
        f"docs/config-reference.md does not list {key.name}; add a row:\n"
        f"| `{key.name}` | {expected_type(key)} | `{key.default!r}` | {key.help} |"
    )


@pytest.mark.parametrize("key", CORE_CONFIG_KEYS, ids=lambda key: key.name)
def test_config_reference_shows_the_declared_type_and_default(key):
    type_, default, _ = documented_keys()[key.name]
    assert (type_, default) == (expected_type(key), repr(key.default))


@pytest.mark.parametrize("key", CORE_CONFIG_KEYS, ids=lambda key: key.name)
def test_config_reference_description_starts_with_the_declared_help(key):
    _, _, description = documented_keys()[key.name]
    assert description.startswith(key.help)


@pytest.mark.parametrize(
    "key", [key for key in CORE_CONFIG_KEYS if key.secret], ids=lambda key: key.name
)
def test_config_reference_marks_secret_keys(key):
    _, _, description = documented_keys()[key.name]
    assert "Secret: masked in listings." in description


def test_config_reference_lists_only_declared_keys():
    assert set(documented_keys()) <= {key.name for key in CORE_CONFIG_KEYS}


# -- examples ----------------------------------------------------------------------------------

PAGES = ("hooks.md", "async.md", "config-reference.md")
EXAMPLES = [
    pytest.param(page, code, id=f"{page}-{number}")
    for page in PAGES
    for number, code in enumerate(re.findall(r"^```python\n(.*?)^```$", read(page), re.M | re.S))
]


@pytest.mark.parametrize(("page", "code"), EXAMPLES)
def test_python_example_runs(page, code, monkeypatch):
    for name in [name for name in os.environ if name.startswith("KOLBA_")]:
        monkeypatch.delenv(name)
    exec(compile(code, f"docs/{page}", "exec"), {"__name__": "docs_example"})
