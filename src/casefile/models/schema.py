"""The JSON Schema of ``case.json``, generated from :class:`~casefile.models.case.Case`.

The generated text is shipped in the package (``casefile/data/format/case.schema.json``), written
into every archival bag as the tag file ``case.schema.json`` and described in docs/format.md. A test
compares the shipped file with a fresh generation, so a model change that alters the stored form
shows up as a diff of that file (and, if it is not backwards compatible, needs a new
``SCHEMA_VERSION``). Regenerate with ``python -m casefile.models.schema``.
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from typing import Any

from casefile.models.case import SCHEMA_VERSION, Case

SCHEMA_FILE = "case.schema.json"
SCHEMA_ID = f"https://casefile.invalid/schema/case/{SCHEMA_VERSION}"


def case_schema() -> dict[str, Any]:
    """The schema of a stored case record (the serialised form, as ``case.json`` holds it)."""
    schema = Case.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "casefile case.json",
        "description": f"案件记录 case.json 的结构（schema_version {SCHEMA_VERSION}），由 casefile 的数据模型生成。",
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def schema_bytes() -> bytes:
    return (json.dumps(case_schema(), ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def shipped_schema() -> bytes:
    """The schema file as the package ships it."""
    return resources.files("casefile.data.format").joinpath(SCHEMA_FILE).read_bytes()


def main() -> int:
    target = resources.files("casefile.data.format").joinpath(SCHEMA_FILE)
    with resources.as_file(target) as path:
        path.write_bytes(schema_bytes())
        print(f"{path}: {len(schema_bytes())} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
