"""Commands of full-text search: ``search``, ``similar`` and the ``index`` group (rebuild, update, status)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from casefile.cli.common import (
    CASE_METAVAR,
    CASE_REF,
    AppContext,
    LabelChoice,
    echo,
    emit_json,
    is_tty,
    json_option,
    pass_app,
    warn,
)

if TYPE_CHECKING:
    from casefile.config import Workspace
    from casefile.search import SearchReport
    from casefile.search_engines.searcher import Hit

FACET_LABELS = {"kind": "类型", "category": "类别", "year": "年份", "outcome": "结果", "dept": "部门",
                "region": "辖区", "risk": "风险"}
KIND_LABELS = {"law": "法规", "case": "案件", "typical": "典型案例", "document": "文书", "evidence": "证据"}
KIND_CHOICES = ("law", "case", "typical", "document", "evidence")
KIND_CHOICE = LabelChoice({code: (label,) for code, label in KIND_LABELS.items()})


class _Bar:
    """A progress bar that appears on the first report (the total is known only then)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _highlight(hit: Hit, tty: bool) -> str:
    text = hit.snippet_plain
    out: list[str] = []
    last = 0
    for a, b in hit.spans:
        out.append(text[last:a])
        out.append(click.style(text[a:b], fg="red", bold=True) if tty else f"【{text[a:b]}】")
        last = b
    out.append(text[last:])
    return "".join(out)


def _facet_value(name: str, value: str, ws: Workspace) -> str:
    if name == "kind":
        return KIND_LABELS.get(value, value)
    if name == "category":
        from casefile.models.enums import Category

        try:
            return f"{value} {Category.parse(value).label}"
        except ValueError:
            return value
    if name == "dept":
        return ws.dept_name(value)
    return value


def render(report: SearchReport, ws: Workspace, *, heading: str) -> None:
    tty = is_tty()
    for notice in report.notices:
        warn(notice)
    if not report.total:
        echo(f"{heading}：没有找到结果。")
        return
    echo(f"{heading}：共{report.total}条（第{report.page}/{report.pages}页，每页{report.per_page}条）")
    start = (report.page - 1) * report.per_page
    for i, hit in enumerate(report.results, start + 1):
        label = KIND_LABELS.get(hit.kind, hit.kind)
        echo(f"{i:>3}. [{label}] {hit.title}  （{hit.score:.2f}）")
        if hit.snippet_plain:
            echo(f"     {_highlight(hit, tty)}")
        where = hit.ref or hit.id
        if where:
            echo(f"     {where}")
    facets = {k: v for k, v in report.facets.items() if v}
    if facets:
        echo("分类统计：")
        for name, values in facets.items():
            shown = "  ".join(f"{_facet_value(name, v, ws)} {n}" for v, n in list(values.items())[:12])
            echo(f"  {FACET_LABELS.get(name, name)}：{shown}")
    if report.pages > report.page:
        echo(f"下一页：加 --page {report.page + 1}")


def _options(**values: Sequence[str] | str | int | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in values.items():
        if value is None or value == () or value == "":
            continue
        if isinstance(value, str | int):
            out[name] = [str(value)]
        else:
            out[name] = [str(v) for v in value]
    return out


@click.command()
@click.argument("query", nargs=-1)
@click.option("--kind", "kinds", multiple=True, type=KIND_CHOICE,
              help="只查某类：法规、案件、典型案例、文书、证据（可多次给出）。")
@click.option("--category", "categories", multiple=True, metavar="类别", help="争议类别，如 C06 或 滞纳金加收（可多次给出）。")
@click.option("--year", metavar="年份", help="年份，或范围 2024..2026。")
@click.option("--outcome", metavar="结果", help="办理结果：办理中、已形成处理意见、调解成功、调解不成、执行完毕、告知另行办理、办结。")
@click.option("--dept", metavar="部门", help="承办/协办部门（代码、名称或简称）。")
@click.option("--region", metavar="辖区", help="辖区名称（如 偏关县新关镇、偏关县）或行政区划代码。")
@click.option("--risk", metavar="风险", help="风险等级：低、中、高。")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True, metavar="N", help="页码。")
@click.option("--per-page", type=click.IntRange(1, 200), default=10, show_default=True, metavar="N", help="每页条数。")
@click.option("--reveal", is_flag=True, help="显示完整的身份证号、手机号、信用代码和账号（默认遮蔽；查看行为记入各案件日志）。")
@click.option("--purpose", default="办案需要", show_default=True, metavar="用途", help="与 --reveal 同用：查看用途。")
@json_option
@pass_app
def search(app: AppContext, query: tuple[str, ...], kinds: tuple[str, ...], categories: tuple[str, ...],
           year: str | None, outcome: str | None, dept: str | None, region: str | None, risk: str | None,
           page: int, per_page: int, reveal: bool, purpose: str, as_json: bool) -> None:
    """全文检索案件、文书、证据、典型案例和法规。

    \b
    检索式：空格分隔的各部分都须命中；"带引号"为精确短语；-词 排除；
    字段筛选 kind:law category:C06 year:2025 dept:税务 region:偏关县 risk:高 outcome:调解成功。
    例：casefile search 滞纳金 减免 category:C06 year:2024..2026
    """
    from casefile import search as search_mod

    text = " ".join(query)
    filters = _options(kind=kinds, category=categories, year=year, outcome=outcome, dept=dept, region=region,
                       risk=risk)
    bar = _Bar("建立检索索引") if not as_json else None
    try:
        report = search_mod.search(app.ws, text, filters=filters, page=page, per_page=per_page, reveal=reveal,
                                   progress=bar, actor=app.actor if reveal else "",
                                   now=app.now if reveal else None, purpose=purpose)
    finally:
        if bar is not None:
            bar.close()
    if as_json:
        emit_json(report.to_json())
        return
    render(report, app.ws, heading=f"检索“{text}”" if text else "筛选结果")


@click.command()
@click.argument("case_id", metavar=CASE_METAVAR, type=CASE_REF)
@click.option("--kind", "kinds", multiple=True, type=KIND_CHOICE,
              help="在哪些类别中找（默认：案件和典型案例；law 可找相关法规）。")
@click.option("--limit", type=click.IntRange(1, 200), default=10, show_default=True, metavar="N", help="最多列出 N 条。")
@click.option("--reveal", is_flag=True, help="显示完整的个人证件号码等（默认遮蔽；查看行为记入各案件日志）。")
@click.option("--purpose", default="办案需要", show_default=True, metavar="用途", help="与 --reveal 同用：查看用途。")
@json_option
@pass_app
def similar(app: AppContext, case_id: str, kinds: tuple[str, ...], limit: int, reveal: bool, purpose: str,
            as_json: bool) -> None:
    """查找与某案件相似的既往案件和典型案例。"""
    from casefile import search as search_mod

    report = search_mod.similar(app.ws, case_id, kinds=kinds or ("case", "typical"), limit=limit, reveal=reveal,
                                actor=app.actor if reveal else "", now=app.now if reveal else None, purpose=purpose)
    if as_json:
        out = report.to_json()
        out["terms"] = report.terms
        emit_json(out)
        return
    if report.terms:
        echo(f"比对用的特征词：{'、'.join(report.terms[:12])}")
    render(report, app.ws, heading=f"与 {report.query} 相似")


@click.group()
def index() -> None:
    """检索索引（indexes/search/，可随时删除后重建）。"""


@index.command()
@click.option("--workers", type=click.IntRange(1, 64), metavar="N", help="分词进程数（默认：CPU 核数）。")
@json_option
@pass_app
def rebuild(app: AppContext, workers: int | None, as_json: bool) -> None:
    """从案卷、典型案例库和随包法规重建检索索引。"""
    from casefile import search as search_mod

    bar = _Bar("建立检索索引") if not as_json else None
    try:
        report = search_mod.rebuild(app.ws, progress=bar, workers=workers)
    finally:
        if bar is not None:
            bar.close()
    if as_json:
        emit_json(report.to_json())
        return
    kinds = "，".join(f"{KIND_LABELS.get(k, k)}{n}条" for k, n in report.by_kind.items())
    echo(f"检索索引已重建（{report.engine}，分词 {report.segmenter}，{report.workers}个进程，"
         f"{report.seconds:.1f}秒）：共{report.documents}条（{kinds or '无'}）。")
    for p in report.problems:
        warn(p)


@index.command()
@json_option
@pass_app
def update(app: AppContext, as_json: bool) -> None:
    """立即把排队的案卷变更和典型案例库的修改写入检索索引。"""
    from casefile import search as search_mod

    report = search_mod.update(app.ws)
    if as_json:
        emit_json({"cases": report.cases, "library_changed": report.library_changed, "problems": report.problems,
                   "notices": report.notices})
        return
    for n in report.notices:
        warn(n)
    echo(f"已更新{len(report.cases)}件案件" + ("及典型案例库" if report.library_changed else "") + "的索引。")
    for p in report.problems:
        warn(p)


@index.command()
@json_option
@pass_app
def status(app: AppContext, as_json: bool) -> None:
    """检索索引的引擎、条数和待更新的案件数。"""
    from casefile import search as search_mod

    st = search_mod.status(app.ws)
    if as_json:
        emit_json(st.to_json())
        return
    if not st.exists:
        echo(f"检索索引：{st.problem}（配置的引擎：{st.configured_engine}）。运行 casefile index rebuild 建立。")
        return
    kinds = "，".join(f"{KIND_LABELS.get(k, k)}{n}" for k, n in st.by_kind.items())
    echo(f"检索索引：{st.engine}，共{st.documents}条（{kinds}），待更新案件{st.pending}件。")
    if st.problem:
        warn(f"{st.problem}，下次检索时将自动重建。")
