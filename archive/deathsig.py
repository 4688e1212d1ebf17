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



def forkserver_preload() -> list[str]:
    """Modules the fork server imports once: ``__main__`` (the default), the main module
    when run as ``python -m NAME`` (which the default misses, so each worker would spend
    seconds importing it before its initializer could run), and the death signal itself."""
    modules = ["__main__"]
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    if spec is not None and spec.name and spec.name != "__main__":
        modules.append(spec.name)
    return [*modules, "archive._forkserver_deathsig"]
