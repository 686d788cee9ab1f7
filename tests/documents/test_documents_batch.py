"""Batch: bad rows fail alone, numbering stays gap-free, output equals a plain docxtpl render."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from casefile.config import Workspace
from casefile.documents.batch import plan_batch
from casefile.documents.engine import docx_text, find_template, make_env
from casefile.errors import ValidationFailed
from casefile.models.case import Case
from casefile.rules.ids import uscc_check_char
from casefile.store import Dossier, Sequence
from documents.docfixtures import CASE_ID, NOW, full_case

HEADER = ["缴费人名称", "统一社会信用代码", "地址", "法定代表人", "险种", "所属期", "人数", "缴费基数", "应缴金额",
          "已缴金额", "限缴日期"]


def uscc(i: int) -> str:
    first17 = f"91140932MA{i:07d}"
    return first17 + uscc_check_char(first17)


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_bad_rows_fail_alone_and_numbers_have_no_gaps(ws: Workspace, tmp_path: Path) -> None:
    bad_code = uscc(2)[:-1] + ("0" if uscc(2)[-1] != "0" else "1")
    src = write_csv(tmp_path / "list.csv", [
        ["甲公司", uscc(1), "一号路", "张甲", "基本养老", "202501", "5", "4000", "1600.00", "0", "2026-06-30"],
        ["甲公司", uscc(1), "一号路", "张甲", "失业", "202501", "5", "4000", "40.00", "0", "2026-06-30"],
        ["乙公司", bad_code, "二号路", "张乙", "基本养老", "202501", "3", "4000", "960.00", "0", "2026-06-30"],
        ["丙公司", uscc(3), "三号路", "张丙", "基本养老", "202501", "3", "4000", "960.00", "0", "2026-06-30", "多余"],
        ["丁公司", uscc(4), "四号路", "张丁", "工伤", "2025-02", "2", "4000", "16.00", "", "2026/6/30"],
        ["戊公司", uscc(5), "五号路", "张戊", "养老", "202513", "2", "4000", "16.00", "", "2026-06-30"],
    ])
    job = plan_batch(ws, "D17", src, out_dir=tmp_path / "out", actor="王晓梅", now=NOW)
    assert job.total == 5
    outcomes = list(job.run())
    assert len(outcomes) == 5
    report = job.report
    assert [o.payer for o in report.ok] == ["甲公司", "丁公司"]
    assert [o.wenhao for o in report.ok] == ["偏税社限缴〔2026〕1号", "偏税社限缴〔2026〕2号"]
    failed = {tuple(o.rows): o.message for o in report.failed}
    assert "校验位" in failed[(4,)]
    assert "多于表头" in failed[(5,)]
    assert "月份" in failed[(7,)]
    assert Sequence(ws, "doc-D17-2026").last() == 2
    first = report.ok[0]
    assert first.rows == [2, 3]
    text = docx_text(first.file.read_bytes())  # type: ignore[union-attr]
    assert "甲公司" in text and "1,640.00" in text and "2026年6月30日" in text and "壹仟陆佰肆拾元整" in text
    manifest = json.loads(report.manifest.read_bytes())  # type: ignore[union-attr]
    assert [d["status"] for d in manifest["documents"]] == ["ok", "failed", "failed", "ok", "failed"]
    assert not list((tmp_path / "out").glob(".*"))


def test_batch_output_is_the_plain_docxtpl_render(ws: Workspace, tmp_path: Path) -> None:
    from docxtpl import DocxTemplate

    src = write_csv(tmp_path / "list.csv", [
        ["甲公司<&>", uscc(1), "一号路", "张甲", "基本养老", "202501", "5", "4000", "1600.00", "0", "2026-06-30"],
    ])
    job = plan_batch(ws, "D17", src, out_dir=tmp_path / "out", actor="王晓梅", now=NOW)
    (outcome,) = list(job.run())
    assert outcome.file is not None
    snapshot = json.loads(outcome.file.with_name(outcome.file.name.replace(".docx", ".data.json")).read_bytes())
    plain = DocxTemplate(io.BytesIO(find_template(ws, "D17").read_bytes()))
    plain.render(snapshot["context"], jinja_env=make_env(), autoescape=True)
    buf = io.BytesIO()
    plain.save(buf)
    assert docx_text(outcome.file.read_bytes()) == docx_text(buf.getvalue())
    assert snapshot["template"]["sha256"] == job.prepared.sha256


def test_xlsx_with_numbers_and_dates(ws: Workspace, tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append([*HEADER, "x.contact"])
    sheet.append(["甲公司", uscc(1), "一号路", "张甲", "基本养老", 202501, 5, 4000, 1600.5, 0, datetime(2026, 6, 30),
                  "李联系"])
    sheet.append(["乙个人", "", "二号路", "", "失业", "202502", None, None, 12.34, None, "2026年6月30日"])
    path = tmp_path / "list.xlsx"
    wb.save(path)
    job = plan_batch(ws, "D17", path, out_dir=tmp_path / "out", actor="王晓梅", now=NOW)
    list(job.run())
    # 乙个人 has neither a 统一社会信用代码 nor a 身份证号: grouped by name, fine for a person
    assert [o.status for o in job.report.outcomes] == ["ok", "ok"], job.report.failed
    text = docx_text(job.report.ok[0].file.read_bytes())  # type: ignore[union-attr]
    assert "1,600.50" in text and "李联系" in text


def test_unusable_header_refuses_the_whole_file(ws: Workspace, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "list.csv", [["甲公司", "x"]], header=["缴费人名称", "备注"])
    with pytest.raises(ValidationFailed) as err:
        plan_batch(ws, "D17", src, out_dir=tmp_path / "out", actor="王晓梅", now=NOW)
    assert "险种" in err.value.message and "所属期" in err.value.message


def test_rows_naming_a_case_are_issued_into_the_dossier(ws: Workspace, tmp_path: Path,
                                                        store_case: Callable[[Case], Dossier]) -> None:
    store_case(full_case())
    src = write_csv(tmp_path / "list.csv", [[CASE_ID, "2026-07-01"]], header=["案件ID", "限缴日期"])
    job = plan_batch(ws, "D17", src, out_dir=tmp_path / "out", actor="王晓梅", now=NOW)
    (outcome,) = list(job.run())
    assert outcome.status == "ok" and outcome.case_id == CASE_ID
    record = Dossier(ws, CASE_ID).load().document(outcome.doc_id)  # type: ignore[arg-type]
    assert record is not None and record.wenhao == outcome.wenhao
    assert "2026年7月1日" in docx_text(outcome.file.read_bytes())  # type: ignore[union-attr]


def test_gbk_csv_is_read(ws: Workspace, tmp_path: Path) -> None:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["缴费人名称", "身份证号", "险种", "所属期", "应缴"])
    w.writerow(["王五", "140932199001010019", "城乡居民养老", "202501", "200"])
    path = tmp_path / "gbk.csv"
    path.write_bytes(buf.getvalue().encode("gb18030"))
    job = plan_batch(ws, "D16", path, out_dir=tmp_path / "out", actor="王晓梅", now=NOW)
    list(job.run())
    assert [o.status for o in job.report.outcomes] == ["ok"], job.report.failed
