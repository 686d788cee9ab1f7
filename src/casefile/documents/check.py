"""``casefile templates check``: every template, every finding, each pointing at a paragraph.

A template passes when it opens as a .docx, its Jinja compiles, every name it uses is a field of
the context contract (top-level names of docs/architecture.md plus the ``x`` fields of its type in
doctypes.py), no tag holds an IME slip (full-width braces, curly quotes, full-width punctuation), the
page is A4 with GB/T 9704 margins, and it renders with a full and with an empty sample context.
Warnings point at what is legal but probably unintended: a declared ``x`` field the template never
prints, a type with a 救济途径 whose template has no ``remedy`` block, a page without the 22-line grid.
All findings are collected, so an author fixes a template in one pass. The template builder
(tools/template_build) runs this same check on every template it writes and accepts no finding.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import jinja2
from jinja2 import nodes
from lxml import etree

from casefile.config import Workspace
from casefile.documents.context import (
    AMOUNT_KEYS,
    CASE_FIELDS,
    DOC_FIELDS,
    OFFICE_FIELDS,
    PARTY_FIELDS,
    sample_context,
    x_shapes,
)
from casefile.documents.doctypes import DOC_TYPES
from casefile.documents.engine import (
    _ENV,
    _PARSER,
    _W,
    FOOTER_REL,
    FOOTNOTES_REL,
    HEADER_REL,
    OFFICE_DOC_REL,
    TemplateFile,
    _rels,
    list_templates,
    paragraph_locations,
    prepare,
)
from casefile.errors import TemplateProblem

__all__ = ["CheckReport", "TemplateFinding", "check_template_bytes", "check_templates", "expected_types"]

Severity = Literal["error", "warning"]

#: GB/T 9704 §5.2: A4, 天头 37 mm, 订口 28 mm (derived: bottom 35 mm, right 26 mm), ±1 mm.
PAGE_MM = {"width": 210.0, "height": 297.0}
MARGIN_MM = {"top": 37.0, "bottom": 35.0, "left": 28.0, "right": 26.0}
#: a landscape register (D28) is the portrait page turned a quarter to the left in the bound volume
LANDSCAPE_PAGE_MM = {"width": 297.0, "height": 210.0}
LANDSCAPE_MARGIN_MM = {"top": 26.0, "bottom": 28.0, "left": 37.0, "right": 35.0}
TWIPS_PER_MM = 1440 / 25.4
JINJA_GLOBALS = {"loop", "range", "dict", "lipsum", "cycler", "joiner", "namespace", "true", "false", "none",
                 "True", "False", "None"}
DOCXTPL_BARE = re.compile(r"^\{%-?\s*(colspan|cellbg|vm|hm)\b")
FULLWIDTH_IN_TAG = "（）［］｛｝，：；＝＋－｜．！＜＞％"
CURLY = "“”‘’"


@dataclass(frozen=True)
class TemplateFinding:
    template: str
    code: str  # not-docx | syntax | unclosed-tag | unknown-field | fullwidth-brace | curly-quote |
    #            fullwidth-punct | render | page-setup | missing-template | orphan | properties |
    #            unused-field | no-remedy | grid
    where: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.where}：" if self.where else ""
        return f"{self.template} {where}{self.message}"


@dataclass
class CheckReport:
    checked: list[TemplateFile] = field(default_factory=list)
    findings: list[TemplateFinding] = field(default_factory=list)

    @property
    def errors(self) -> list[TemplateFinding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def of(self, template: str) -> list[TemplateFinding]:
        return [f for f in self.findings if f.template == template]


def expected_types() -> list[str]:
    """Types rendered from a .docx template (the monthly report and the ledger are built in code)."""
    return [t for t, s in DOC_TYPES.items() if s.templated]


def check_templates(ws: Workspace | None, *, doc_types: Iterable[str] | None = None) -> CheckReport:
    """Check the effective templates (workspace overrides win) of the given or all types."""
    effective, orphans = list_templates(ws)
    wanted = list(doc_types) if doc_types is not None else expected_types()
    report = CheckReport()
    for t in wanted:
        tf = effective.get(t)
        if tf is None:
            report.findings.append(TemplateFinding(t, "missing-template", "", f"没有{t}{DOC_TYPES[t].title}的模板。"))
            continue
        report.checked.append(tf)
        try:
            data = tf.read_bytes()
        except TemplateProblem as exc:
            report.findings.append(TemplateFinding(tf.label, "not-docx", "", exc.message))
            continue
        report.findings.extend(check_template_bytes(data, tf.label, t))
    if doc_types is None:
        for tf in orphans:
            report.findings.append(TemplateFinding(
                tf.label, "orphan", "", "与任何内置模板都不同名，不会被使用（覆盖模板须与内置模板同名）。", "warning"))
    return report


# -- one template -----------------------------------------------------------------------------------------
@dataclass
class _Para:
    where: str
    text: str


def _parts(data: bytes) -> Iterator[tuple[str, etree._Element]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {n: z.read(n) for n in z.namelist()}
    main = next((t for rt, t in _rels(members, "_rels/.rels") if rt == OFFICE_DOC_REL), "word/document.xml")
    yield "", etree.fromstring(members[main], _PARSER)
    labels = {HEADER_REL: "页眉", FOOTER_REL: "页脚", FOOTNOTES_REL: "脚注"}
    for rt, target in _rels(members, main):
        if rt in labels and target in members:
            yield labels[rt], etree.fromstring(members[target], _PARSER)


def check_template_bytes(data: bytes, label: str, doc_type: str) -> list[TemplateFinding]:
    findings: list[TemplateFinding] = []

    def add(code: str, where: str, message: str, severity: Severity = "error") -> None:
        findings.append(TemplateFinding(label, code, where, message, severity))

    try:
        parts = list(_parts(data))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError) as exc:
        add("not-docx", "", f"不是有效的 .docx 文件（{exc}）。")
        return findings
    paras = [_Para(loc.describe(), loc.text) for part_label, root in parts
             for loc in paragraph_locations(root, part_label)]
    findings.extend(_page_setup(parts[0][1], label))
    findings.extend(_grid(parts[0][1], label))
    findings.extend(_core_properties(data, label))

    tags: list[tuple[_Para, str]] = []
    for p in paras:
        for ch in "｛｝":
            if ch in p.text:
                add("fullwidth-brace", p.where, f"含全角花括号“{ch}”，模板标签须用半角 {{ }}（输入法全角状态下误输入）。")
        for m in re.finditer(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", p.text, re.S):
            tags.append((p, m.group(0)))
            for code, msg in _slips(m.group(0)):
                add(code, p.where, msg)
        rest = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", p.text, flags=re.S)
        for opener, closer in (("{{", "}}"), ("{%", "%}")):
            if opener in rest:
                add("unclosed-tag", p.where, f"标签“{opener}”没有在本段内以“{closer}”闭合（标签不能跨段）。")

    findings.extend(_coverage(tags, label, doc_type))
    schema = _schema(doc_type)
    bindings = _bindings(tags)
    syntax_found = False
    for p, tag in tags:
        tree, error = _parse_tag(tag)
        if error:
            syntax_found = True
            add("syntax", p.where, f"模板语法错误：{error}（标签“{_short(tag)}”）。")
            continue
        if tree is None:
            continue
        for chain in _chains(tree):
            problem = _resolve(chain, schema, bindings, doc_type)
            if problem:
                add("unknown-field", p.where, f"{problem}（标签“{_short(tag)}”）。")

    try:
        prepared = prepare(data, label)
    except TemplateProblem as exc:
        if not syntax_found:
            add("syntax", "", exc.message)
        return findings
    if not any(f.code in ("unknown-field", "syntax") for f in findings):
        for filled in (True, False):
            try:
                prepared.render(sample_context(doc_type, filled=filled))
            except TemplateProblem as exc:
                add("render", "", f"用{'完整' if filled else '最简'}示例数据试渲染失败：{exc.message}")
                break
    return findings


def _short(tag: str, width: int = 40) -> str:
    t = " ".join(tag.split())
    return t if len(t) <= width else t[: width - 1] + "…"


def _slips(tag: str) -> list[tuple[str, str]]:
    """IME slips inside a tag, outside its ASCII string literals (a literal may hold any text)."""
    out: list[tuple[str, str]] = []
    quote: str | None = None
    seen: set[str] = set()
    for ch in tag[2:-2]:
        if quote:
            if ch == quote:
                quote = None
            continue
        if ch in "\"'":
            quote = ch
        elif ch in CURLY and ch not in seen:
            seen.add(ch)
            out.append(("curly-quote", f"标签内有中文引号“{ch}”，应使用半角引号 \" 或 '（标签“{_short(tag)}”）。"))
        elif ch in FULLWIDTH_IN_TAG and ch not in seen:
            seen.add(ch)
            out.append(("fullwidth-punct", f"标签内有全角符号“{ch}”，应使用半角符号（标签“{_short(tag)}”）。"))
    return out


# -- Jinja names against the contract --------------------------------------------------------------------------
_PREFIX = re.compile(r"^(\{[{%])(-?)(p|tr|tc|r)\s")
_BLOCK = re.compile(r"^\{%-?\s*(\w+)")


def _normalise(tag: str) -> str:
    """docxtpl's ``{%p if … %}`` / ``{{r x }}`` → plain Jinja."""
    return _PREFIX.sub(r"\1\2 ", tag)


def _parse_tag(tag: str) -> tuple[nodes.Template | None, str | None]:
    """The tag as a parseable snippet (block tags get their end tag), or the syntax error."""
    if tag.startswith("{#") or DOCXTPL_BARE.match(tag):
        return None, None
    t = _normalise(tag)
    snippet = t
    if t.startswith("{%"):
        m = _BLOCK.match(t)
        kw = m.group(1) if m else ""
        if kw in ("if", "for", "with", "filter"):
            snippet = t + "{% end" + kw + " %}"
        elif kw == "elif":
            snippet = "{% if true %}" + t + "{% endif %}"
        elif kw in ("else", "endif", "endfor", "endwith", "endfilter", "break", "continue"):
            return None, None
        elif kw != "set":
            return None, None  # left to the whole-template parse
    try:
        return _ENV.parse(snippet), None
    except jinja2.TemplateSyntaxError as exc:
        return None, exc.message or str(exc)


Chain = tuple[str, ...]


def _chains(tree: nodes.Node) -> list[Chain]:
    """Every ``name.attr.attr`` / ``name["key"]`` read in a parsed snippet."""
    out: list[Chain] = []

    def chain_of(node: nodes.Node) -> Chain | None:
        attrs: list[str] = []
        while True:
            if isinstance(node, nodes.Getattr):
                attrs.append(node.attr)
                node = node.node
            elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) \
                    and isinstance(node.arg.value, str):
                attrs.append(node.arg.value)
                node = node.node
            elif isinstance(node, nodes.Getitem):
                visit(node.arg)
                attrs.clear()  # x.rows[0].name: the index ends what can be checked statically
                node = node.node
            else:
                break
        if isinstance(node, nodes.Name) and node.ctx == "load":
            return (node.name, *reversed(attrs))
        visit(node)
        return None

    def visit(node: nodes.Node) -> None:
        if isinstance(node, nodes.Getattr | nodes.Getitem):
            c = chain_of(node)
            if c:
                out.append(c)
            return
        if isinstance(node, nodes.Name):
            if node.ctx == "load":
                out.append((node.name,))
            return
        for child in node.iter_child_nodes():
            visit(child)

    visit(tree)
    return out


# A schema node: ("dict", {key: node}) | ("rows", keys) | ("list",) | ("str",) | ("any",)
Node = tuple[Any, ...]
STR: Node = ("str",)


def _dict(keys: Iterable[str]) -> Node:
    return ("dict", dict.fromkeys(keys, STR))


def _schema(doc_type: str) -> dict[str, Node]:
    case = _dict(CASE_FIELDS)
    case[1]["attachments"] = ("list",)
    case[1]["amounts"] = ("rows", AMOUNT_KEYS)
    doc = _dict(DOC_FIELDS)
    doc[1]["attachments"] = ("list",)
    x: dict[str, Node] = {}
    for name, shape in x_shapes(doc_type).items():
        x[name] = {"str": STR, "list": ("list",), "rows": ("rows", shape.keys), "dict": _dict(shape.keys)}[shape.kind]
    return {
        "office": _dict(OFFICE_FIELDS),
        "doc": doc,
        "case": case,
        "applicant": _dict(PARTY_FIELDS),
        "counterparty": _dict(PARTY_FIELDS),
        "deadline": STR,
        "remedy": ("list",),
        "x": ("dict", x),
    }


def _bindings(tags: list[tuple[_Para, str]]) -> dict[str, Chain | None]:
    """Names bound by ``{% for %}`` / ``{% set %}`` anywhere in the template → what they iterate."""
    out: dict[str, Chain | None] = {}
    for _, tag in tags:
        tree, _err = _parse_tag(tag)
        if tree is None:
            continue
        for node in tree.find_all((nodes.For, nodes.Assign)):
            assert isinstance(node, nodes.For | nodes.Assign)
            target = node.target
            source = node.iter if isinstance(node, nodes.For) else node.node
            chains = _chains(source)
            src = chains[0] if len(chains) == 1 and isinstance(source, nodes.Getattr | nodes.Name) else None
            names = [target.name] if isinstance(target, nodes.Name) else [
                n.name for n in target.find_all(nodes.Name)]
            for n in names:
                out[n] = ("@for", *src) if (src and isinstance(node, nodes.For) and len(names) == 1) else None
    return out


def _resolve(chain: Chain, schema: dict[str, Node], bindings: dict[str, Chain | None], doc_type: str) -> str | None:
    root, *attrs = chain
    node: Node
    if root in bindings:
        src = bindings[root]
        if src is None:
            return None
        parent = _walk(schema, src[1:])
        if parent is None:
            return None  # the loop's own source is reported where it is used
        if parent[0] == "rows":
            node = _dict(parent[1])
        elif parent[0] in ("list", "dict"):
            node = STR if parent[0] == "list" else ("any",)
        else:
            return None
        path = root
    elif root in schema:
        node = schema[root]
        path = root
    elif root in JINJA_GLOBALS:
        return None
    else:
        return f"变量“{root}”不是上下文约定的字段（可用：{'、'.join(schema)}）"
    for attr in attrs:
        if node[0] == "dict":
            keys: dict[str, Node] = node[1]
            if attr not in keys:
                allowed = "、".join(keys) or "（无）"
                scope = f"{doc_type}可用的 x 字段" if path == "x" else f"{path} 的字段"
                return f"字段“{path}.{attr}”不在上下文约定中（{scope}：{allowed}）"
            node = keys[attr]
            path = f"{path}.{attr}"
        else:
            return None  # methods and filters on strings/lists are Jinja's business
    return None


def _walk(schema: dict[str, Node], path: Chain) -> Node | None:
    if not path or path[0] not in schema:
        return None
    node = schema[path[0]]
    for attr in path[1:]:
        if node[0] != "dict" or attr not in node[1]:
            return None
        node = node[1][attr]
    return node


# -- page setup and properties ---------------------------------------------------------------------------------
def _page_setup(root: etree._Element, label: str) -> list[TemplateFinding]:
    out: list[TemplateFinding] = []
    sections = list(root.iter(f"{_W}sectPr"))
    if not sections:
        return [TemplateFinding(label, "page-setup", "", "没有页面设置（w:sectPr），无法确认 A4 与页边距。")]
    for n, sect in enumerate(sections, start=1):
        where = f"第{n}节" if len(sections) > 1 else ""
        size, mar = sect.find(f"{_W}pgSz"), sect.find(f"{_W}pgMar")
        got: dict[str, float] = {}
        for el, keys in ((size, {"width": "w", "height": "h"}),
                         (mar, {"top": "top", "bottom": "bottom", "left": "left", "right": "right"})):
            for name, attr in keys.items():
                raw = el.get(f"{_W}{attr}") if el is not None else None
                if raw is not None:
                    got[name] = abs(int(raw)) / TWIPS_PER_MM
        landscape = size is not None and size.get(f"{_W}orient") == "landscape"
        for name, want in ({**LANDSCAPE_PAGE_MM, **LANDSCAPE_MARGIN_MM} if landscape else {**PAGE_MM, **MARGIN_MM}).items():
            have = got.get(name)
            if have is None or abs(have - want) > 1.0:
                shown = f"{have:.1f}mm" if have is not None else "未设置"
                out.append(TemplateFinding(label, "page-setup", where,
                                           f"页面设置“{_MM_LABEL[name]}”为{shown}，GB/T 9704 要求{want:g}mm（±1mm）。"))
    return out


def _grid(root: etree._Element, label: str) -> list[TemplateFinding]:
    for sect in root.iter(f"{_W}sectPr"):
        grid = sect.find(f"{_W}docGrid")
        if grid is None or grid.get(f"{_W}type") not in ("lines", "linesAndChars") or not grid.get(f"{_W}linePitch"):
            return [TemplateFinding(label, "grid", "", "页面没有设置行网格（GB/T 9704 每页22行），"
                                    "请在“页面设置—文档网格”中指定行数。", "warning")]
    return []


_X_NAME = re.compile(r"\bx\.([A-Za-z_]\w*)")


def _coverage(tags: list[tuple[_Para, str]], label: str, doc_type: str) -> list[TemplateFinding]:
    """Declared fields the template never prints, and a missing 救济途径 block."""
    out: list[TemplateFinding] = []
    used = {name for _, tag in tags for name in _X_NAME.findall(tag)}
    unused = [name for name in x_shapes(doc_type) if name not in used]
    if unused:
        out.append(TemplateFinding(label, "unused-field", "", f"{doc_type}的字段{'、'.join(f'x.{n}' for n in unused)}"
                                   "在模板中没有使用，其内容不会印出。", "warning"))
    if DOC_TYPES[doc_type].remedy and not any(re.search(r"\bremedy\b", tag) for _, tag in tags):
        out.append(TemplateFinding(label, "no-remedy", "", f"{doc_type}须告知救济途径，但模板中没有使用 remedy。",
                                   "warning"))
    return out


_MM_LABEL = {"width": "纸张宽度", "height": "纸张高度", "top": "上边距（天头）", "bottom": "下边距",
             "left": "左边距（订口）", "right": "右边距"}


def _core_properties(data: bytes, label: str) -> list[TemplateFinding]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        try:
            core = z.read("docProps/core.xml")
        except KeyError:
            return []
    if b"{{" in core or b"{%" in core:
        return [TemplateFinding(label, "properties", "文档属性",
                                "文档属性（标题、主题等）中有模板标签，不会被替换；请在正文中使用。", "warning")]
    return []
