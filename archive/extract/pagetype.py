"""What kind of page this is: article, index, consent wall, paywall, error page, other."""

from __future__ import annotations
