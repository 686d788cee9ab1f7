"""The import graph of the casefile package, counting imports inside functions and under
TYPE_CHECKING-free branches alike (every ``import``/``from … import`` statement in the source).

    .venv/bin/python tools/import_graph.py            # print cycles and upward imports (exit 1 if any)
    .venv/bin/python tools/import_graph.py --dot docs/import-graph.dot [--svg docs/import-graph.svg]

Edges are between *components*: a top-level module (``casefile.store``) or a subpackage
(``casefile.archive``), which is how the layering in docs/architecture.md is drawn. Imports under
``if TYPE_CHECKING:`` are left out: they never run.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "src" / "casefile"
TOP = ("casefile.cli", "casefile.web")  # the front ends: nothing below may import them


def module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def component(module: str) -> str:
    parts = module.split(".")
    if len(parts) >= 2 and (PKG / parts[1]).is_dir():
        return ".".join(parts[:2])
    return ".".join(parts[:2]) if len(parts) >= 2 else module


def _type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


def imports_of(path: Path) -> Iterator[tuple[str, int]]:
    """Every casefile module ``path`` imports, at any depth, with the line."""
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rsplit(".", 1)[0]

    def walk(node: ast.AST) -> Iterator[tuple[str, int]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                for sub in child.orelse:
                    yield from walk(sub)
                continue
            if isinstance(child, ast.Import):
                for a in child.names:
                    if a.name.split(".")[0] == "casefile":
                        yield a.name, child.lineno
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - (child.level - 1)]
                    mod = ".".join(base + ([child.module] if child.module else []))
                else:
                    mod = child.module or ""
                if mod.split(".")[0] == "casefile":
                    for a in child.names:
                        sub = f"{mod}.{a.name}"
                        yield (sub if _exists(sub) else mod), child.lineno
            yield from walk(child)

    yield from walk(ast.parse(path.read_text(encoding="utf-8")))


def _exists(module: str) -> bool:
    rel = Path(*module.split(".")[1:])
    return (PKG / rel).with_suffix(".py").is_file() or (PKG / rel / "__init__.py").is_file()


def graph() -> dict[str, dict[str, list[str]]]:
    """component -> imported component -> ["module:line", …]"""
    g: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(PKG.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        me = module_name(path)
        src = component(me)
        g[src]  # every component is a node
        for target, line in imports_of(path):
            dst = component(target)
            if dst != src and dst != "casefile":
                g[src][dst].append(f"{me}:{line}")
    return g


def cycles(g: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in g.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in list(g):
        if v not in index:
            visit(v)
    return out


def upward(g: dict[str, dict[str, list[str]]]) -> list[str]:
    """Imports of a front end (casefile.cli, casefile.web) from anything that is not one."""
    bad = []
    for src, targets in g.items():
        if src.startswith(TOP):
            continue
        for dst, where in targets.items():
            if dst.startswith(TOP):
                bad.extend(f"{w} imports {dst}" for w in where)
    return bad


def dot(g: dict[str, dict[str, list[str]]]) -> str:
    lines = ["digraph casefile {", '  rankdir=BT; node [shape=box, fontname="Helvetica", fontsize=10];',
             '  edge [color="#888888", arrowsize=0.6];']
    for src in sorted(g):
        style = ', style=filled, fillcolor="#dde8f5"' if src.startswith(TOP) else ""
        lines.append(f'  "{src.removeprefix("casefile.")}" [label="{src.removeprefix("casefile.")}"{style}];')
    for src in sorted(g):
        for dst in sorted(g[src]):
            lines.append(f'  "{src.removeprefix("casefile.")}" -> "{dst.removeprefix("casefile.")}";')
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dot", type=Path, help="write the graph in Graphviz form")
    ap.add_argument("--svg", type=Path, help="also render it with Graphviz's dot (package graphviz)")
    args = ap.parse_args()
    g = graph()
    found = cycles(g)
    up = upward(g)
    for c in found:
        print("cycle:", " ↔ ".join(c))
        for a in c:
            for b in c:
                if b in g[a]:
                    print(f"   {a} -> {b}: {', '.join(g[a][b][:4])}")
    for u in up:
        print("upward:", u)
    if args.dot:
        args.dot.write_text(dot(g), encoding="utf-8")
        if args.svg:
            subprocess.run(["dot", "-Tsvg", str(args.dot), "-o", str(args.svg)], check=True)
    print(f"{len(g)} components, {sum(len(t) for t in g.values())} edges, {len(found)} cycles, {len(up)} upward imports")
    return 1 if found or up else 0


if __name__ == "__main__":
    sys.exit(main())
