"""Pure data models (pydantic v2). No I/O here."""
