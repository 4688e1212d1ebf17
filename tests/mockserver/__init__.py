"""Mock news server for tests: the demo site plus one path per HTTP edge case.

``MockServer`` runs ``tests.mockserver.server`` in a subprocess; see server.py
for the paths and sentlog.py for the record of what was sent. live.py is a
news site under ``/live/`` that changes between crawls (``MockServer.live_*``).
"""

from tests.mockserver.process import MockServer, SentResponse

__all__ = ["MockServer", "SentResponse"]
