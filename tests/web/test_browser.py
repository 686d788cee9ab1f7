"""The whole joint procedure in a real browser (Debian's chromium through Playwright) against the real
server (``casefile serve``: waitress, whitenoise, the watcher beside it) on a loopback port.

Screenshots at 1366×768 (the common office screen) are kept in test-artifacts/web/ (or
$CASEFILE_ARTIFACTS/web/)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from testkit import text_pdf
from web.webkit import PASSWORD, PG_VAR

pytestmark = [pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("CASEFILE_ARTIFACTS", REPO / "test-artifacts")) / "web"

if not Path(CHROMIUM).exists():
    pytest.skip("chromium 未安装（scripts/system-deps.sh 会安装）", allow_module_level=True)
if os.environ.get(PG_VAR):
    pytest.skip("浏览器测试只在 SQLite 一轮运行（PostgreSQL 一轮运行同一套页面测试）", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

WORKSPACE: list[Path] = []
EXTRA_ACCOUNTS = "wangqiang,王强,SW,officer,head"  # drafts typical cases and may approve others' drafts


@pytest.fixture(autouse=True)
def _unlocked() -> None:
    """The server has its own accounts database (the in-process one of the other web tests is not used)."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser") / "ws"
    WORKSPACE.append(root)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO / "tests")])}
    env.pop("CASEFILE_NOW", None)
    setup = (
        "import sys\n"
        "from casefile.workspace import init_workspace\n"
        "from casefile.web.config import configure\n"
        "from casefile.web import accounts\n"
        "from web.webkit import ACCOUNTS, PASSWORD\n"
        f"ws = init_workspace(__import__('pathlib').Path({str(root)!r}), 'pianguan')\n"
        "configure(ws)\n"
        f"extra = [tuple({EXTRA_ACCOUNTS!r}.split(',', 3))]\n"
        "for login, name, dept, roles in ACCOUNTS + extra:\n"
        "    accounts.add(ws, login, name, dept, roles, PASSWORD, must_change=False)\n"
    )
    subprocess.run([sys.executable, "-c", setup], env=env, check=True, timeout=120)
    port = _free_port()
    log = (root.parent / "serve.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "casefile.cli.main", "-w", str(root), "serve", "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError((root.parent / "serve.log").read_text()) from None
                time.sleep(0.2)
        yield base
    finally:
        # the server and whatever it started (evidence workers, LibreOffice) are one process group
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--lang=zh-CN"])
        try:
            yield b
        finally:
            b.close()


class Session:
    def __init__(self, browser: Any, base: str) -> None:
        self.ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", accept_downloads=True)
        self.ctx.set_default_timeout(120_000)  # a loaded CI machine: LibreOffice, the first search
        self.ctx.set_default_navigation_timeout(120_000)
        self.page = self.ctx.new_page()
        self.base = base
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def login(self, user: str, password: str = PASSWORD) -> Any:
        p = self.page
        p.goto(self.base + "/login/")
        p.fill("input[name=username]", user)
        p.fill("input[name=password]", password)
        with p.expect_navigation():  # the page after the POST has loaded (title and all) before we look
            p.click("button[type=submit]")
        return p

    def go(self, path: str) -> Any:
        resp = self.page.goto(self.base + path)
        return resp

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path

    def close(self) -> None:
        self.ctx.close()


@pytest.fixture
def new_session(browser: Any, server: str) -> Iterator[Any]:
    made: list[Session] = []

    def make() -> Session:
        s = Session(browser, server)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


def _step(page: Any, code: str) -> Any:
    page.click(f"#step-{code} summary")
    return page.locator(f"#step-{code} form")


def test_wrong_password_five_times_locks_the_account(new_session: Any) -> None:
    s = new_session()
    for _ in range(5):
        s.login("liuyang", "Wrong#Pass2026")
        assert "登录名或密码不正确" in s.page.content() or "已锁定" in s.page.content()
    s.login("liuyang")
    assert "已锁定" in s.page.locator("[role=alert]").inner_text()
    assert s.page.url.endswith("/login/")


def test_joint_procedure_from_intake_to_d12_pdf(new_session: Any, server: str, tmp_path: Path) -> None:
    officer = new_session()
    p = officer.login("zhanglei")
    assert "工作台" in p.title()
    # 受理登记
    p.click("text=受理登记")
    p.select_option("select[name=channel]", "窗口来访")
    p.select_option("select[name=jurisdiction]", label="偏关县天峰坪镇")
    p.select_option("select[name=applicant_kind]", "unit")
    p.fill("input[name=applicant_name]", "偏关县鑫达运输有限公司")
    p.fill("input[name=applicant_id]", "91110108MA01ABCD1E")
    p.fill("input[name=applicant_mobile]", "13900001111")
    p.check("input[value=C06_LATE_FEE]")
    p.fill("textarea[name=claim]", "对2025年第三季度社会保险费加收的滞纳金有异议，认为系银行代扣失败所致，申请减免。")
    p.click("form.register button[type=submit]")
    p.wait_for_url(re.compile(r"/cases/SBZY-\d{6}-\d{4}-\d{4}/$"))
    case_url = p.url.replace(server, "")
    case_id = case_url.split("/")[2]
    assert "已受理登记" in p.content()
    # 分流：中风险 → 联办，协办 县人社局
    form = _step(p, "triage")
    form.locator("select[name=risk]").select_option("中")
    form.locator("input[name=co][value=RSJ]").check()
    with p.expect_navigation():  # the next page has loaded before it is read
        form.locator("button[type=submit]").click()
    assert "已分流为联办" in p.content() and "联办" in p.locator("h1").inner_text()
    # evidence upload through the evidence pipeline
    pdf = tmp_path / "工资条.pdf"
    pdf.write_bytes(text_pdf(1, "工资条 2025年9月 实发工资8600元"))
    p.fill("input[name=slot]", "工资条")
    p.set_input_files("input[name=files]", str(pdf))
    p.click("form.upload button")
    p.wait_for_selector("#upload-result li")
    assert "✓" in p.locator("#upload-result").inner_text()
    p.goto(server + case_url)
    assert "工资条.pdf" in p.locator("#evidence").inner_text()

    # 人社局 contact finds it in its inbox and replies
    rsj = new_session()
    q = rsj.login("lirs")
    inbox = q.locator("section:has-text('待本部门办理')")
    inbox.locator(f"a[href='/cases/{case_id}/reply/']").click()
    q.fill("textarea[name=text]", "经核查，该单位2025年9月银行代扣失败系银行系统故障所致，已通知单位补缴，建议依法处理。")
    q.fill("input[name=basis]", "《社会保险费征缴暂行条例》第十三条")
    with q.expect_navigation():  # the next page has loaded before it is read
        q.click("button:has-text('提交书面意见')")
    assert q.url.endswith(case_url), q.locator("main").inner_text()
    assert "已登记县人社局的书面意见" in q.content()

    # the officer decides, notifies and downloads D12 as PDF
    p.goto(server + case_url)
    form = _step(p, "decide")
    form.locator("textarea[name=text]").fill("经联办核实，银行代扣失败属实，由该单位于十五日内补缴2025年9月社会保险费，滞纳金依法计算。")
    form.locator("textarea[name=basis]").fill("《中华人民共和国社会保险法》第六十三条")
    with p.expect_navigation():  # the next page has loaded before it is read
        form.locator("button[type=submit]").click()
    assert "已处理" in p.locator("h1").inner_text() or "处理意见" in p.content(), p.locator("main").inner_text()
    form = _step(p, "notify")
    with p.expect_navigation():  # the next page has loaded before it is read
        form.locator("button[type=submit]").click()
    assert "处理意见告知书已送达" in p.content()
    officer.shot("case-page")
    row = p.locator("#documents tr", has_text="D12")
    with p.expect_download(timeout=120_000) as dl:
        row.locator("a", has_text="PDF").click()
    saved = tmp_path / "D12.pdf"
    dl.value.save_as(saved)
    assert saved.read_bytes()[:5] == b"%PDF-"

    # 医保局 is not involved: 403 by URL, on the download, nothing in search
    ybj = new_session()
    y = ybj.login("wangyb")
    resp = ybj.go(case_url)
    assert resp.status == 403 and "无权访问" in y.content()
    doc_href = row.locator("a", has_text="Word").get_attribute("href")
    resp = y.request.get(server + doc_href)
    assert resp.status == 403
    ybj.go("/search/?q=" + "银行代扣失败")
    assert case_id not in y.content() and "鑫达" not in y.content()

    # screenshots of 工作台 and 检索 for the officer
    officer.go("/")
    officer.shot("dashboard")
    officer.go("/search/?q=银行代扣失败 滞纳金")
    assert "<mark>" in p.content()
    officer.shot("search")
    assert not [e for e in officer.errors if "Content Security Policy" in e]

    # close the case by the follow-up visit, draft a typical case, and the drafter may not approve it
    p.goto(server + case_url)
    form = _step(p, "followup")
    form.locator("select[name=method]").select_option("电话")
    form.locator("input[name=respondent]").fill("单位经办人")
    form.locator("select[name=satisfaction]").select_option("满意")
    with p.expect_navigation():  # the next page has loaded before it is read
        form.locator("button[type=submit]").click()
    assert "办结" in p.locator("h1").inner_text()

    drafter = new_session()
    d = drafter.login("wangqiang")
    drafter.go(case_url)
    d.click("button:has-text('起草典型案例')")
    d.wait_for_url(re.compile("/typical/$"))
    # the drafter edits the draft in the browser where the automatic de-identification left a trace
    d.click("a.button:has-text('修改')")
    d.wait_for_url(re.compile("/typical/TC-[0-9-]+/edit/$"))
    body = d.locator("textarea[name=body]")
    body.fill(body.input_value().replace("运输公司", "某公司"))
    drafter.shot("typical-edit")
    with d.expect_navigation():  # the next page has loaded before it is read
        d.click("button:has-text('保存（先脱敏检查）')")
    assert "脱敏检查未发现问题" in d.locator(".flash.ok").inner_text(), d.locator("main").inner_text()
    head = new_session()
    h = head.login("chenjing")
    head.go("/archive/")
    assert "年度移交" in h.content() and "待批准的销毁申请" in h.content()
    head.shot("archive")
    head.go("/typical/")
    head.shot("typical")
    with h.expect_navigation():  # the next page has loaded before it is read
        h.click("button:has-text('脱敏审核通过')")
    assert "完成脱敏审核" in h.content(), h.content()
    drafter.go("/typical/")
    with d.expect_navigation():  # the next page has loaded before it is read
        d.click("button:has-text('批准发布')")
    assert "不能是起草人" in d.locator(".flash.err").inner_text()
    drafter.go("/typical/")
    assert "已审核" in d.content()  # unchanged


def test_intake_field_check_and_enforcement_in_the_browser(new_session: Any, server: str) -> None:
    """The htmx check of one intake field shows the terminal's sentence beside it; an officer takes a
    decided case into enforcement from its page and finds D16 to download."""
    officer = new_session()
    p = officer.login("zhanglei")
    officer.go("/cases/new/")
    p.select_option("select[name=applicant_kind]", "person")
    p.fill("input[name=applicant_id]", "140932198503120028")  # one digit off: the check digit is wrong
    p.locator("input[name=applicant_id]").dispatch_event("change")
    p.wait_for_selector("#chk-applicant_id .field-err")
    assert "身份证号" in p.locator("#chk-applicant_id").inner_text()
    p.fill("input[name=applicant_mobile]", "1390000")
    p.locator("input[name=applicant_mobile]").dispatch_event("change")
    p.wait_for_selector("#chk-applicant_mobile .field-err")
    assert "联系电话" in p.locator("#chk-applicant_mobile").inner_text()
    officer.shot("register-check")

    # a case decided after joint handling, made through the library as the CLI would
    setup = (
        "from casefile.config import find_workspace\n"
        "from casefile import workflow as wf\n"
        "from factories import T0, at, form\n"
        f"ws = find_workspace(__import__('pathlib').Path({str(WORKSPACE[0])!r}))\n"
        "cid = wf.register(ws, form('intake-unit', received_at=T0.isoformat()), T0, '张磊').case_id\n"
        "wf.run(ws, cid, at(0.2), '张磊', lambda s: wf.triage(s, risk='中', co=('RSJ',)))\n"
        "wf.run(ws, cid, at(2), '张磊', lambda s: wf.record_opinion(s, 'RSJ', '同意', facts='情况属实'))\n"
        "wf.run(ws, cid, at(3), '张磊', lambda s: wf.decide(s, text='责令限期补缴', basis=['社会保险法第六十三条']))\n"
        "print(cid)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO / "tests")])}
    env.pop("CASEFILE_NOW", None)
    cid = subprocess.run([sys.executable, "-c", setup], env=env, check=True, timeout=300, capture_output=True,
                         text=True).stdout.strip().splitlines()[-1]
    officer.go(f"/cases/{cid}/")
    form = _step(p, "enforce_start")
    form.locator("textarea[name=arrears]").fill("基本养老,202501,abc")
    with p.expect_navigation():  # the next page has loaded before it is read
        form.locator("button[type=submit]").click()
    assert "欠费明细第1行" in p.locator("#step-enforce_start .flash.err").inner_text()  # inside the form, kept open
    form = p.locator("#step-enforce_start form")
    assert form.locator("textarea[name=arrears]").input_value() == "基本养老,202501,abc"  # kept
    form.locator("textarea[name=arrears]").fill("基本养老,202501,4680.00,0")
    with p.expect_navigation():  # the next page has loaded before it is read
        form.locator("button[type=submit]").click()
    assert "已转入征缴执法" in p.locator(".flash.ok").inner_text()
    assert "D16" in p.locator("#documents").inner_text()
    assert "执行完毕，办结" not in p.locator("#steps").inner_text()  # offered only once paid in full
    p.locator("#enforcement").scroll_into_view_if_needed()
    officer.shot("enforcement-card")
    p.click("#step-enforce_e2 summary")
    p.locator("#step-enforce_e2").scroll_into_view_if_needed()
    officer.shot("enforcement")
    assert not [e for e in officer.errors if "Content Security Policy" in e]
