"""docs/verify_dossier.py, the stdlib-only verifier beside the format specification, on a real
archived workspace: it passes it, and names each kind of tampering the specification rules out."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from archive.helpers import Archived, writable

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "verify_dossier.py"


def verify(*args: str) -> tuple[int, str]:
    # -I: isolated (no site-packages, no PYTHONPATH): the script must need nothing but the stdlib
    p = subprocess.run([sys.executable, "-I", str(SCRIPT), *args], capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout + p.stderr


def test_sm3_matches_the_standard_vectors() -> None:
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import verify_dossier as v
    finally:
        sys.path.pop(0)
    for data, want in ((b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
                       (b"abcd" * 16, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732")):
        h = v.SM3()
        h.update(data[:5])
        h.update(data[5:])
        assert h.hexdigest() == want


def test_a_real_archived_workspace_verifies(archived: Archived) -> None:
    code, out = verify(str(archived.ws.root), "--pure-sm3")
    assert code == 0, out
    assert "2 dossiers" not in out and "1 of them archival bags" in out and out.rstrip().endswith("OK")
    assert (archived.bag / "case.schema.json").is_file()  # every new bag carries the record's schema
    listed = (archived.bag / "tagmanifest-sha256.txt").read_text(encoding="utf-8")
    assert "  case.schema.json\n" in listed


def test_tampering_is_named(archived: Archived, tmp_path: Path) -> None:
    bag = archived.bag
    pdf = next(p for p in sorted((bag / "data" / "documents").glob("*.pdf")))
    with writable(pdf):
        pdf.write_bytes(pdf.read_bytes() + b"%forged")
    journal = bag / "journal.jsonl"
    lines = journal.read_bytes().split(b"\n")
    first = json.loads(lines[0])
    first["actor"] = "别人"
    lines[0] = json.dumps(first, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    with writable(journal):
        journal.write_bytes(b"\n".join(lines))
    code, out = verify(str(bag))
    assert code == 1
    assert f"{pdf.name}: sha256 differs from manifest-sha256.txt" in out
    assert f"{pdf.name}: sm3 differs from manifest-sm3.txt" in out
    assert "Payload-Oxum" in out
    assert "journal.jsonl:1: check does not match" in out and "journal.jsonl:2: prev does not match" in out
    assert "journal.jsonl: differs" in out or "tagmanifest" in out


def test_an_open_dossier_edited_behind_the_journal_is_named(archived: Archived, tmp_path: Path) -> None:
    from archive.helpers import ACTOR, T0
    from casefile.store import Dossier
    from casefile.workflow import register
    from factories import form

    cid = register(archived.ws, form("intake-unit", received_at=T0.isoformat()), T0, ACTOR).case_id
    folder = Dossier(archived.ws, cid).path
    code, out = verify(str(folder))
    assert code == 0, out
    record = folder / "case.json"
    record.write_text(record.read_text(encoding="utf-8").replace('"claim": "', '"claim": "（改）'), encoding="utf-8")
    code, out = verify(str(folder))
    assert code == 1 and "case.json: differs from the case_sha256 of the last journal line" in out
    copy = tmp_path / "copy" / folder.name
    shutil.copytree(folder, copy)
    (copy / "journal.jsonl").write_bytes(b"")
    code, out = verify(str(copy))
    assert code == 1 and "journal.jsonl: empty" in out
