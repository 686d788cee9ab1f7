"""Hostile input: intake forms with every field huge, empty, full of control characters, RTL marks,
emoji, rare CJK, XML specials, Jinja syntax, SQL quotes or path separators; hostile case ids and
file names; random command lines. Zero tracebacks, zero files outside the workspace, zero template
code executed, and every refusal a Chinese sentence with exit code 1 or 2.

Most examples run in-process (``casefile.cli.main.main`` with click's stream isolation) for
volume; a few run as real subprocesses.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reliability.harness import ACTOR, FORMS, NOW, evidence_pdf

pytestmark = pytest.mark.slow

CJK = re.compile(r"[\u4e00-\u9fff]")
JINJA_PROBES = ["甲{{ 7*7 }}乙", "丙{% if true %}真{% endif %}丁", "戊{{ ''.__class__.__mro__ }}己", "庚{# 注释 #}辛",
                "壬{{ config }}癸", "{%- raw %}子{% endraw -%}"]
HOSTILE = [
    "", " ", "　", "\x00", "\x07\x08\x1b[31m红\x1b[0m", "\r\n\t", "\u202e\u202dtxt.exe", "\u200b\ufeff\u2028\u2029",
    "😀👨‍👩‍👧‍👦🇨🇳", "𠮷䶮〇𪚥𰻞", "<w:t>&amp;</w:t>]]><!--", "<script>alert(1)</script>", "&lt;&#0;&#x1F;",
    *JINJA_PROBES, "' OR '1'='1' --", "\"; DROP TABLE cases; --", "Robert'); DELETE FROM cases;--",
    "../../etc/passwd", "/etc/passwd", "..\\..\\windows\\system32", "C:\\x", "a/b\\c", "~root/.ssh", "%s%n%x",
    "${HOME}", "$(touch pwned)", "`id`", "-rf", "--help", "李" * 3000, "Ⅻ①ＡＢＣ１２３", "e\u0301", "\U000e0041",
    "9" * 400, "1e308", "NaN", "-0", "null", "[]", "{}", "true", "2026-02-30", "0000-00-00T25:61",
]


def hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.text(max_size=40),
        st.tuples(st.sampled_from(HOSTILE), st.text(max_size=10), st.sampled_from(HOSTILE)).map("".join),
    )


def hostile_value() -> st.SearchStrategy[Any]:
    return st.one_of(
        hostile_text(), hostile_text(), hostile_text(),
        st.sampled_from([None, 0, -1, 10**30, 1.5, True, [], {}, ["x"], {"a": 1}]),
        st.lists(hostile_text(), max_size=3),
        st.builds(lambda s: "长" * s, st.integers(1000, 20000)),
    )


FORM_FIELDS = [
    ("channel",), ("channel_ref",), ("received_at",), ("first_handler",), ("intake_dept",), ("jurisdiction", "name"),
    ("jurisdiction", "code"), ("applicant", "kind"), ("applicant", "name"), ("applicant", "id_number"),
    ("applicant", "mobile"), ("applicant", "address"), ("applicant", "represents"), ("counterparty", "name"),
    ("counterparty", "credit_code"), ("counterparty", "legal_rep"), ("counterparty", "address"), ("categories",),
    ("insurance_types",), ("periods",), ("amounts", "claimed_arrears"), ("claim",), ("attachments",), ("note",),
    ("flags",), ("applicant",), ("jurisdiction",), ("extra_field",),
]


def base_form() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((FORMS / "intake-unit.yaml").read_text(encoding="utf-8"))
    data["received_at"] = data["received_at"].isoformat() if hasattr(data["received_at"], "isoformat") else data["received_at"]
    return data


def with_values(form: dict[str, Any], changes: list[tuple[tuple[str, ...], Any]]) -> dict[str, Any]:
    out = copy.deepcopy(form)
    for path, value in changes:
        target = out
        for key in path[:-1]:
            if not isinstance(target.get(key), dict):
                target[key] = {}
            target = target[key]
        target[path[-1]] = value
    return out


# -- the sandbox ---------------------------------------------------------------------------------------------
@dataclass
class Sandbox:
    base: Path
    ws: Path
    cwd: Path
    inputs: Path
    case_id: str

    @property
    def env(self) -> dict[str, str]:
        return {"CASEFILE_HOME": str(self.ws), "CASEFILE_NOW": NOW.isoformat(), "CASEFILE_USER": ACTOR,
                "CASEFILE_DEBUG": "", "CASEFILE_FAULT": ""}

    def check_contained(self) -> None:
        """Nothing was written outside the workspace (inputs are ours, cwd must stay empty)."""
        assert sorted(os.listdir(self.base)) == ["cwd", "in", "ws"], os.listdir(self.base)
        assert os.listdir(self.cwd) == [], os.listdir(self.cwd)
        top = set(os.listdir(self.ws))
        assert top <= {"archive", "inbox", "indexes", "templates", "library", "reports", ".casefile",
                       "casefile.toml"}, top


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    from casefile import workflow
    from testkit import init_test_workspace as init_workspace

    base = tmp_path_factory.mktemp("fuzz")
    ws = init_workspace(base / "ws", "pianguan")
    cid = workflow.register(ws, base_form(), NOW, ACTOR).case_id
    (base / "cwd").mkdir()
    (base / "in").mkdir()
    yield Sandbox(base, base / "ws", base / "cwd", base / "in", cid)


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_main(sb: Sandbox, argv: list[str]) -> Result:
    """``casefile ARGV`` in this process, as the console script runs it."""
    from casefile.cli.main import main

    runner = CliRunner()
    with runner.isolation(env=sb.env) as (out, err, _), contextlib.chdir(sb.cwd):
        try:
            main(argv)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        res = Result(code, out.getvalue().decode("utf-8", "replace"), err.getvalue().decode("utf-8", "replace"))
    return res


def assert_clean(res: Result, argv: list[str], *, ok: tuple[int, ...] = (0, 1, 2)) -> None:
    text = res.out + res.err
    assert "Traceback" not in text, (argv, text[-2000:])
    assert "内部错误" not in text, (argv, text[-2000:])
    assert res.code in ok, (argv, res.code, text[-1000:])
    if res.code != 0:  # a refusal on stderr, or a report that found problems (verify, fsck) on stdout
        said = res.err.strip() or res.out.strip()
        assert said and CJK.search(said), (argv, res.code, said[-500:])  # a sentence a user can read


FUZZ = settings(max_examples=int(os.environ.get("RELIABILITY_EXAMPLES", "40")), deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])


# -- intake forms --------------------------------------------------------------------------------------------
@FUZZ
@given(changes=st.lists(st.tuples(st.sampled_from(FORM_FIELDS), hostile_value()), min_size=1, max_size=4),
       fmt=st.sampled_from(["json", "yaml"]))
def test_hostile_intake_forms(sandbox: Sandbox, changes: list[tuple[tuple[str, ...], Any]], fmt: str) -> None:
    from casefile.config import find_workspace
    from casefile.store import iter_dossiers

    form = with_values(base_form(), changes)
    path = sandbox.inputs / f"form.{fmt}"
    if fmt == "json":
        path.write_text(json.dumps(form, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(form, allow_unicode=True), encoding="utf-8")
    ws = find_workspace(sandbox.ws)
    before = {d.case_id for d in iter_dossiers(ws)}
    res = run_main(sandbox, ["new", "--form", str(path)])
    assert_clean(res, ["new", "--form", repr(changes)[:300]], ok=(0, 1))
    created = {d.case_id for d in iter_dossiers(ws)} - before
    assert len(created) == (1 if res.code == 0 else 0), (res, created)
    if res.code == 0:
        _assert_no_template_execution(ws, created.pop(), form)
    else:
        assert "受理登记表" in res.err or "表单" in res.err or "文件" in res.err, res.err[-300:]
    sandbox.check_contained()


def _strings(obj: Any) -> Iterator[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


def _assert_no_template_execution(ws: Any, case_id: str, form: dict[str, Any]) -> None:
    """Every issued document shows a Jinja probe as the literal text it was, never its result."""
    from casefile.documents.engine import docx_text
    from casefile.store import Dossier

    d = Dossier(ws, case_id)
    joined = "\n".join(docx_text(d.safe_path(doc.file).read_bytes()) for doc in d.load().documents)
    assert "甲49乙" not in joined and "丙真丁" not in joined and "<class" not in joined and "庚辛" not in joined
    claim = form.get("claim")
    if isinstance(claim, str):  # the claim is printed on the 受理登记表 (D01)
        for probe in JINJA_PROBES[:4]:
            if probe in claim:
                assert probe in joined, probe


def test_jinja_in_every_field_is_printed_literally(tmp_path: Path) -> None:
    """A real process: every free-text field of a form is a template probe; the documents issued
    through the whole direct procedure contain them literally."""
    from casefile.config import find_workspace
    from casefile.documents.engine import docx_text
    from casefile.store import Dossier
    from testkit import init_test_workspace as init_workspace

    root = tmp_path / "ws"
    probe = "甲{{ 7*7 }}乙丙{% if true %}真{% endif %}丁戊{{ ''.__class__ }}己"
    # the operator's name is a probe too: a configured staff member's name
    init_workspace(root, "pianguan", extra_staff=({"name": probe, "dept": "SW", "roles": ["officer"]},))
    form = base_form()
    for path in [("applicant", "name"), ("applicant", "address"), ("applicant", "represents"),
                 ("counterparty", "name"), ("counterparty", "legal_rep"), ("counterparty", "address"), ("claim",),
                 ("attachments",), ("note",)]:
        form = with_values(form, [(path, [probe] if path == ("attachments",) else probe + path[-1])])
    form = with_values(form, [(("first_handler",), "甲{{ 7*7 }}乙"), (("channel_ref",), "{{7*7}}")])
    (tmp_path / "form.json").write_text(json.dumps(form, ensure_ascii=False), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFILE_")}
    env.update({"CASEFILE_HOME": str(root), "CASEFILE_NOW": NOW.isoformat(), "CASEFILE_USER": probe})

    def cf(*argv: str) -> subprocess.CompletedProcess[str]:
        p = subprocess.run([sys.executable, "-m", "casefile.cli.main", *argv], env=env, capture_output=True,
                           text=True, timeout=300, cwd=tmp_path)
        assert p.returncode == 0, (argv, p.stderr)
        return p

    cf("new", "--form", str(tmp_path / "form.json"))
    ws = find_workspace(root)
    (cid,) = [p.name for p in (root / "archive" / "2026").iterdir()]
    cf("triage", cid, "--risk", "低", "--note", probe)
    cf("decide", cid, "--text", probe, "--finding", probe, "--basis", probe, "--obligations", probe)
    cf("notify", cid)
    cf("followup", cid, "--respondent", probe, "--satisfaction", "满意", "--suggestions", probe)
    case = Dossier(ws, cid).load()
    texts = {doc.doc_type: docx_text(Dossier(ws, cid).safe_path(doc.file).read_bytes()) for doc in case.documents}
    assert {"D01", "D02", "D12", "D14"} <= set(texts)
    for t, text in texts.items():
        assert "甲49乙" not in text and "丙真丁" not in text and "<class" not in text, t
    assert sum(text.count("甲{{ 7*7 }}乙") for text in texts.values()) >= 5
    assert "甲{{ 7*7 }}乙" in texts["D12"]  # the decision text, in the notice served on the parties


# -- case ids and command lines ---------------------------------------------------------------------------
def hostile_case_id() -> st.SearchStrategy[str]:
    valid = "SBZY-140932-2026-0001"
    return st.one_of(
        st.sampled_from([
            "../../etc/passwd", "/etc/passwd", f"{valid}/../../x", f"{valid}\x00", f"../{valid}", f"{valid}/..",
            "ＳＢＺＹ-１４０９３２-２０２６-０００１", unicodedata.normalize("NFD", "SBZY-140932-2026-0001"), "S" * 5000,
            "sbzy-140932-2026-0001", "SBZY-140932-2026-9999", "SBZY-140932-9999-0001", f"{valid}\n", "-", "--",
            "SBZY-140932-2026-0001" + "\u202e", "", " ", "*", "SBZY-*-2026-*", "SBZY-140932-2026-00001",
        ]),
        hostile_text(),
    )


CASE_COMMANDS: list[list[str]] = [
    ["show", "{id}"], ["show", "{id}", "--json"], ["triage", "{id}", "--risk", "低"], ["decide", "{id}", "--text", "x"],
    ["notify", "{id}"], ["close", "{id}"], ["reopen", "{id}", "--reason", "x"], ["archive", "{id}"],
    ["verify", "{id}"], ["evidence", "list", "{id}"], ["doc", "{id}", "D17"], ["similar", "{id}"],
    ["opinion", "{id}", "--dept", "人社局", "--text", "x", "--facts", "x"], ["refer", "send", "{id}", "--reason", "x"],
    ["typical", "add", "{id}"], ["extend", "{id}", "--step", "x", "--days", "3", "--reason", "x"], ["extend", "{id}", "--approve"],
]


@FUZZ
@given(cmd=st.sampled_from(CASE_COMMANDS), case_id=hostile_case_id())
def test_hostile_case_ids(sandbox: Sandbox, cmd: list[str], case_id: str) -> None:
    argv = [case_id if a == "{id}" else a for a in cmd]
    res = run_main(sandbox, argv)
    assert_clean(res, argv, ok=(0, 1, 2))
    if res.code == 0 and not res.out.startswith("用法"):  # only a well-formed id of a case that exists can succeed
        from casefile.store import CASE_ID_RE

        assert CASE_ID_RE.match(case_id.strip()), (argv, res.out[-300:])
    sandbox.check_contained()


# (ledger, report, transfer and purge write where they are told, by default into the current folder)
CLI_WORDS = ["list", "show", "due", "search", "risks", "triage", "decide", "opinion", "notify", "doc", "evidence",
             "verify", "fsck", "index", "typical", "catalog", "meeting", "mediate", "enforce", "extend", "remedy",
             "followup", "refer", "similar", "templates", "nonexistent"]
OPTIONS = ["--json", "--state", "--risk", "--text", "--days", "--limit", "--kind", "--year", "--page", "--per-page",
           "--reveal", "--purpose", "--category", "--dept", "--help", "-h", "--all", "--quick", "--no-repair",
           "--set", "--recipient", "--reason", "--at", "--amount", "--on", "--step", "status", "update", "list",
           "check", "month", "D17", "D99", "低", "高", "0", "-1", "99999999999999999999", "2026-13", "2026-02-30"]


@FUZZ
@given(cmd=st.sampled_from(CLI_WORDS),
       args=st.lists(st.one_of(st.sampled_from(OPTIONS), hostile_text(), st.just("{id}")), max_size=6))
def test_hostile_command_lines(sandbox: Sandbox, cmd: str, args: list[str]) -> None:
    argv = [cmd, *[sandbox.case_id if a == "{id}" else a for a in args]]
    res = run_main(sandbox, argv)
    assert_clean(res, argv)
    sandbox.check_contained()


# -- file names ------------------------------------------------------------------------------------------------
NAMES = ["..pdf", "...", "-rf.pdf", ".hidden.pdf", "a\nb.pdf", "\u202efdp.exe", "caf\u00e9.pdf", "cafe\u0301.pdf",
         "长" * 80 + ".pdf", "😀扫描😀.pdf", "CON.pdf", "a:b*c?.pdf", "<>|\".pdf", "\\..\\x.pdf", " 空格 .pdf",
         "工资条.PDF", "工资条.pdf.exe", "NUL", "$(id).pdf", "{{ 7*7 }}.pdf", "x" * 240 + ".pdf", "\t.pdf",
         "SBZY-140932-2026-0001_..pdf", "%2e%2e%2fetc.pdf"]


@settings(max_examples=int(os.environ.get("RELIABILITY_EXAMPLES", "40")) // 3, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(name=st.one_of(st.sampled_from(NAMES), st.text(min_size=1, max_size=60).filter(lambda s: "/" not in s and "\x00" not in s)))
def test_hostile_file_names_for_evidence_add(sandbox: Sandbox, name: str) -> None:
    from casefile.config import find_workspace
    from casefile.store import Dossier

    try:
        path = sandbox.inputs / name
        path.write_bytes(evidence_pdf(f"名称 {name!r}"))
    except (OSError, ValueError):
        return  # not a name this file system takes
    try:
        argv = ["evidence", "add", sandbox.case_id, str(path)]
        res = run_main(sandbox, argv)
        assert_clean(res, argv, ok=(0, 1))
        d = Dossier(find_workspace(sandbox.ws), sandbox.case_id)
        for ev in d.load().evidence:
            stored = d.safe_path(ev.file)
            assert stored.parent == d.path / "evidence", ev.file
            assert all(c.isprintable() for c in stored.name) and not stored.name.startswith("."), stored.name
            assert len(stored.name.encode("utf-8")) <= 200, stored.name
        sandbox.check_contained()
    finally:
        path.unlink(missing_ok=True)


def test_hostile_names_in_the_inbox_are_each_handled_once(tmp_path: Path) -> None:
    """A real watcher: NFC/NFD twins, RTL overrides, long, dotted and control-character names in the
    drop folder. Every file is filed or set aside exactly once; nothing leaves the workspace."""
    from reliability.harness import Subject, check_workspace

    s = Subject(tmp_path / "ws")
    assert s.cli("new", "--form", str(FORMS / "intake-unit.yaml")).rc == 0
    (cid,) = s.case_ids()
    made = 0
    for i, name in enumerate(NAMES):
        for rel in (f"{cid}/{name}", f"{cid}/子目录/{name}"):
            try:
                s.drop(cid, rel, evidence_pdf(f"收件 {i} {rel!r}"))
                made += 1
            except (OSError, ValueError):
                pass
    s.drop_bad(f"{cid}/坏\u202e.pdf", b"%PDF-1.7 broken")
    assert made > 30
    run = s.cli("watch", "--once")
    assert run.rc == 0 and "Traceback" not in run.stderr, run.stderr
    waiting = s.inbox_waiting()
    ignored = [p for p in waiting if p.name.startswith(".") or p.name.endswith(("~", ".tmp"))]
    assert sorted(waiting) == sorted(ignored), [p.name for p in waiting]  # only names the watcher never takes
    for p in ignored:
        from casefile.store import sha256_file

        s.drops.pop(sha256_file(p), None)
    assert check_workspace(s) == []
    assert sorted(os.listdir(tmp_path)) == ["ws"]
