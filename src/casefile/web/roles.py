"""Role codes (the same as casefile.identity) and their Chinese labels. Pure, no Django."""

from __future__ import annotations

ROLES: dict[str, str] = {
    "officer": "承办人",
    "liaison": "协办联络员",
    "head": "负责人",
    "archivist": "档案员",
    "reader": "查询/培训",
    "admin": "管理员",
}


def parse_roles(text: str | list[str] | tuple[str, ...]) -> list[str]:
    """Codes or Chinese labels, comma/space separated; raises ValueError naming every unknown one."""
    items = text if isinstance(text, list | tuple) else text.replace("，", ",").replace("、", ",").replace(" ", ",").split(",")
    by_label = {v: k for k, v in ROLES.items()} | {"查询": "reader", "培训": "reader"}
    out: list[str] = []
    bad: list[str] = []
    for raw in items:
        item = raw.strip()
        if not item:
            continue
        code = item if item in ROLES else by_label.get(item)
        if code is None:
            bad.append(item)
        elif code not in out:
            out.append(code)
    if bad:
        raise ValueError(f"未知的角色“{'、'.join(bad)}”，可选：" + "、".join(f"{k}（{v}）" for k, v in ROLES.items()))
    return out


def labels(codes: list[str] | frozenset[str]) -> str:
    return "、".join(ROLES.get(c, c) for c in sorted(codes, key=lambda c: list(ROLES).index(c) if c in ROLES else 99))
