"""Worker processes die with the process that started them (Linux), even after kill -9.

A ``ProcessPoolExecutor`` on the fork server leaves its workers and the fork server
itself running for hours when the crawl is killed: they wait on pipes nobody closes.
``prctl(PR_SET_PDEATHSIG, SIGKILL)`` asks the kernel to kill a process when its parent
dies. The fork server gets it by importing ``archive._forkserver_deathsig`` (its
``set_forkserver_preload``); ``die_with_parent`` is the pool workers' initializer, since
the flag is not inherited across ``fork``. On other systems it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing.spawn
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Have the kernel SIGKILL this process when its parent exits (Linux only)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return  # no libc prctl: fall back to multiprocessing's own clean-up
    if os.getppid() == 1:  # the parent died before the flag was set
        os._exit(1)



MAIN_PATH_ENV = "NEWSARCHIVE_FORKSERVER_MAIN"


def forkserver_preload(*extra: str) -> list[str]:
    """Modules the fork server imports once, so that no worker imports them again.

    ``__main__`` is the default, but CPython 3.11's fork server never receives the main
    script's path (it asks for ``main_path``, the preparation data calls it
    ``init_main_from_path``), so every worker re-ran the main script (the ``newsarchive``
    script, a benchmark) and imported Scrapy and the crawler again: about 1.5 s of CPU per
    worker. The path goes to ``archive._forkserver_deathsig`` in ``MAIN_PATH_ENV``, which
    imports it the way the fork server meant to; a worker then finds it loaded. When run
    as ``python -m NAME``, ``NAME`` is preloaded for the same reason. ``extra``: the
    modules the workers' tasks need (extraction: trafilatura and lxml, ~0.5 s each).
    """
    modules = ["__main__"]
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    if spec is not None and spec.name and spec.name != "__main__":
        modules.append(spec.name)
    else:
        path = multiprocessing.spawn.get_preparation_data("forkserver").get("init_main_from_path")
        if path:  # "PID:path": only this process's own fork server takes it, not a child program's
            os.environ[MAIN_PATH_ENV] = f"{os.getpid()}:{path}"
    return [*modules, *extra, "archive._forkserver_deathsig"]
