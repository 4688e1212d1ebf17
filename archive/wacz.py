"""Package captures as WACZ (for replayweb.page) with the ``wacz`` tool, run in its own venv.

``wacz`` 0.6 pulls in frictionless and its tree (typer, petl, chardet 7, ...), which we
keep out of the crawler's environment, so it is installed on first use into
``$NEWSARCHIVE_WACZ_VENV`` or ``~/.cache/newsarchive/wacz-venv`` and run as a child
process, like pywb. We give it:

* the WARC files themselves (no filter), or byte-exact copies of only the selected
  records (``--site``, ``--since``, ``--until``), gzip members copied as stored;
* ``pages.jsonl`` built from the article database (titles), or from the HTML pages
  found in the WARCs when there is no database.

Its indexer inflates every body into a temporary file just to read POST bodies; we run
it through a small shim that buffers the stored (still encoded) bytes instead, so a
decompression bomb never gets inflated and brotli needs no extra module there.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from archive.contenttype import is_html
from archive.db.pages import CapturedPage, article_pages, cdx_timestamp
from archive.errors import ConfigError, DatabaseError, WarcFormatError
from archive.toolenv import ensure_tool_venv, tool_venv_dir
from archive.warc.files import warc_files

WACZ_REQUIREMENT = "wacz>=0.5,<0.7"

_SHIM = """\
import shutil, sys, tempfile
import cdxj_indexer.bufferiter as bufferiter

def buffer_record_content(record):
    spool = tempfile.SpooledTemporaryFile(bufferiter.BUFF_SIZE)
    shutil.copyfileobj(record.raw_stream, spool)
    spool.seek(0)
    record.buffered_stream = spool

bufferiter.buffer_record_content = buffer_record_content
from wacz.main import main
sys.exit(main(sys.argv[1:]))
"""


@dataclass(frozen=True)
class WaczOptions:
    output: Path
    site: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None  # exclusive
    title: str | None = None
    warcs: tuple[Path, ...] = ()  # WARC folders (every worker's); none: DATA_DIR/warcs

    @property
    def filtered(self) -> bool:
        return bool(self.site or self.since or self.until)


@dataclass
class WaczResult:
    path: Path
    warcs: int = 0
    records: int = 0
    pages: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Entry:
    offset: int
    length: int
    rec_type: str
    url: str
    digest: str
    selected: bool


def wacz_venv_dir() -> Path:
    return tool_venv_dir("NEWSARCHIVE_WACZ_VENV", "wacz")


def ensure_wacz() -> Path:
    """The venv's python, after creating the venv and installing ``wacz`` if needed."""
    directory = ensure_tool_venv(wacz_venv_dir(), WACZ_REQUIREMENT, "wacz", "NEWSARCHIVE_WACZ_VENV")
    return directory / "bin" / "python"


def export_wacz(data_dir: Path, options: WaczOptions, db_url: str | None = None) -> WaczResult:
    """Write ``options.output``: the selected captures, their index, pages and hashes."""
    folders = options.warcs or (Path(data_dir) / "warcs",)
    files = warc_files([folder for folder in folders if Path(folder).is_dir()])
    if not files:
        raise ConfigError(f"no WARC files in {', '.join(map(str, folders))}; crawl something first")
    _refuse_same_names(files)
    output = Path(options.output).resolve()
    if output.suffix != ".wacz":
        raise ConfigError(f"{options.output}: the output file name must end in .wacz")
    output.parent.mkdir(parents=True, exist_ok=True)
    result = WaczResult(path=output)
    with tempfile.TemporaryDirectory(prefix=".wacz-", dir=output.parent) as tmp_name:
        tmp = Path(tmp_name)
        inputs, html_pages = _select(files, options, tmp, result)
        if not inputs:
            raise ConfigError("no capture matches the given --site/--since/--until")
        pages = _pages(data_dir, db_url, html_pages, result.warnings)
        result.pages = len(pages)
        pages_file = tmp / "pages.jsonl"
        _write_pages(pages_file, pages)
        tmp_output = tmp / "out.wacz"
        title = options.title or f"newsarchive: {options.site or 'all sites'}"
        _run_wacz(["create", "-o", str(tmp_output), "-p", str(pages_file), "--title", title,
                   *(str(p) for p in inputs)], result)
        os.replace(tmp_output, output)
    result.warcs = len(inputs)
    return result


def _refuse_same_names(files: list[Path]) -> None:
    """The WACZ holds its WARCs by name, flat: two folders' files must not share one."""
    by_name: dict[str, Path] = {}
    for path in files:
        other = by_name.setdefault(path.name, path)
        if other != path:
            raise ConfigError(f"{path} and {other} have the same name; a WACZ holds WARC files by name "
                              "(rename one, or export the folders separately)")


def validate_wacz(path: Path) -> tuple[bool, str]:
    """Run ``wacz validate``; ``(passed, its last output line)``."""
    proc = subprocess.run([str(ensure_wacz()), "-c", _SHIM, "validate", "-f", str(path)],
                          capture_output=True, text=True, check=False)
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    return proc.returncode == 0, lines[-1] if lines else ""


def _run_wacz(args: list[str], result: WaczResult) -> None:
    proc = subprocess.run([str(ensure_wacz()), "-c", _SHIM, *args], capture_output=True, text=True, check=False)
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    if proc.returncode != 0:
        raise ConfigError(f"wacz {args[0]} failed: {lines[-1] if lines else 'no output'}")
    invalid = [line for line in lines if line.startswith("Invalid passed page")]
    result.pages -= len(invalid)
    result.warnings.extend(invalid)


def _select(files: list[Path], options: WaczOptions, tmp: Path,
            result: WaczResult) -> tuple[list[Path], list[CapturedPage]]:
    """The WARCs to package (originals, or filtered copies) and the HTML pages in them."""
    inputs: list[Path] = []
    html_pages: list[CapturedPage] = []
    for path in files:
        entries, pages = _scan(path, options)
        _add_revisited(entries)
        chosen = [e for e in entries if e.selected]
        if not any(e.rec_type != "warcinfo" for e in chosen):
            continue
        result.records += len(chosen)
        html_pages.extend(pages)
        if not options.filtered:
            inputs.append(path)
            continue
        copy = tmp / path.name
        with open(path, "rb") as src, open(copy, "wb") as dst:
            for entry in chosen:
                src.seek(entry.offset)
                dst.write(src.read(entry.length))
        inputs.append(copy)
    return inputs, html_pages


def _scan(path: Path, options: WaczOptions) -> tuple[list[_Entry], list[CapturedPage]]:
    entries: list[_Entry] = []
    pages: list[CapturedPage] = []
    try:
        with open(path, "rb") as stream:
            iterator = ArchiveIterator(stream, check_digests=False)
            for record in iterator:
                headers = record.rec_headers
                url = (headers.get_header("WARC-Target-URI") or "").strip("<>")
                when = _parse_warc_date(headers.get_header("WARC-Date") or "")
                keep = record.rec_type == "warcinfo" or _matches(url, when, options)
                if keep and record.rec_type == "response" and when and _is_html_page(record):
                    pages.append(CapturedPage(url=url, timestamp=cdx_timestamp(when), site=_host(url)))
                iterator.read_to_end(record)
                entries.append(_Entry(iterator.get_record_offset(), iterator.get_record_length(), record.rec_type,
                                      url, headers.get_header("WARC-Payload-Digest") or "", keep))
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        raise WarcFormatError(f"{path}: cannot read for WACZ export ({exc}); run newsarchive check") from exc
    return entries, pages


def _add_revisited(entries: list[_Entry]) -> None:
    """Keep the original response of every kept revisit, so it replays its body."""
    needed = {(e.url, e.digest) for e in entries if e.selected and e.rec_type == "revisit" and e.digest}
    for entry in entries:
        if entry.rec_type == "response" and (entry.url, entry.digest) in needed:
            entry.selected = True


def _is_html_page(record) -> bool:  # noqa: ANN001 - a warcio ArcWarcRecord
    http = record.http_headers
    return http is not None and http.get_statuscode() == "200" and is_html(http.get_header("Content-Type"))


def _matches(url: str, when: dt.datetime | None, options: WaczOptions) -> bool:
    if options.site and not _site_matches(_host(url), options.site):
        return False
    if options.since and (when is None or when < _utc(options.since)):
        return False
    if options.until and (when is None or when >= _utc(options.until)):
        return False
    return True


def _site_matches(host: str, site: str) -> bool:
    site = site.lower().strip().removeprefix("www.")
    if "://" in site:
        site = _host(site)
    return host == site or host.endswith("." + site)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def _parse_warc_date(value: str) -> dt.datetime | None:
    try:
        return _utc(dt.datetime.fromisoformat(value.strip()))
    except ValueError:
        return None


def _utc(when: dt.datetime) -> dt.datetime:
    return when.astimezone(dt.UTC) if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _pages(data_dir: Path, db_url: str | None, html_pages: list[CapturedPage],
           warnings: list[str]) -> list[CapturedPage]:
    """Article pages with database titles among the packaged captures; else every HTML page."""
    present = {(p.timestamp, p.url) for p in html_pages}
    try:
        titled = article_pages(data_dir, db_url)
    except DatabaseError as exc:
        titled = []
        warnings.append(f"pages.jsonl without titles: {exc}")
    from_db = [p for p in titled if (p.timestamp, p.url) in present]
    unique = {(p.timestamp, p.url): p for p in (from_db or html_pages)}
    return sorted(unique.values(), key=lambda p: (p.timestamp, p.url))


def _write_pages(path: Path, pages: list[CapturedPage]) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write(json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}) + "\n")
        for page in pages:
            ts = page.timestamp
            item = {"url": page.url, "ts": f"{ts[:4]}-{ts[4:6]}-{ts[6:8]}T{ts[8:10]}:{ts[10:12]}:{ts[12:14]}Z",
                    "title": page.title or page.url}
            out.write(json.dumps(item, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    try:
        print(f"wacz environment: {ensure_wacz().parent.parent}")
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
