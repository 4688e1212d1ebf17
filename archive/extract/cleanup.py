"""News boilerplate that trafilatura keeps: removed from the tree before it, and from its lines after."""

from __future__ import annotations

from lxml.html import HtmlElement


def prune_tree(tree: HtmlElement) -> None:
    """Remove boilerplate subtrees in place."""


def clean_lines(lines: list[str]) -> list[str]:
    """Drop boilerplate paragraphs from trafilatura's output."""
    return lines
