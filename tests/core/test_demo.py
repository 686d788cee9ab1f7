"""`casefile demo --quick` end to end in a subprocess: scans filed through the evidence pipeline,
archived bags that verify, published typical cases, a search index that answers, last month's report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from testkit import NOW, env_for

pytestmark = pytest.mark.slow


def run(ws: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "casefile.cli.main", *args], env=env_for(ws, **{"CASEFILE_USER": "王晓梅", **env}),
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    from archive.helpers import fake_soffice_script

    # LibreOffice itself is exercised by the archive tests; the stand-in keeps this test quick and
    # independent of whether it is installed
    soffice = fake_soffice_script(tmp_path_factory.mktemp("fake-soffice"))
    root = tmp_path_factory.mktemp("demo") / "ws"
    p = run(root, "demo", str(root), "--quick", CASEFILE_SOFFICE=str(soffice))
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Traceback" not in p.stderr
    return root, p.stdout


def test_demo_progress_lines(demo: tuple[Path, str]) -> None:
    _, out = demo
    for step in ("证据材料：", "立卷归档：", "典型案例：", "检索索引：", "月度报告："):
        assert step in out, out
    assert "未能归档" not in out and "未通过泄露检查" not in out and "未归档：" not in out, out


def test_demo_files_scans_through_the_evidence_pipeline(demo: tuple[Path, str]) -> None:
    root, _ = demo
    with_evidence = sorted({p.parent.parent.name for p in root.glob("archive/*/*/evidence/E*") if p.is_file()})
    assert with_evidence
    p = run(root, "show", with_evidence[0], "--json")
    assert p.returncode == 0, p.stderr
    evidence = json.loads(p.stdout)["evidence"]
    assert evidence and all(len(e["sha256"]) == 64 for e in evidence)
    slots = {e.get("slot") for cid in with_evidence
             for e in json.loads(run(root, "show", cid, "--json").stdout)["evidence"]}
    assert {"工资条", "工资表", "劳动合同", "银行代扣回单"} <= slots
    assert not any((root / "inbox" / "_failed").iterdir()) and not any((root / "inbox" / "_unmatched").iterdir())


def test_demo_archives_verify_and_library(demo: tuple[Path, str]) -> None:
    root, _ = demo
    p = run(root, "verify", "--all", "--json")
    report = json.loads(p.stdout)
    assert p.returncode == 0 and report["ok"] is True, p.stdout
    assert len(report["cases"]) >= 2
    from casefile.config import find_workspace
    from casefile.models.enums import State
    from casefile.store import iter_dossiers

    states = [d.load().state for d in iter_dossiers(find_workspace(root))]
    assert states.count(State.ARCHIVED) == len(report["cases"]) and State.CLOSED in states  # one left to practise on
    p = run(root, "typical", "list", "--json")
    published = [t for t in json.loads(p.stdout) if t["status"] == "published"]
    assert len(published) >= 5
    p = run(root, "search", "滞纳金", "--json")
    hits = json.loads(p.stdout)
    assert p.returncode == 0 and hits["total"] > 0 and {r["kind"] for r in hits["results"]} >= {"typical", "case"}
    month = f"{NOW.year}-{NOW.month - 1:02d}" if NOW.month > 1 else f"{NOW.year - 1}-12"
    assert (root / "reports" / f"D30_月度综合分析报告_{month}.docx").is_file()


def test_demo_dossiers_and_bags_verify_with_the_stdlib_script(demo: tuple[Path, str]) -> None:
    """docs/verify_dossier.py (standard library only, run isolated) passes every journal, record,
    bag, preservation log and sequence of the demo; every case.json satisfies the shipped schema."""
    root, _ = demo
    script = Path(__file__).resolve().parents[2] / "docs" / "verify_dossier.py"
    p = subprocess.run([sys.executable, "-I", str(script), str(root)], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0 and p.stdout.rstrip().endswith("OK"), p.stdout + p.stderr
    assert "30 dossiers, 2 of them archival bags" in p.stdout
    jsonschema = pytest.importorskip("jsonschema")
    from casefile.models.schema import shipped_schema

    validator = jsonschema.Draft202012Validator(json.loads(shipped_schema()))
    records = sorted(root.glob("archive/*/*/case.json"))
    assert len(records) == 30
    for record in records:
        errors = [e.message for e in validator.iter_errors(json.loads(record.read_bytes()))]
        assert not errors, (record, errors[:3])
    for bag in root.glob("archive/*/*/bagit.txt"):
        assert (bag.parent / "case.schema.json").read_bytes() == shipped_schema()


def test_demo_issues_every_document_code(demo: tuple[Path, str]) -> None:
    """Every code D01–D32 comes out of the demo through the ordinary steps: the case documents on
    record (the 奈曼 example workspace holds the 报送 documents D07, D09 and D32, a model the 偏关
    workspace does not have), the 归档文件目录 (D28), the monthly report (D30) and the register (D31)."""
    root, out = demo
    issued: dict[str, int] = {}
    records = [*root.glob("archive/*/*/case.json"), *root.glob("naiman/archive/*/*/case.json")]
    for record in records:
        for d in json.loads(record.read_bytes()).get("documents", []):
            issued[d["doc_type"]] = issued.get(d["doc_type"], 0) + 1
    reports = root / "reports"
    year = NOW.year
    month = f"{NOW.year}-{NOW.month - 1:02d}" if NOW.month > 1 else f"{NOW.year - 1}-12"
    for code, path in (("D28", reports / f"归档文件目录_{year}.docx"), ("D30", reports / f"D30_月度综合分析报告_{month}.docx"),
                       ("D31", reports / f"D31_工作台账_{year}.xlsx")):
        if path.is_file():
            issued[code] = issued.get(code, 0) + 1
    expected = {f"D{n:02d}" for n in range(1, 33)}
    assert expected - set(issued) == set(), sorted(expected - set(issued))
    for code in ("D07", "D09", "D13", "D23"):  # the four the demo used to leave out
        assert issued[code] >= 1, code
    assert "奈曼模式示例工作区：" in out and "工作台账（D31）" in out
    # the 奈曼 example is a workspace of its own whose journals verify like the main one's
    script = Path(__file__).resolve().parents[2] / "docs" / "verify_dossier.py"
    p = subprocess.run([sys.executable, "-I", str(script), str(root / "naiman")], capture_output=True, text=True,
                       timeout=600)
    assert p.returncode == 0 and "1 dossiers" in p.stdout, p.stdout + p.stderr
    p = run(root / "naiman", "list", "--json", CASEFILE_USER="包海荣")
    assert p.returncode == 0 and [c["state"] for c in json.loads(p.stdout)["cases"]] == ["CLOSED"], p.stdout + p.stderr
