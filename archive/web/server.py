"""Run the interface under uvicorn, on the loopback interface unless told otherwise."""

from __future__ import annotations

import ipaddress

from archive.research import Archive


def is_loopback(host: str) -> bool:
    """``localhost`` and 127.0.0.0/8 or ::1 addresses."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(archive: Archive, host: str, port: int, replay_base: str) -> None:
    """Serve ``archive`` until Ctrl-C, then close it."""
    import uvicorn

    from archive.web.app import create_app

    try:
        app = create_app(archive, replay_base)
        uvicorn.run(app, host=host, port=port, log_level="info", server_header=False, access_log=False)
    finally:
        archive.close()
