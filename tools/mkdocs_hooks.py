"""MkDocs hooks of the documentation site (``hooks:`` in ``mkdocs.yml``).

* The docstrings use Sphinx cross-reference roles (``:class:`~pkg.Name```), which
  Markdown renders as the role's name followed by code: keep the code only, with
  the short name when the target starts with ``~`` (as Sphinx does).
* ``reference/api-more.md`` gets a ``::: module`` directive for every public
  module of ``educonnect_core`` that no other API page documents, so that a new module
  is in the API reference before anyone writes it on a topic page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Final

_ROLE: Final = re.compile(
    r":(?:py:)?(?:class|func|meth|data|mod|attr|exc|obj|const):<code>(~?)([^<]+)</code>"
)
_DIRECTIVE: Final = re.compile(r"^::: ([\w.]+)", re.M)
MORE_PAGE: Final = "reference/api-more.md"
PLACEHOLDER: Final = "<!-- modules not on another API page -->"
#: Private modules and the pytest plugin are left out.
SKIPPED: Final = re.compile(r"(^|\.)(_[^.]*|pytest_plugin)$")


def _code(match: re.Match[str]) -> str:
    short, target = match[1], match[2]
    return f"<code>{target.rsplit('.', 1)[-1] if short else target}</code>"


def public_modules(src: Path) -> list[str]:
    """Dotted names of the public modules of ``educonnect_core`` under ``src``."""
    names = []
    for path in sorted((src / "educonnect_core").rglob("*.py")):
        parts = path.relative_to(src).with_suffix("").parts
        if parts[-1] == "__init__":
            continue  # packages: their modules are listed
        name = ".".join(parts)
        if not SKIPPED.search(name):
            names.append(name)
    return names


def documented_modules(docs: Path) -> set[str]:
    """Modules named by a ``::: module`` directive on an API page other than the catch-all."""
    return {
        name
        for page in (docs / "reference").glob("*.md")
        if page.name != Path(MORE_PAGE).name
        for name in _DIRECTIVE.findall(page.read_text(encoding="utf-8"))
    }


def core_modules_elsewhere(src: Path, docs: Path) -> list[str]:
    """Public ``educonnect_core`` modules that no topic API page documents."""
    documented = documented_modules(docs)
    return [name for name in public_modules(src) if name not in documented]


def on_page_markdown(markdown: str, page: Any, config: Any, **kwargs: Any) -> str:
    if page.file.src_uri != MORE_PAGE:
        return markdown
    docs = Path(config["docs_dir"])
    missing = core_modules_elsewhere(docs.parent / "src", docs)
    listing = "\n".join(f"::: {name}\n" for name in missing) or "(none: every module has its page)"
    return markdown.replace(PLACEHOLDER, listing)


def on_page_content(html: str, **kwargs: Any) -> str:
    return _ROLE.sub(_code, html)
