"""Imported only by the multiprocessing fork server (as a preload): die with the crawl."""

from archive.deathsig import die_with_parent

die_with_parent()
