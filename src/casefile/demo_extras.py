"""The rest of the demo: scans through the evidence pipeline, archiving, typical cases, the search
index and last month's report, each through the same library calls the CLI uses.

The scans are made here: wage slips and a wage table (reportlab, CJK font), a photographed labour
contract (Pillow: slightly turned, noisy, stored sideways with an EXIF orientation) and a bank
debit notice scanned behind a cover sheet and dropped into the inbox. Names and numbers come from
the demo cases (invented); everything is seeded by the case id, so a given ``now`` gives the same
files every time.
"""

from __future__ import annotations

import io
import random
import re
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from casefile.config import Workspace
from casefile.documents.doctypes import TYPICAL_CASE
from casefile.errors import CasefileError
from casefile.models.case import Case
from casefile.models.enums import PartyKind, State
from casefile.store import Dossier

DRAFTER, REVIEWER, APPROVER = "陈静", "赵建军", "王晓梅"
ARCHIVIST = "刘芳"
COLLEAGUES = ["张伟", "李娜", "王磊", "刘洋", "杨帆", "赵敏", "孙浩"]  # the wage table's other rows (invented)
NOT_OPEN = (State.CLOSED, State.ARCHIVED, State.REDIRECTED)
LESSONS = {
    "C01": "跨地区转移接续要先核对转出地缴费记录，缺失月份由转出地补齐后再办理转入，避免参保人两头跑。",
    "C02": "参保登记信息应在部门间当日推送、次日核对；系统未同步时先人工补录，再查明接口原因。",
    "C03": "缴费基数争议要以工资表、银行流水等原始凭证为准，人社部门核定基数、税务部门据此征收，分工明确才能减少反复。",
    "C04": "灵活就业人员缴费档次应在申报时当面确认并留存记录，金额有异议时先核对档次和所属期。",
    "C05": "特殊缴费核定应附计算明细，逐年列明基数和比例，当事人一看就懂，争议自然减少。",
    "C06": "滞纳金不得减免，但起算日必须准确；银行代扣失败等情形应先查明扣款记录和失败原因，再向缴费人说明依据。",
    "C07": "退费要告知受理时限和进度查询渠道，逾期未到账时主动回访，避免小事拖成投诉。",
    "C08": "待遇核定不属本机制受理范围的，应当场告知有权机关和途径，并做好登记。",
    "C09": "欠费追缴要按催缴、责令限期缴纳、申请划拨、申请强制执行的顺序依法推进，每一步留存送达凭证。",
    "C10": "缴费凭证与实际不符的，应先核对征收系统数据，确属错误的及时更正并出具说明。",
    "P1": "应参未参的，先责令用人单位补办登记、限期补缴，同时告知职工维权途径。",
}

BASIS = {  # 法律依据 a trainer fills in where the case record cites none
    "P1": ["《中华人民共和国社会保险法》第五十八条", "《中华人民共和国社会保险法》第八十四条"],
    "C06": ["《中华人民共和国社会保险法》第八十六条"],
    "*": ["《中华人民共和国社会保险法》第六十三条"],
}


def run_extras(ws: Workspace, now: datetime, ids: Sequence[str], closed: Sequence[str], quick: bool) -> Iterator[str]:
    """One progress line per step. ``closed`` are the demo's closed cases (in the order made).

    The steps happen in the hour before ``now``: scans arrive, then the archivist seals the oldest
    closed cases, then the trainers draft and sign off the typical cases."""
    yield _timed(_evidence, ws, now - timedelta(minutes=60), now, ids, quick)
    archived, line = _archive(ws, now - timedelta(minutes=45), closed, quick)
    yield line
    if archived:
        yield _timed(_catalogue, ws, now - timedelta(minutes=42))
    yield _timed(_typical, ws, now - timedelta(minutes=40), closed, archived)
    yield _timed(_index, ws)
    yield _timed(_report, ws, now)


def _timed(step: Callable[..., str], *args: Any) -> str:
    t0 = time.perf_counter()
    line = step(*args)
    return f"{line}（{time.perf_counter() - t0:.1f}秒）"


# -- choosing cases -------------------------------------------------------------------------------------
def _load(ws: Workspace, cid: str) -> Case:
    return Dossier(ws, cid).load()


def _open_cases(ws: Workspace, ids: Sequence[str]) -> list[Case]:
    return [c for c in (_load(ws, cid) for cid in ids) if c.state not in NOT_OPEN]


def _pick(cases: Sequence[Case], prefer: Sequence[str], taken: set[str]) -> Case | None:
    """The first case of a preferred category not yet used, else any case not yet used."""
    for short in prefer:
        for c in cases:
            if c.id not in taken and short in (x.short for x in c.categories):
                taken.add(c.id)
                return c
    for c in cases:
        if c.id not in taken:
            taken.add(c.id)
            return c
    return None


def _people(case: Case) -> tuple[str, str]:
    """(employee, employer) as named in the case, with invented stand-ins where a side is missing."""
    parties = [p for p in (case.applicant, case.counterparty) if p is not None]
    person = next((p.name for p in parties if p.kind is not PartyKind.UNIT), "王丽萍")
    unit = next((p.name for p in parties if p.kind is PartyKind.UNIT), "偏关县恒泰商贸有限公司")
    return person, unit


# -- 1. evidence ----------------------------------------------------------------------------------------------
def _evidence(ws: Workspace, at: datetime, now: datetime, ids: Sequence[str], quick: bool) -> str:
    from concurrent.futures import ThreadPoolExecutor

    from casefile.evidence.codes import Outcome
    from casefile.evidence.pipeline import add_files

    cases = _open_cases(ws, ids)
    if not cases:
        return "证据材料：没有在办案件，跳过。"
    taken: set[str] = set()
    dpi = 150 if quick else 200
    with tempfile.TemporaryDirectory(prefix="casefile-demo-scans-") as tmp:
        folder = Path(tmp)
        jobs: list[tuple[Case, list[Path], str]] = []
        wage = _pick(cases, ("C03", "P1", "C09"), taken)
        if wage is not None:
            person, unit = _people(wage)
            months = [(at - timedelta(days=31 * k)).replace(day=1) for k in (2, 1)]
            slips = []
            for m in months:
                p = folder / f"工资条_{person}_{m:%Y年%m月}.pdf"
                p.write_bytes(wage_slip_pdf(unit, person, m, random.Random(f"{wage.id}{m:%Y%m}")))
                slips.append(p)
            jobs.append((wage, slips, "工资条"))
        table = _pick(cases, ("C03", "C09", "P1"), taken) or wage
        if table is not None:
            person, unit = _people(table)
            month = (at - timedelta(days=31)).replace(day=1)
            p = folder / f"{unit}_{month:%Y年%m月}工资表.pdf"
            p.write_bytes(wage_table_pdf(unit, person, month, random.Random(f"{table.id}table")))
            jobs.append((table, [p], "工资表"))
        contract = _pick(cases, ("P1", "C03", "C09"), taken) or wage
        if contract is not None:
            person, unit = _people(contract)
            taken_on = at - timedelta(days=3)
            p = folder / f"IMG_{taken_on:%Y%m%d}_153012.jpg"
            p.write_bytes(contract_photo_jpeg(unit, person, taken_on, random.Random(f"{contract.id}contract")))
            jobs.append((contract, [p], "劳动合同"))
        stack = _pick(cases, ("C06", "C09"), taken) or cases[0]
        # OCR is the slow part and runs one tesseract per file: two files at a time
        with ThreadPoolExecutor(2) as pool:
            futures = [pool.submit(add_files, ws, case.id, files, actor=case.first_handler, slot=slot,
                                   clock=_clock(case, at, now)) for case, files, slot in jobs]
            futures.append(pool.submit(_cover_sheet_scan, ws, stack, _clock(stack, at, now), dpi))
            results = [r for f in futures for r in f.result()]
    filed = [r for r in results if r.outcome is Outcome.FILED]
    other = [r.message for r in results if r.outcome is not Outcome.FILED]
    line = f"证据材料：{len(filed)}份扫描件经证据流程归档（工资条、工资表、合同照片、带封面页的扫描件）"
    if other:
        line += "；未归档：" + "；".join(other)
    return line


def _clock(case: Case, at: datetime, now: datetime) -> Callable[[], datetime]:
    """Scans arrive at ``at``, but never before the case's last step (nor after ``now``)."""
    last = case.updated_at or case.received_at
    t: datetime = min(max(at, last + timedelta(minutes=5)), now)
    return lambda: t


def _cover_sheet_scan(ws: Workspace, case: Case, clock: Callable[[], datetime], dpi: int) -> list[Any]:
    """Print a cover sheet, put it on a bank notice, 'scan' both and let the watcher file them once."""
    from casefile.evidence.coversheet import coversheet_for_case
    from casefile.evidence.watcher import Watcher

    at = clock()
    cover = coversheet_for_case(ws, case.id, "银行代扣回单", at)
    person, unit = _people(case)
    payer = unit if case.applicant.kind is PartyKind.UNIT else person
    notice = bank_notice_pdf(payer, at, random.Random(f"{case.id}bank"))
    pages = rasterise(cover, dpi) + rasterise(notice, dpi)
    scan = scan_like(pages, random.Random(f"{case.id}scan"))
    ws.inbox_dir.mkdir(parents=True, exist_ok=True)
    target = ws.inbox_dir / f"scan_{at:%Y%m%d}_0001.pdf"
    tmp = target.with_name(f".{target.name}.part")  # the inbox ignores dot files until the rename
    tmp.write_bytes(scan)
    tmp.rename(target)
    # The file is complete when it appears (renamed into place), so a short stability wait suffices.
    report = Watcher(ws, actor=case.first_handler, clock=clock, use_events=False,
                     stability_seconds=0.2).run_once()
    return report.results


# -- making the scans ---------------------------------------------------------------------------------------
def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low, high, 10))


def _pdf(draw: Callable[[Any, str], None], *, landscape_a5: bool = False) -> bytes:
    from reportlab.lib.pagesizes import A4, A5, landscape
    from reportlab.pdfgen import canvas

    from casefile.archive.pdfpack import cjk_font

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=landscape(A5) if landscape_a5 else A4, invariant=True)
    draw(c, cjk_font(""))
    c.showPage()
    c.save()
    return buf.getvalue()


def _table(c: Any, font: str, x: float, y: float, widths: Sequence[float], rows: Sequence[Sequence[str]],
           *, size: float = 10, height: float = 20) -> float:
    """A ruled table from (x, y) downwards; returns the y below it."""
    c.setLineWidth(0.6)
    total = sum(widths)
    for r, row in enumerate(rows):
        top = y - r * height
        c.line(x, top, x + total, top)
        c.setFont(font, size)
        cx = x
        for w, text in zip(widths, row, strict=True):
            c.drawCentredString(cx + w / 2, top - height + 6, text)
            cx += w
    bottom = y - len(rows) * height
    c.line(x, bottom, x + total, bottom)
    cx = x
    for w in (0, *widths):
        cx += w
        c.line(cx, y, cx, bottom)
    return bottom


def wage_slip_pdf(unit: str, person: str, month: datetime, rng: random.Random) -> bytes:
    """One month's 工资条: gross pay well above the declared contribution base (the dispute)."""
    base_pay, merit, overtime = _money(rng, 3800, 4600), _money(rng, 1500, 2600), _money(rng, 200, 900)
    gross = base_pay + merit + overtime
    declared = Decimal("3900.00")
    pension, medical, unemployment = (declared * r for r in (Decimal("0.08"), Decimal("0.02"), Decimal("0.003")))
    tax = max(Decimal(0), (gross - pension - medical - unemployment - 5000) * Decimal("0.03")).quantize(Decimal("0.01"))
    net = gross - pension - medical - unemployment - tax
    q = Decimal("0.01")

    def draw(c: Any, font: str) -> None:
        from reportlab.lib.pagesizes import A5, landscape

        width, height = landscape(A5)
        c.setFont(font, 16)
        c.drawCentredString(width / 2, height - 50, f"{unit}工资条")
        c.setFont(font, 10)
        c.drawString(40, height - 75, f"所属月份：{month.year}年{month.month}月    姓名：{person}    部门：生产部")
        rows = [["岗位工资", "绩效工资", "加班费", "应发工资"],
                [f"{base_pay:.2f}", f"{merit:.2f}", f"{overtime:.2f}", f"{gross:.2f}"],
                ["养老保险(个人)", "医疗保险(个人)", "失业保险(个人)", "个人所得税"],
                [f"{pension.quantize(q)}", f"{medical.quantize(q)}", f"{unemployment.quantize(q)}", f"{tax}"]]
        bottom = _table(c, font, 40, height - 90, [127, 127, 127, 127], rows)
        c.setFont(font, 12)
        c.drawString(40, bottom - 25, f"实发工资：{net.quantize(q)} 元")
        c.setFont(font, 10)
        c.drawString(40, bottom - 48, f"社会保险缴费基数：{declared} 元（按单位申报数扣缴）")
        c.drawString(40, bottom - 66, f"发放日期：{month.year}年{month.month}月{rng.randint(10, 15)}日    制表：财务部")

    return _pdf(draw, landscape_a5=True)


def wage_table_pdf(unit: str, person: str, month: datetime, rng: random.Random) -> bytes:
    """The payroll of one month for a few employees: 应发工资 against the declared base."""
    names = [person, *rng.sample(COLLEAGUES, 5)]

    def draw(c: Any, font: str) -> None:
        from reportlab.lib.pagesizes import A4

        width, height = A4
        c.setFont(font, 16)
        c.drawCentredString(width / 2, height - 70, f"{unit}")
        c.drawCentredString(width / 2, height - 92, f"{month.year}年{month.month}月职工工资表")
        rows = [["序号", "姓名", "岗位", "应发工资", "社保缴费基数", "个人缴纳社保", "实发工资"]]
        total = Decimal(0)
        for i, name in enumerate(names, 1):
            gross = _money(rng, 5200, 8800)
            total += gross
            personal = (Decimal("3900.00") * Decimal("0.103")).quantize(Decimal("0.01"))
            rows.append([str(i), name, rng.choice(["司机", "库管", "操作工", "电工", "保安"]), f"{gross:.2f}", "3900.00",
                         f"{personal}", f"{gross - personal:.2f}"])
        rows.append(["合计", "", "", f"{total:.2f}", "", "", ""])
        bottom = _table(c, font, 50, height - 120, [40, 60, 60, 80, 80, 80, 80], rows)
        c.setFont(font, 10)
        c.drawString(50, bottom - 24, "说明：社会保险费按单位申报的缴费基数 3900.00 元扣缴；应发工资含岗位工资、绩效和加班费。")
        c.drawString(50, bottom - 44, "单位负责人：              财务负责人：              制表人：")

    return _pdf(draw)


def bank_notice_pdf(payer: str, at: datetime, rng: random.Random) -> bytes:
    """A bank's notice that a direct debit of social insurance contributions failed."""
    due = (at - timedelta(days=rng.randint(40, 80))).replace(day=15)
    amount = _money(rng, 3000, 24000)

    def draw(c: Any, font: str) -> None:
        from reportlab.lib.pagesizes import A4

        width, height = A4
        c.setFont(font, 18)
        c.drawCentredString(width / 2, height - 80, "偏关县农村商业银行")
        c.setFont(font, 15)
        c.drawCentredString(width / 2, height - 106, "社会保险费批量代扣业务回单")
        rows = [["缴费人", payer], ["扣款账户", f"6228 **** **** {rng.randint(1000, 9999)}"],
                ["费种", "社会保险费（基本养老、失业）"], ["所属期", f"{due.year}年{due.month}月"],
                ["应扣金额", f"{amount:.2f} 元"], ["扣款日期", f"{due.year}年{due.month}月{due.day}日"],
                ["扣款结果", "失败"], ["失败原因", "银行系统批量代扣异常，扣款指令未执行"]]
        bottom = _table(c, font, 90, height - 140, [110, 300], rows, size=11, height=24)
        c.setFont(font, 11)
        lines = ["因本行代扣系统故障，上述社会保险费未能在缴费期限内扣缴，",
                 "由此产生的滞纳金问题，请缴费人持本回单向主管税务机关说明情况。",
                 f"经办网点：新关支行    打印日期：{at.year}年{at.month}月{at.day}日"]
        for i, text in enumerate(lines):
            c.drawString(90, bottom - 30 - 20 * i, text)

    return _pdf(draw)


def _pil_font(px: int) -> Any:
    from PIL import ImageFont

    from casefile.evidence.coversheet import CJK_FONT_FILES

    for path in CJK_FONT_FILES:
        if path.is_file():
            return ImageFont.truetype(str(path), px)
    return ImageFont.load_default(px)


def contract_photo_jpeg(unit: str, person: str, at: datetime, rng: random.Random) -> bytes:
    """A phone photo of a contract page: turned a little, uneven light, stored sideways with the EXIF
    orientation telling viewers to turn it back (as phone cameras do)."""
    from PIL import Image, ImageDraw, ImageFilter

    page = Image.new("L", (1240, 1754), 250)
    d = ImageDraw.Draw(page)
    d.text((620, 110), "劳动合同书", font=_pil_font(64), fill=20, anchor="mm")
    start = at - timedelta(days=rng.randint(500, 900))
    end = start + timedelta(days=3 * 365)
    wage = rng.randrange(4800, 7600, 100)
    lines = [
        f"甲方（用人单位）：{unit}",
        f"乙方（劳动者）：{person}",
        "根据《中华人民共和国劳动法》《中华人民共和国劳动合同法》，",
        "甲乙双方经平等协商，自愿签订本合同，共同遵守。",
        f"第一条  合同期限：自{start.year}年{start.month}月{start.day}日起至",
        f"        {end.year}年{end.month}月{end.day}日止，其中试用期两个月。",
        "第二条  工作内容：乙方在甲方从事操作工岗位工作。",
        "第三条  工作时间：实行标准工时制，每日工作八小时。",
        f"第四条  劳动报酬：乙方月工资为人民币{wage}元，每月十日前发放。",
        "第五条  社会保险：甲方应依法为乙方办理社会保险登记，",
        "        按时足额缴纳基本养老、基本医疗、失业、工伤保险费，",
        "        个人缴纳部分由甲方从乙方工资中代扣代缴。",
        "第六条  本合同一式两份，甲乙双方各执一份。",
    ]
    font = _pil_font(34)
    for i, text in enumerate(lines):
        d.text((110, 230 + 62 * i), text, font=font, fill=25)
    d.text((110, 1330), "甲方（盖章）：", font=font, fill=25)
    d.text((700, 1330), f"乙方（签字）：{person}", font=font, fill=25)
    d.text((110, 1400), f"{start.year}年{start.month}月{start.day}日", font=font, fill=25)
    # the photo: a table top around the page, a slight turn, a light falling off to one side, noise
    photo = Image.new("L", (1400, 1900), 95)
    photo.paste(page, (80, 70))
    photo = photo.rotate(rng.uniform(-2.5, 2.5), resample=Image.Resampling.BICUBIC, fillcolor=95)
    photo = Image.blend(photo, Image.linear_gradient("L").rotate(90).resize(photo.size), 0.12)
    photo = _noisy(photo, rng, 0.07).filter(ImageFilter.GaussianBlur(0.7)).convert("RGB")
    sideways = photo.transpose(Image.Transpose.ROTATE_90)  # stored as the sensor saw it
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif[0x010F] = "HUAWEI"
    exif[0x0110] = "demo phone"
    exif[0x0132] = f"{at:%Y:%m:%d %H:%M:%S}"
    buf = io.BytesIO()
    sideways.save(buf, "JPEG", quality=82, exif=exif.tobytes())
    return buf.getvalue()


def _noisy(img: Any, rng: random.Random, amount: float) -> Any:
    """Seeded sensor/scanner noise (uniform grain blended in)."""
    from PIL import Image

    grain = Image.frombytes("L", img.size, rng.randbytes(img.size[0] * img.size[1]))
    return Image.blend(img.convert("L"), grain, amount)


def rasterise(pdf: bytes, dpi: int) -> list[Any]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].render(scale=dpi / 72).to_pil().convert("L") for i in range(len(doc))]
    finally:
        doc.close()


def scan_like(pages: Sequence[Any], rng: random.Random) -> bytes:
    """What a sheet-fed scanner makes of printed pages: grey, a little skew and grain, JPEG pages
    in one image-only PDF."""
    import img2pdf
    from PIL import Image, ImageFilter

    out = []
    for page in pages:
        g = page.rotate(rng.uniform(-1.2, 1.2), resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
        g = _noisy(g, rng, 0.05).filter(ImageFilter.GaussianBlur(0.5))
        buf = io.BytesIO()
        g.save(buf, "JPEG", quality=85)
        out.append(buf.getvalue())
    layout = img2pdf.get_layout_fun((img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297)))
    # no date and img2pdf's own writer (pikepdf would add a random /ID): the same scan for the same ``now``
    data = img2pdf.convert(out, layout_fun=layout, nodate=True, engine=img2pdf.Engine.internal)
    assert data is not None
    return bytes(data)


# -- 2. archiving ----------------------------------------------------------------------------------------------
def _archive(ws: Workspace, at: datetime, closed: Sequence[str], quick: bool) -> tuple[list[str], str]:
    from casefile.documents.pdf import find_soffice

    t0 = time.perf_counter()
    if len(closed) < 2:
        return [], "立卷归档：办结案件不足两件，跳过（至少留一件办结案件供练习归档）。"
    if find_soffice() is None:
        return [], "立卷归档：未找到 LibreOffice（soffice），无法生成归档 PDF，已跳过；安装后可运行 casefile archive 案件ID。"
    from casefile.archive import archive_case

    by_closing = sorted(closed, key=lambda cid: (_load(ws, cid).closed_at or at, cid))
    want = min(2 if quick else 3, len(closed) - 1)
    done: list[str] = []
    refused: list[str] = []
    for cid in by_closing[:-1]:
        if len(done) >= want:
            break
        try:
            res = archive_case(ws, cid, at, ARCHIVIST)
        except CasefileError as exc:
            refused.append(f"{cid}：{exc.message}")
            continue
        done.append(f"{cid}（档号 {res.dang_hao}）")
    line = f"立卷归档：{len(done)}件 " + "、".join(done) + f"（{time.perf_counter() - t0:.1f}秒）"
    if refused:
        line += "；未能归档：" + "；".join(refused)
    return [d.split("（", 1)[0] for d in done], line


# -- 3. typical cases -----------------------------------------------------------------------------------------
def _typical(ws: Workspace, start: datetime, closed: Sequence[str], archived: Sequence[str]) -> str:
    from casefile import library

    chosen = _typical_sources(ws, closed, archived)
    published: list[str] = []
    leaks: list[str] = []
    issued: list[str] = []
    minute = timedelta(minutes=1)
    for i, cid in enumerate(chosen):
        at = start + 5 * i * minute
        report = library.draft(ws, cid, DRAFTER, at)
        if report.findings:
            leaks.append(f"{report.typical_id}：" + "；".join(str(f) for f in report.findings))
            continue
        _edit_as_trainer(ws, report.typical_id, _load(ws, cid))
        library.review(ws, report.typical_id, REVIEWER, REVIEWER, at + minute)
        library.approve(ws, report.typical_id, APPROVER, APPROVER, at + 2 * minute)
        library.publish(ws, report.typical_id, APPROVER, at + 3 * minute)
        published.append(report.typical_id)
        if cid not in archived and not issued:  # an open dossier takes the D29 典型案例 as a document
            issued.append(_issue_typical(ws, cid, at + 4 * minute))
    line = (f"典型案例：{len(published)}篇起草、经{REVIEWER}脱敏审核、{APPROVER}批准后发布"
            f"（{'、'.join(published)}，其中{sum(1 for c in chosen if c in archived)}篇来自已归档案件）")
    if issued:
        line += f"；{issued[0]}"
    if leaks:
        line += "；未通过泄露检查：" + "；".join(leaks)
    return line


def _issue_typical(ws: Workspace, cid: str, at: datetime) -> str:
    from casefile.documents.issue import produce_document

    try:
        doc = produce_document(ws, cid, TYPICAL_CASE, actor=APPROVER, now=at)
    except CasefileError as exc:
        return f"D29 典型案例未生成（{exc.message}）"
    return f"D29 典型案例 {doc.record.doc_id}"


def _catalogue(ws: Workspace, at: datetime) -> str:
    """The archivist prints the year's 归档文件目录 (D28, landscape) beside the archive."""
    from casefile.archive.handover import write_catalogue
    from casefile.clock import local_date

    year = local_date(at).year
    try:
        rep = write_catalogue(ws, year, ws.root / "reports", at)
    except CasefileError as exc:
        return f"归档文件目录（D28）未生成：{exc.message}"
    return f"归档文件目录（D28）：{year}年度{rep.count}卷 {_rel(ws, rep.docx)} 及 PDF"


def _typical_sources(ws: Workspace, closed: Sequence[str], archived: Sequence[str]) -> list[str]:
    """Up to six cases: the archived ones, then one closed case per category not yet covered,
    滞纳金 and 缴费基数 first (what newcomers ask about most), then any other closed case."""
    chosen = list(archived)
    cats = {cid: [c.short for c in _load(ws, cid).categories] for cid in closed}
    covered = {s for cid in chosen for s in cats.get(cid, [])}
    rest = [cid for cid in closed if cid not in chosen]
    for short in ("C06", "C03", "C07", "C09", "P1", "C01", "C02", "C04", "C10"):
        cid = next((c for c in rest if short in cats[c] and c not in chosen), None)
        if cid is not None and short not in covered:
            chosen.append(cid)
            covered.update(cats[cid])
    chosen += [c for c in rest if c not in chosen]
    return chosen[:6]


def _edit_as_trainer(ws: Workspace, typical_id: str, case: Case) -> None:
    """What a trainer adds before review: the 经验启示 of the case's categories, and the statute
    where the case record names none."""
    from casefile import library
    from casefile.store import atomic_write

    w = library.load(ws, typical_id)
    lessons = [LESSONS[c.short] for c in case.categories if c.short in LESSONS]
    if lessons:
        w.body = w.body.replace("（待培训人员补充）", "\n\n".join(lessons), 1)
    basis = next((BASIS[c.short] for c in case.categories if c.short in BASIS), BASIS["*"])
    w.body = re.sub(r"（待补充：可用 casefile search[^）]*）", "\n".join(f"- {b}" for b in basis), w.body, count=1)
    atomic_write(library.writeup_path(ws, typical_id), library.dump_writeup(w))


# -- 4. the search index ------------------------------------------------------------------------------------------
def _index(ws: Workspace) -> str:
    from casefile import search

    report = search.rebuild(ws, reason="demo")
    labels = {"law": "法规", "case": "案件", "typical": "典型案例", "document": "文书", "evidence": "证据"}
    kinds = "，".join(f"{labels.get(k, k)}{n}条" for k, n in report.by_kind.items())
    return f"检索索引：已重建，共{report.documents}条（{kinds}）"


# -- 5. last month's report ------------------------------------------------------------------------------------------
def _report(ws: Workspace, now: datetime) -> str:
    from casefile.clock import local_date
    from casefile.reports import monthly_report
    from casefile.reports.monthly_docx import write_report_docx
    from casefile.reports.period import Month
    from casefile.reports.tables import write_report_xlsx

    today = local_date(now)
    month = Month.of(today).previous()
    rep = monthly_report(ws, month, today)
    out = ws.root / "reports"
    out.mkdir(parents=True, exist_ok=True)
    stem = f"D30_月度综合分析报告_{month.key}"
    docx = write_report_docx(rep, out / f"{stem}.docx")
    write_report_xlsx(rep, out / f"{stem}_统计表.xlsx")
    from casefile.reports.ledger import build_ledger, write_ledger_xlsx

    ledger = out / f"D31_工作台账_{today.year}.xlsx"  # the office's 对表销号 register of the year
    write_ledger_xlsx(build_ledger(ws, today, year=today.year), ledger)
    return (f"月度报告：{month.year}年{month.month}月综合分析报告 {_rel(ws, docx.path)} 及统计表；"
            f"工作台账（D31）{_rel(ws, ledger)}")


# -- 6. the 奈曼 model: 职责不清 through 报送 --------------------------------------------------------------------
NAIMAN_STAFF: list[dict[str, object]] = [
    {"name": "包海荣", "dept": "SW", "roles": ["officer"]},
    {"name": "吴建华", "dept": "SW", "roles": ["officer", "head"]},
    {"name": "白玉梅", "dept": "RSJ", "roles": ["liaison"]},
]


def naiman_example(root: Path, now: datetime, os_user: str) -> str:
    """A small second workspace in the 奈曼 model (the only one with 职责不清 → 报送 to the 政府办):
    one matter walked from intake through the 报送单 (D07), two 催办 (D32), the referral of the
    department's refusal to the 纪委监委 (D09), the department's reply, the written answer and the
    follow-up call, each step at its own time ending a few days before ``now``."""
    from functools import partial
    from importlib.resources import files

    import yaml

    from casefile import workflow
    from casefile.clock import local_date
    from casefile.deadlines import calendar_for
    from casefile.identity import find_staff
    from casefile.workspace import init_workspace

    ws = init_workspace(root, "naiman", purpose="demo", staff=[{**s, "os_user": os_user} for s in NAIMAN_STAFF])
    cal = calendar_for(ws.root / "holidays.toml")
    officer, head = (e.actor() for e in (find_staff(ws, "包海荣"), find_staff(ws, "吴建华")) if e is not None)
    day = local_date(now) - timedelta(days=40)
    days: list[datetime] = []
    while len(days) < 10:  # the working days the steps are taken on
        day += timedelta(days=1)
        if cal.is_workday(day):
            days.append(datetime.combine(day, datetime.min.time(), tzinfo=now.tzinfo))
    form = yaml.safe_load(files("casefile.data.examples").joinpath("intake-naiman.yaml").read_text(encoding="utf-8"))
    received = days[0].replace(hour=10, minute=15)
    form.update(received_at=received.isoformat(), channel_ref=f"NM{received:%Y%m%d}-0088")
    cid = workflow.register(ws, form, received, officer).case_id

    def step(at: datetime, who: Any, action: Callable[[workflow.Step], str]) -> None:
        workflow.run(ws, cid, at, who, action)

    step(days[0].replace(hour=15), officer, lambda st: workflow.triage(
        st, case_class="职责不清", note="人社与税务均称登记信息传递不属本部门职责", suggest="人社局"))
    for n, text in ((3, "电话催办，要求三日内反馈办理情况"), (5, "书面催办，再次要求按职责办理并反馈")):
        step(days[n].replace(hour=9, minute=30), officer,
             partial(workflow.refer_urge, on=days[n].date(), text=text, dept="人社局"))
    step(days[6].replace(hour=10), head, lambda st: workflow.refer_refuse(
        st, "人社局", "经两次催办，仍以不属本部门职责为由拒不办理",
        evidence=["职责不清事项报送单", "催办电话记录", "书面催办函"]))
    step(days[7].replace(hour=10), officer, lambda st: workflow.refer_reply(
        st, "人社局", "已补传新增参保职工的工伤保险登记信息，单位可正常申报缴费。", f"NM{days[7]:%Y%m%d}-0102"))
    step(days[7].replace(hour=15), officer, workflow.notify)
    step(days[9].replace(hour=10), officer, lambda st: workflow.followup(
        st, method="电话", respondent="奈曼旗沙海物流有限公司经办人", satisfaction="满意"))
    case = Dossier(ws, cid).load()
    codes = sorted({d.doc_type for d in case.documents})
    return (f"奈曼模式示例工作区：{root}（{case.number}，职责不清报送政府办、两次催办、线索移交纪委监委后办结；"
            f"文书 {'、'.join(codes)}）")


def _rel(ws: Workspace, path: Any) -> str:
    p = Path(path)
    try:
        return p.relative_to(ws.root).as_posix()
    except ValueError:
        return str(p)


__all__ = ["naiman_example", "run_extras"]
