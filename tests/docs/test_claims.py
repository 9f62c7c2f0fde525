"""What the README, the docs index, the install page and the porting guide say about the
first-party extensions matches what packages/ holds: none advertised that does not exist, none
that exists left out. Run by the docs session."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ROOT / "packages"

#: How the README and the docs index name each extension's topic, by package folder. A new
#: package fails test_every_package_has_a_topic until it is named here and in the pages.
TOPICS = {
    "ext-cors": "CORS",
    "ext-forms": "forms",
    "ext-jwt": "JWT",
    "ext-mail": "mail",
    "ext-session-redis": "Redis sessions",
    "ext-sqlalchemy": "SQLAlchemy",
    "ext-upload": "uploads",
}


def _extension_folders() -> set[str]:
    return {p.parent.name for p in PACKAGES.glob("ext-*/pyproject.toml")}


def _project(folder: str) -> dict[str, object]:
    with (PACKAGES / folder / "pyproject.toml").open("rb") as f:
        project: dict[str, object] = tomllib.load(f)["project"]
    return project


def _advertised(page: str) -> set[str]:
    """The topics in a page's "first-party extensions for A, B and C plug into" sentence."""
    text = " ".join((ROOT / page).read_text(encoding="utf-8").split())
    found = re.search(r"first-party extensions \(?(?:for )?(.+?)\)? plug into", text)
    assert found is not None, f"{page} no longer lists the first-party extensions"
    return {part.strip() for part in re.split(r",| and ", found.group(1)) if part.strip()}


def test_every_package_has_a_topic() -> None:
    assert set(TOPICS) == _extension_folders()


def test_the_readme_lists_exactly_the_extensions_that_exist() -> None:
    assert _advertised("README.md") == set(TOPICS.values())


def test_the_docs_index_lists_exactly_the_extensions_that_exist() -> None:
    assert _advertised("docs/index.md") == set(TOPICS.values())


def test_the_porting_table_names_exactly_the_extensions_import_packages() -> None:
    porting = (ROOT / "docs" / "porting.md").read_text(encoding="utf-8")
    table = [line for line in porting.splitlines() if line.startswith("| `flask")]
    named = {m for line in table for m in re.findall(r"`(kolba_\w+)`", line)}
    modules = {
        path.name
        for folder in _extension_folders()
        for path in (PACKAGES / folder / "src").iterdir()
        if path.is_dir() and not path.name.endswith(".egg-info")
    }
    assert named == modules


#: Extensions that port by the rename in the porting table alone, with no section of their own.
RENAME_ONLY = {"ext-cors", "ext-mail", "ext-session-redis"}


def test_the_porting_guide_has_a_section_for_every_other_extension() -> None:
    porting = (ROOT / "docs" / "porting.md").read_text(encoding="utf-8")
    headings = [line.lower() for line in porting.splitlines() if line.startswith("#")]
    for folder in _extension_folders() - RENAME_ONLY:
        names = (str(_project(folder)["name"]), TOPICS[folder].lower())
        assert any(n in h for n in names for h in headings), f"porting.md has no {folder} section"


def test_the_install_page_lists_every_extra_of_kolba() -> None:
    extras = set(_project("core")["optional-dependencies"])  # type: ignore[arg-type]
    install = (ROOT / "docs" / "install.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([\w-]+)` \|", install, flags=re.M))
    assert listed == extras


def test_every_extension_has_an_extra() -> None:
    extras = _project("core")["optional-dependencies"]
    assert isinstance(extras, dict)
    installed = {re.split(r"[<>=\[]", dep)[0] for deps in extras.values() for dep in deps}
    for folder in _extension_folders():
        assert _project(folder)["name"] in installed, folder
