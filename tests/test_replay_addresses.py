"""``search`` and ``show`` give each article's replay address (timestamp + URL)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.crawl_support import run_crawl
from tests.incremental_support import cli
from tests.mockserver import MockServer

ARTICLE = "/2024/03/04/provincial-budget-debate/"


def test_search_and_show_carry_the_replay_address(mockserver: MockServer, tmp_path: Path) -> None:
    result = run_crawl(tmp_path, mockserver.url(ARTICLE), "--depth", "0")
    assert result.returncode == 0, result.stderr[-2000:]
    [record] = result.responses(mockserver.url(ARTICLE))
    stamp = re.sub(r"\D", "", record.headers["WARC-Date"])[:14]
    expected = f"http://127.0.0.1:8080/news/{stamp}/{mockserver.url(ARTICLE)}"

    hits = json.loads(cli(tmp_path, "search", "budget", "--format", "json").stdout)
    [hit] = [h for h in hits if h["url"] == mockserver.url(ARTICLE)]
    assert hit["replay"] == expected

    shown = json.loads(cli(tmp_path, "show", str(hit["id"]), "--format", "json").stdout)
    assert shown["replay"] == expected
    assert shown["versions"][0]["capture"]["replay"] == expected
    assert f"replay: {expected}" in cli(tmp_path, "show", str(hit["id"])).stdout
