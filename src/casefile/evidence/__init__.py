"""Scanned evidence: drop folder → dossier.

Kept import-light on purpose: :mod:`casefile.evidence.worker` runs in a fresh subprocess for every
file, so nothing here may pull in pydantic, the store or the parsers. Import the submodules directly:

- :mod:`.pipeline`   the ordered ingest steps (``ingest_inbox_file``, ``add_files``, ``unlock``)
- :mod:`.watcher`    the folder watcher (watchdog events + periodic rescan + start-up scan)
- :mod:`.stability`  :class:`FileStabilityTracker` (pure, no I/O)
- :mod:`.worker`     the isolated parse/OCR subprocess
- :mod:`.coversheet` QR cover sheets (make and read)
- :mod:`.codes`      the stable outcome, reason and text-status codes
"""
