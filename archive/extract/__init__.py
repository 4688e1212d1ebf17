"""Article extraction: HTML bytes + URL + HTTP headers -> ``Article``."""

from __future__ import annotations

from archive.extract.article import Article, Image
from archive.extract.extractor import EXTRACTOR, ExtractOptions, extract_article

__all__ = ["EXTRACTOR", "Article", "ExtractOptions", "Image", "extract_article"]
