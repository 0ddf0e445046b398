"""MkDocs hooks of the documentation site (``hooks:`` in ``mkdocs.yml``).

The docstrings use Sphinx cross-reference roles (``:class:`~pkg.Name```), which
Markdown renders as the role's name followed by code. Keep the code only, with
the short name when the target starts with ``~`` (as Sphinx does).
"""

from __future__ import annotations

import re
from typing import Any, Final

_ROLE: Final = re.compile(
    r":(?:py:)?(?:class|func|meth|data|mod|attr|exc|obj|const):<code>(~?)([^<]+)</code>"
)


def _code(match: re.Match[str]) -> str:
    short, target = match[1], match[2]
    return f"<code>{target.rsplit('.', 1)[-1] if short else target}</code>"


def on_page_content(html: str, **kwargs: Any) -> str:
    return _ROLE.sub(_code, html)
