"""Replay through pywb, one module per job.

``collection``  the pywb collection in ``DATA_DIR/replay``: WARC symlinks, CDXJ indexes
``startpage``   the page at ``/``: one line per article (``archive.db.pages`` queries it)
``server``      the ``wayback`` child process and its TCP_NODELAY shim
``sync``        index, then start page: what ``newsarchive index`` and ``replay`` run

The names below are the package's public surface, for callers outside replay.
"""

from archive.replay.collection import COLLECTION, Collection, IndexStats, latest_capture, replay_address
from archive.replay.server import DEFAULT_HOST, DEFAULT_PORT, ReplayServer, server_base
from archive.replay.sync import sync_collection

__all__ = [
    "COLLECTION",
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "Collection",
    "IndexStats",
    "ReplayServer",
    "latest_capture",
    "replay_address",
    "server_base",
    "sync_collection",
]
