"""Search engines and Chinese text analysis behind :mod:`casefile.search` (imported only on demand)."""
