"""Imported only by the multiprocessing fork server (as a preload): die with the crawl,
and load the crawl's main script once (see ``archive.deathsig.forkserver_preload``).

Its forked workers inherit the warning filter: they re-run the already preloaded main
module (``python -m scraper.cli``) as ``__mp_main__``, which runpy warns about on stderr.
"""

import multiprocessing.process
import multiprocessing.spawn
import os
import sys
import warnings

from archive.deathsig import MAIN_PATH_ENV, die_with_parent


def _import_main() -> None:
    """Load the crawl's main script as the fork server's ``__main__`` (see ``forkserver_preload``)."""
    owner, _, path = os.environ.pop(MAIN_PATH_ENV, "").partition(":")
    if not path or owner != str(os.getppid()):
        return  # not a script, or the variable was inherited from a parent program
    if getattr(sys.modules.get("__main__"), "__file__", None) == path:
        return  # the fork server already did (a Python that passes the path)
    current = multiprocessing.process.current_process()
    current._inheriting = True  # type: ignore[attr-defined]  # as the fork server does: no pools started in it
    try:
        multiprocessing.spawn.import_main_path(path)
    except Exception:  # noqa: BLE001 - as before: each worker then imports the script itself
        return
    finally:
        del current._inheriting  # type: ignore[attr-defined]


warnings.filterwarnings("ignore", message=r".*found in sys.modules after import of package",
                        category=RuntimeWarning)
die_with_parent()
_import_main()
