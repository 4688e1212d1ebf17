"""One sync of the replay collection: index new WARCs, then rewrite the start page."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from archive.replay.collection import IndexStats, ensure_collection, index_collection
from archive.replay.startpage import captured_pages, write_start_page


def sync_collection(data_dir: Path, *, rebuild: bool = False, db_url: str | None = None,
                    all_pages: bool = False, warcs: Iterable[Path] = ()) -> IndexStats:
    """Link and index new or changed WARCs, drop deleted ones, rewrite the start page.

    ``warcs``: the WARC folders (default ``DATA_DIR/warcs``)."""
    coll = ensure_collection(data_dir, warcs)
    stats = index_collection(coll, rebuild=rebuild)
    listing = captured_pages(coll, db_url, all_pages=all_pages)
    stats.warnings.extend(listing.warnings)
    write_start_page(coll, listing)
    return stats
