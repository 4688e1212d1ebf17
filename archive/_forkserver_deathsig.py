"""Imported only by the multiprocessing fork server (as a preload): die with the crawl.

Its forked workers inherit the warning filter: they re-run the already preloaded main
module (``python -m scraper.cli``) as ``__mp_main__``, which runpy warns about on stderr.
"""

import warnings

from archive.deathsig import die_with_parent

warnings.filterwarnings("ignore", message=r".*found in sys.modules after import of package",
                        category=RuntimeWarning)
die_with_parent()
