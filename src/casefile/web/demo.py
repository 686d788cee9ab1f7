"""Demo accounts for the demo workspace: one per role of the lead office and one contact per
co-handling department, all with the same printed password (a demo, not an office)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casefile.config import Workspace

DEMO_PASSWORD = "Casefile#Demo2026"

# login, name, department code, roles — the lead office (县税务局) has every role
LEAD_OFFICE = [
    ("zhanglei", "张磊", "SW", "officer"),
    ("wangxiaomei", "王晓梅", "SW", "officer,head"),
    ("liufang", "刘芳", "SW", "archivist"),
    ("chenjing", "陈静", "SW", "reader"),
    ("admin", "系统管理员", "SW", "admin"),
    ("zhouhead", "周负责", "SW", "head"),
]

PINYIN = {"RSJ": "renshe", "YBJ": "yibao", "SFJ": "sifa", "CZJ": "caizheng", "SPJ": "shenpi", "XFJ": "xinfang",
          "WXB": "wangxin", "ZFW": "zhengfa", "GAJ": "gongan", "FY": "fayuan", "GH": "gonghui", "JW": "jiwei",
          "ZZZX": "zongzhi", "ZFB": "zhengfuban", "XZ": "xiangzhen"}


def create_demo_accounts(ws: Workspace) -> list[tuple[str, str, str, str]]:
    """Make the accounts that do not exist yet; returns (login, name, department, roles) of all."""
    from casefile.web import accounts
    from casefile.web.models import Account
    from casefile.web.roles import labels

    rows = list(LEAD_OFFICE)
    for d in ws.raw.get("departments", []):
        code = str(d.get("code"))
        if code == "SW":
            continue
        rows.append((f"{PINYIN.get(code, code.lower())}", f"{d.get('name')}联络员", code, "liaison"))
    out = []
    for login, name, dept, roles in rows:
        if not Account.objects.filter(username=login).exists():
            accounts.add(ws, login, name, dept, roles, DEMO_PASSWORD, must_change=False)
        out.append((login, name, ws.dept_name(dept), labels(roles.split(","))))
    return out
