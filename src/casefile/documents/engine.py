"""Strict docxtpl rendering: one prepared template per file, rendered many times.

A template is prepared once (docxtpl's own ``patch_xml`` on every templated part, then compiled
by a strict, sandboxed, autoescaping Jinja environment) and rendered per document by running the
compiled template and docxtpl's own post-processing (``resolve_listing``, ``fix_tables``,
``fix_docpr_ids``) before re-zipping. That is exactly what ``DocxTemplate.render`` does per call,
minus re-reading the package with python-docx and re-compiling the Jinja source each time; the
test suite checks that the text comes out identical to a plain docxtpl render.

Case data never becomes template source: values reach Jinja only as context, and every printed
value passes :func:`_finalize`, which strips characters XML cannot hold and escapes markup and
braces, so ``<&"{{ x }}{% if %}`` prints as typed and newlines become ``<w:br/>`` line breaks.
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
import struct
import threading
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any, Literal

import jinja2
from docxtpl import DocxTemplate
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree
from markupsafe import Markup, escape

from casefile.config import Workspace
from casefile.errors import TemplateProblem
from casefile.timelimit import TimeLimitExceeded, time_limit

__all__ = [
    "PreparedTemplate",
    "TemplateFile",
    "clean_text",
    "docx_text",
    "find_template",
    "list_templates",
    "load_template",
    "make_env",
    "paragraph_locations",
    "prepare",
    "shipped_templates_dir",
]

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_W = f"{{{W_NS}}}"
HEADER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
OFFICE_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
TEMPLATE_NAME_RE = re.compile(r"^(D\d{2})(?:[-_ ].*)?\.docx$")

# python-docx parses parts with this configuration; docxtpl patches the serialisation of that
# parse, so the compiled source must come from the same parser to match docxtpl byte for byte.
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
_STRICT = etree.XMLParser(resolve_entities=False, huge_tree=True)
# Characters XML 1.0 cannot carry at all (a NUL in a claim would otherwise corrupt the .docx).
# \a and \f are also docxtpl's paragraph and page-break escapes, so user text must never hold them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DOCXTPL = DocxTemplate(io.BytesIO(b""))  # only its pure string/tree helpers are used


# -- text hygiene and the Jinja environment ------------------------------------------------------
def clean_text(text: str) -> str:
    """Normalise line ends to ``\\n`` and drop characters that XML 1.0 forbids."""
    return _XML_INVALID.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


class NoneValue(Exception):
    """A context value was None (a bug in the context builder, reported like any render error)."""


def _finalize(value: Any) -> Any:
    """Applied to every ``{{ … }}`` result before output.

    Escapes markup and, beyond what autoescape does, braces: docxtpl turns ``{_{`` back into
    ``{{`` after rendering, so a brace that reached the XML unescaped could change the text a user
    typed. ``&#123;`` is the same character to every XML reader.
    """
    if value is None:
        # A None means context.py forgot a field; printing "None" in a notice is never right.
        raise NoneValue("变量的值为空（None），上下文缺少该字段的取值")
    if isinstance(value, Markup):
        markup = value
    elif isinstance(value, str):
        markup = escape(clean_text(value))
    elif hasattr(value, "__html__"):
        markup = escape(value)  # docxtpl RichText / Listing carry their own escaped XML
    else:
        markup = escape(clean_text(str(value)))
    return Markup(str(markup).replace("{", "&#123;").replace("}", "&#125;"))


def make_env() -> jinja2.Environment:
    """Strict (undefined is an error), autoescaping and sandboxed (templates are user-editable
    files in the workspace, so they may not reach Python internals or mutate the context)."""
    return ImmutableSandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        finalize=_finalize,
    )


_ENV = make_env()
RENDER_SECONDS_VAR = "CASEFILE_RENDER_SECONDS"
RENDER_SECONDS = 20.0  # one document; a shipped template renders in well under a second


def render_seconds() -> float:
    """The time one document may take to render (``CASEFILE_RENDER_SECONDS`` overrides)."""
    import os

    try:
        return float(os.environ.get(RENDER_SECONDS_VAR) or RENDER_SECONDS)
    except ValueError:
        return RENDER_SECONDS


# -- where templates live ---------------------------------------------------------------------------
@dataclass(frozen=True)
class TemplateFile:
    """One .docx template, shipped with casefile or overridden in ``<workspace>/templates``."""

    doc_type: str
    name: str
    origin: Literal["shipped", "workspace"]
    path: Path

    def read_bytes(self) -> bytes:
        try:
            return self.path.read_bytes()
        except OSError as exc:
            raise TemplateProblem(f"无法读取模板“{self.label}”：{exc.strerror}。") from None

    @property
    def label(self) -> str:
        return f"{self.name}（工作区）" if self.origin == "workspace" else self.name


def shipped_templates_dir() -> Path:
    """The packaged ``casefile.templates``; from a source checkout, ``<repo>/templates``."""
    try:
        root = resources.files("casefile.templates")
    except ModuleNotFoundError:
        root = None
    if isinstance(root, Path) and root.is_dir():
        return root
    if root is not None:
        # templates/ has no __init__.py, so it may be a namespace package whose files() is a
        # MultiplexedPath over real folders; its entries are plain paths.
        for entry in root.iterdir():
            if isinstance(entry, Path) and entry.suffix == ".docx":
                return entry.parent
    return Path(__file__).resolve().parents[3] / "templates"


def _scan(folder: Path, origin: Literal["shipped", "workspace"]) -> dict[str, TemplateFile]:
    found: dict[str, TemplateFile] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.iterdir()):
        m = TEMPLATE_NAME_RE.match(path.name)
        if m and path.is_file() and not path.name.startswith("~$"):
            found[path.name] = TemplateFile(m.group(1), path.name, origin, path)
    return found


def list_templates(ws: Workspace | None) -> tuple[dict[str, TemplateFile], list[TemplateFile]]:
    """(effective template per doc type, workspace files that override nothing).

    A workspace file overrides the shipped file of the same name; the shipped names are the
    contract, so a workspace file with a new name is reported rather than silently used.
    """
    shipped = _scan(shipped_templates_dir(), "shipped")
    local = _scan(ws.templates_dir, "workspace") if ws is not None else {}
    effective: dict[str, TemplateFile] = {}
    for name, tf in shipped.items():
        effective[tf.doc_type] = local.get(name, tf)
    orphans = [tf for name, tf in local.items() if name not in shipped]
    return effective, orphans


def find_template(ws: Workspace | None, doc_type: str) -> TemplateFile:
    effective, _ = list_templates(ws)
    tf = effective.get(doc_type)
    if tf is None:
        raise TemplateProblem(f"没有{doc_type}的文书模板（模板目录 {shipped_templates_dir()}）。")
    return tf


# -- paragraph locations (for messages a template author can act on) ----------------------------------
@dataclass(frozen=True)
class ParaLoc:
    index: int  # position among all w:p of the part, document order
    where: str  # "第3段" / "第1个表格第2行第3列" / "页眉第1段"
    text: str

    def excerpt(self, width: int = 40) -> str:
        t = " ".join(self.text.split())
        return t if len(t) <= width else t[: width - 1] + "…"

    def describe(self) -> str:
        return f"{self.where}（“{self.excerpt()}”）" if self.text.strip() else self.where


def _para_text(p: etree._Element) -> str:
    # Only this paragraph's own runs: a text box nested inside it has paragraphs of its own.
    return "".join(t.text or "" for t in p.iter(f"{_W}t") if next(t.iterancestors(f"{_W}p"), None) is p)


def paragraph_locations(root: etree._Element, part_label: str = "") -> list[ParaLoc]:
    """Every w:p of a part in document order, labelled the way a person finds it in Word."""
    out: list[ParaLoc] = []
    body_no = 0
    table_no = 0
    table_ids: dict[int, int] = {}
    for i, p in enumerate(root.iter(f"{_W}p")):
        tables = [a for a in p.iterancestors(f"{_W}tbl")]
        if not tables:
            body_no += 1
            where = f"{part_label}第{body_no}段"
        else:
            outer = tables[-1]
            key = id(outer)
            if key not in table_ids:
                table_no += 1
                table_ids[key] = table_no
            row = next(p.iterancestors(f"{_W}tr"), None)
            cell = next(p.iterancestors(f"{_W}tc"), None)
            r = len(list(row.itersiblings(f"{_W}tr", preceding=True))) + 1 if row is not None else 0
            c = len(list(cell.itersiblings(f"{_W}tc", preceding=True))) + 1 if cell is not None else 0
            where = f"{part_label}第{table_ids[key]}个表格第{r}行第{c}列"
        out.append(ParaLoc(i, where, _para_text(p)))
    return out


# -- prepared templates --------------------------------------------------------------------------------
@dataclass
class _Locator:
    """Turns a line of a part's Jinja source into the paragraph a template author can find.

    Computed only when a message needs it; rendering never pays for it.
    """

    label: str  # 正文 / 页眉 / 页脚 / 脚注
    original: bytes  # the part as shipped
    is_body: bool
    _locs: list[ParaLoc] | None = None
    _lines: list[list[int]] | None = None

    def locate(self, lineno: int | None, needle: str | None = None) -> str:
        if self._locs is None:
            root = etree.fromstring(self.original, _PARSER)
            self._locs = paragraph_locations(root, "" if self.is_body else self.label)
            self._lines = _line_map(root, self.is_body)
        locs, lines = self._locs, self._lines or []
        candidates: list[int] = []
        if lineno is not None and 1 <= lineno <= len(lines):
            candidates = lines[lineno - 1]
        if needle:
            hits = [i for i in (candidates or range(len(locs))) if needle in locs[i].text]
            if not hits and candidates:
                hits = [i for i in range(len(locs)) if needle in locs[i].text]
            if hits:
                candidates = hits
        if not candidates:
            return self.label
        return locs[candidates[0]].describe()


@dataclass
class _Part:
    member: str  # zip member name
    template: jinja2.Template
    is_body: bool
    where: _Locator


def _line_map(root: etree._Element, is_body: bool) -> list[list[int]]:
    """For each line of the rendered source, the paragraphs whose tags can sit on it.

    docxtpl splits the source before every ``<w:p``; a marker comment placed before each
    paragraph survives ``patch_xml`` even where a ``{%p %}`` tag swallows its paragraph, so the
    markers on a line and the one just before it are the candidates.
    """
    marked = etree.fromstring(etree.tostring(root), _PARSER)
    for i, p in enumerate(marked.iter(f"{_W}p")):
        p.addprevious(etree.Comment(f"cfp{i}"))
    target = marked.find(f"{_W}body") if is_body else marked
    if target is None:
        return []
    xml = _DOCXTPL.patch_xml(etree.tostring(target, encoding="unicode"))
    xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
    out: list[list[int]] = []
    prev_tail: list[int] = []
    for line in xml.split("\n"):
        markers = [int(m) for m in re.findall(r"<!--cfp(\d+)-->", line)]
        # A marker at the very end of a line announces the paragraph that starts the next line.
        tail = markers[-1:] if markers and line.endswith(f"<!--cfp{markers[-1]}-->") else []
        own = markers[:-1] if tail else markers
        out.append(prev_tail + own if line.startswith("<w:p") else own or prev_tail)
        prev_tail = tail
    return out


def _template_lineno(tb: TracebackType | None) -> int | None:
    """The line of the Jinja source that failed (Jinja rewrites its frames to '<template>')."""
    lineno = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            lineno = tb.tb_lineno
        tb = tb.tb_next
    return lineno


_UNDEF_RE = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'|no element '?([^']+?)'?$")


def describe_jinja_error(exc: BaseException) -> tuple[str, str | None]:
    """(Chinese explanation, the name it is about) for a Jinja/render exception."""
    msg = str(exc)
    if isinstance(exc, jinja2.UndefinedError):
        m = _UNDEF_RE.search(msg)
        name = next((g for g in m.groups() if g), None) if m else None
        kind = "变量" if "is undefined" in msg else "字段"
        return (f"{kind}“{name}”未定义（不是上下文约定的字段）" if name else f"变量未定义（{msg}）"), name
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"模板语法错误：{msg}", None
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"模板试图访问不允许的属性：{msg}", None
    if isinstance(exc, NoneValue):
        return msg, None
    if isinstance(exc, etree.XMLSyntaxError):
        return f"生成的文档结构无效（标签可能跨越了段落或表格）：{msg}", None
    return f"{type(exc).__name__}：{msg}", None


@dataclass
class PreparedTemplate:
    """A template ready to render many documents."""

    name: str
    sha256: str
    entries: list[_ZipEntry]  # the package as shipped, in order, compressed once
    parts: dict[str, _Part]
    shell: etree._Element  # w:document without its body
    body_index: int

    def render(self, context: Mapping[str, Any]) -> bytes:
        """The rendered .docx as bytes. Raises TemplateProblem naming the paragraph."""
        rendered: dict[str, bytes] = {}
        try:
            with time_limit(render_seconds()):
                for member, part in self.parts.items():
                    rendered[member] = self._render_checked(member, part, context)
        except TimeLimitExceeded:
            raise TemplateProblem(
                f"模板“{self.name}”渲染超过 {render_seconds():g} 秒仍未完成（模板中可能有嵌套的大循环），已停止，"
                "案卷未作任何改动；请修改工作区 templates/ 中的该模板后重试。") from None
        return _write_zip([e.with_data(rendered[e.name]) if e.name in rendered else e for e in self.entries])

    def _render_checked(self, member: str, part: _Part, context: Mapping[str, Any]) -> bytes:
        try:
            return self._render_part(part, context)
        except TimeLimitExceeded:
            raise
        except Exception as exc:  # whatever a template does wrong is reported with its place
            what, name = describe_jinja_error(exc)
            lineno = getattr(exc, "lineno", None) if isinstance(exc, jinja2.TemplateSyntaxError) else None
            lineno = lineno or _template_lineno(exc.__traceback__)
            where = part.where.locate(lineno, name)
            raise TemplateProblem(f"模板“{self.name}”{where}：{what}。") from exc

    def _render_part(self, part: _Part, context: Mapping[str, Any]) -> bytes:
        # The sequence below is DocxTemplate.render_xml_part + render(), step for step.
        dst = part.template.render(context)
        dst = re.sub(r"\n<w:p([ >])", r"<w:p\1", dst)
        dst = dst.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        if _LISTING_CHARS.search(dst):  # resolve_listing rewrites only these characters
            dst = _DOCXTPL.resolve_listing(dst)
        if part.is_body:
            # docxtpl parses in recover mode, which would quietly mend (and mangle) XML broken by a
            # tag that straddles paragraphs; a strict parse turns that into an error instead. When no
            # table needs docxtpl's column fix, its recover-mode parse would give this same tree.
            tree = etree.fromstring(dst.encode("utf-8"), _STRICT)
            if _needs_table_fix(tree):
                tree = _DOCXTPL.fix_tables(dst)
            _fix_docpr_ids(tree)
            root = _copy_shell(self.shell)
            root.insert(self.body_index, tree)
            out: bytes = etree.tostring(root, encoding="UTF-8", standalone=True)
            return out
        elem = etree.fromstring(dst.encode("utf-8"), _PARSER)
        data: bytes = etree.tostring(elem, encoding="UTF-8", standalone=True)
        return data


# -- zip output ---------------------------------------------------------------------------------------
# Most of a .docx never changes between documents (styles.xml alone is often 300 KB+). zipfile can
# only write what it compresses itself, so unchanged members are deflated once at preparation and
# copied raw; this minimal writer emits the same standard (non-zip64) layout zipfile produces.
_DEFLATED = 8


@dataclass(frozen=True)
class _ZipEntry:
    name: str
    dostime: int
    dosdate: int
    external_attr: int
    crc: int
    size: int
    packed: bytes

    @classmethod
    def of(cls, info: zipfile.ZipInfo, data: bytes) -> _ZipEntry:
        y, mo, d, h, mi, sec = info.date_time
        return cls(
            info.filename, h << 11 | mi << 5 | sec // 2, max(y - 1980, 0) << 9 | mo << 5 | d,
            info.external_attr, 0, 0, b"",
        ).with_data(data)

    def with_data(self, data: bytes) -> _ZipEntry:
        co = zlib.compressobj(6, zlib.DEFLATED, -15)
        packed = co.compress(data) + co.flush()
        return _ZipEntry(self.name, self.dostime, self.dosdate, self.external_attr,
                         zlib.crc32(data) & 0xFFFFFFFF, len(data), packed)


def _write_zip(entries: list[_ZipEntry]) -> bytes:
    out = io.BytesIO()
    central = io.BytesIO()
    for e in entries:
        name = e.name.encode("utf-8")
        flags = 0x800 if not e.name.isascii() else 0  # bit 11: the name is UTF-8
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, _DEFLATED, e.dostime, e.dosdate,
                              e.crc, len(e.packed), e.size, len(name), 0))
        out.write(name)
        out.write(e.packed)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, _DEFLATED, e.dostime,
                                  e.dosdate, e.crc, len(e.packed), e.size, len(name), 0, 0, 0, 0,
                                  e.external_attr, offset))
        central.write(name)
    cd = central.getvalue()
    cd_offset = out.tell()
    out.write(cd)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(cd), cd_offset, 0))
    return out.getvalue()


def _copy_shell(shell: etree._Element) -> etree._Element:
    return copy.deepcopy(shell)


_LISTING_CHARS = re.compile("[\n\t\a\f]")


def _needs_table_fix(tree: etree._Element) -> bool:
    """Whether DocxTemplate.fix_tables would change anything (its two conditions, computed alike)."""
    for t in tree.iter(f"{_W}tbl"):
        grid = t.find(f"{_W}tblGrid")
        if grid is None:
            return True  # let docxtpl deal with (and report) a table without a grid
        cols = len(grid.findall(f"{_W}gridCol"))
        widest = 0
        for r in t.iter(f"{_W}tr"):
            cells = r.findall(f"{_W}tc")
            if len(cells) > cols:
                return True
            span = 0
            for c in cells:
                gs = c.find(f"{_W}tcPr/{_W}gridSpan")
                span += int(gs.get(f"{_W}val")) if gs is not None else 1
            widest = max(widest, span)
        if cols > widest:
            return True
    return False


_WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


def _fix_docpr_ids(tree: etree._Element) -> None:
    # DocxTemplate.fix_docpr_ids with a local counter (docxtpl keeps it on the instance).
    for n, elt in enumerate(tree.iter(_WP_DOCPR), start=1001):
        elt.attrib["id"] = str(n)


def _rels(members: dict[str, bytes], part: str) -> list[tuple[str, str]]:
    """(relationship type, target member) of a part."""
    p = PurePosixPath(part)
    rels_name = str(p.parent / "_rels" / f"{p.name}.rels") if str(p.parent) != "." else f"_rels/{p.name}.rels"
    data = members.get(rels_name)
    if data is None:
        return []
    out = []
    for rel in etree.fromstring(data, _PARSER).iter(f"{{{R_NS}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        full = target.lstrip("/") if target.startswith("/") else _norm(p.parent / target)
        out.append((rel.get("Type", ""), full))
    return out


def _norm(p: PurePosixPath) -> str:
    parts: list[str] = []
    for seg in p.parts:
        if seg == "..":
            if parts:
                parts.pop()
        elif seg not in (".", ""):
            parts.append(seg)
    return "/".join(parts)


def _has_tags(xml: bytes) -> bool:
    # A bare "{" is enough: docxtpl rejoins "{" + run break + "{" into a tag.
    return b"{" in xml


def prepare(data: bytes, name: str) -> PreparedTemplate:
    """Read a .docx template once: patch and compile every part that holds template tags.

    Raises TemplateProblem if the file is not a .docx or the Jinja source does not compile.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zin:
            infos = zin.infolist()
            members = {i.filename: zin.read(i.filename) for i in infos}
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TemplateProblem(f"模板“{name}”不是有效的 .docx 文件（{exc}）。") from None
    main = next((t for rt, t in _rels(members, "_rels/.rels") if rt == OFFICE_DOC_REL), "word/document.xml")
    if main not in members:
        raise TemplateProblem(f"模板“{name}”不是有效的 .docx 文件（缺少 {main}）。")
    try:
        root = etree.fromstring(members[main], _PARSER)
    except etree.XMLSyntaxError as exc:
        raise TemplateProblem(f"模板“{name}”的正文 XML 已损坏：{exc}。") from None
    body = root.find(f"{_W}body")
    if body is None:
        raise TemplateProblem(f"模板“{name}”没有正文（w:body）。")
    body_index = list(root).index(body)
    body_src = etree.tostring(body, encoding="unicode")
    root.remove(body)

    parts: dict[str, _Part] = {}
    labels = {HEADER_REL: "页眉", FOOTER_REL: "页脚", FOOTNOTES_REL: "脚注"}
    targets: list[tuple[str, str, str, bool]] = [(main, "正文", body_src, True)]
    for rel_type, target in _rels(members, main):
        if rel_type in labels and target in members and _has_tags(members[target]):
            try:
                xml = etree.tostring(etree.fromstring(members[target], _PARSER), encoding="unicode")
            except etree.XMLSyntaxError as exc:
                raise TemplateProblem(f"模板“{name}”的{labels[rel_type]} XML 已损坏：{exc}。") from None
            targets.append((target, labels[rel_type], xml, False))
    for member, label, xml, is_body in targets:
        # docxtpl renders the patched source with a line break before every paragraph.
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", _DOCXTPL.patch_xml(xml))
        where = _Locator(label, members[member], is_body)
        try:
            parts[member] = _Part(member, _ENV.from_string(source), is_body, where)
        except jinja2.TemplateSyntaxError as exc:
            what, _ = describe_jinja_error(exc)
            raise TemplateProblem(f"模板“{name}”{where.locate(exc.lineno)}：{what}。") from None
    return PreparedTemplate(
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        entries=[_ZipEntry.of(i, members[i.filename]) for i in infos],
        parts=parts,
        shell=root,
        body_index=body_index,
    )


# A small cache: batch runs and repeated issuance of one type reuse the compiled template, and the
# key includes the file's hash, so an edited override is picked up at once.
_CACHE: OrderedDict[tuple[str, str], PreparedTemplate] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 64


def load_template(tf: TemplateFile) -> PreparedTemplate:
    data = tf.read_bytes()
    key = (tf.label, hashlib.sha256(data).hexdigest())
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    prepared = prepare(data, tf.label)
    with _CACHE_LOCK:
        _CACHE[key] = prepared
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return prepared


# -- reading a rendered .docx back (tests, PDF checks, the check command) ----------------------------------
def iter_part_roots(data: bytes) -> Iterator[tuple[str, etree._Element]]:
    """(member, parsed root) of the main document and its headers, footers and footnotes."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {n: z.read(n) for n in z.namelist() if n.endswith(".xml") or n.endswith(".rels")}
    main = next((t for rt, t in _rels(members, "_rels/.rels") if rt == OFFICE_DOC_REL), "word/document.xml")
    yield main, etree.fromstring(members[main], _PARSER)
    for rel_type, target in _rels(members, main):
        if rel_type in (HEADER_REL, FOOTER_REL, FOOTNOTES_REL) and target in members:
            yield target, etree.fromstring(members[target], _PARSER)


def docx_text(data: bytes) -> str:
    """All text of a .docx, one paragraph per line, line breaks as ``\\n``, tabs as ``\\t``."""
    lines: list[str] = []
    for _, root in iter_part_roots(data):
        for p in root.iter(f"{_W}p"):
            chunks: list[str] = []
            for el in p.iter(f"{_W}t", f"{_W}br", f"{_W}tab", f"{_W}cr"):
                if el.tag == f"{_W}t":
                    chunks.append(el.text or "")
                elif el.tag == f"{_W}tab":
                    chunks.append("\t")
                else:
                    chunks.append("\n")
            lines.append("".join(chunks))
    return "\n".join(lines)
