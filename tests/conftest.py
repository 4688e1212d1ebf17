"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.mockserver import MockServer


@pytest.fixture(scope="session")
def mockserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    """One mock news server (subprocess on 127.0.0.1) for the whole test session."""
    with MockServer(log_dir=tmp_path_factory.mktemp("mockserver")) as server:
        yield server
