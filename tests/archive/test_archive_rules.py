"""Pure archival rules and fixity: 档号, retention, destruction dates, manifests, SM3."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from casefile.archive.fixity import (
    _GmsslSM3,
    format_manifest,
    hash_file,
    parse_manifest,
    path_is_dangerous,
    safe_member_name,
    sm3_bytes,
)
from casefile.archive.rules import DangHao, decide_retention, purge_allowed_from, retention_ends
from casefile.models.enums import Retention
from casefile.settings import ArchiveCfg, parse_settings

DEFAULT_RULES = [(r.when, r.retention) for r in ArchiveCfg().retention_rules]


def test_dang_hao_format_and_parse() -> None:
    dh = DangHao("J001", 2026, Retention.D30, "SBZY", 12)
    assert str(dh) == "J001-WS·2026-D30-SBZY-0012"
    assert DangHao.parse("J001-WS·2026-D30-SBZY-0012") == dh
    assert str(DangHao("J001", 2026, Retention.PERMANENT, "SBZY", 1)) == "J001-WS·2026-Y-SBZY-0001"
    for bad in ("J001-WS-2026-D30-SBZY-0012", "J01-WS·2026-D30-SBZY-0012", "J001-WS·2026-D20-SBZY-0012"):
        with pytest.raises(ValueError):
            DangHao.parse(bad)
    with pytest.raises(ValueError):
        DangHao("J001", 2026, Retention.D10, "SBZY", 0)


@pytest.mark.parametrize(("traits", "expected"), [
    ({"any", "special"}, Retention.PERMANENT),
    ({"any", "litigated", "joint"}, Retention.PERMANENT),
    ({"any", "review"}, Retention.PERMANENT),
    ({"any", "typical", "direct"}, Retention.PERMANENT),
    ({"any", "joint"}, Retention.D30),
    ({"any", "enforcement", "direct"}, Retention.D30),
    ({"any", "direct"}, Retention.D10),
    ({"any", "redirected"}, Retention.D10),
    ({"any", "referred"}, Retention.D10),  # no rule: the default
])
def test_default_retention_table(traits: set[str], expected: Retention) -> None:
    assert decide_retention(traits, DEFAULT_RULES, "D10").retention is expected


def test_retention_rules_come_from_casefile_toml(ws) -> None:  # type: ignore[no-untyped-def]
    import tomllib

    data = tomllib.loads(ws.config_path.read_text(encoding="utf-8"))
    data["archive"]["retention_rules"] = [{"when": "enforcement", "retention": "Y"}, {"when": "any", "retention": "D30"}]
    data["archive"]["default_retention"] = "D10"
    settings = parse_settings(data, "casefile.toml")
    rules = [(r.when, r.retention) for r in settings.archive.retention_rules]
    assert decide_retention({"any", "enforcement"}, rules, "D10").retention is Retention.PERMANENT
    assert decide_retention({"any", "direct"}, rules, "D10").retention is Retention.D30
    data["archive"]["retention_rules"] = [{"when": "nonsense", "retention": "Y"}]
    from casefile.errors import ConfigError

    with pytest.raises(ConfigError, match="retention_rules"):
        parse_settings(data, "casefile.toml")


def test_retention_periods_count_from_the_end_of_the_year() -> None:
    assert retention_ends(2026, Retention.D10) == date(2036, 12, 31)
    assert purge_allowed_from(2026, Retention.D10) == date(2037, 1, 1)
    assert purge_allowed_from(2026, Retention.D30) == date(2057, 1, 1)
    assert purge_allowed_from(2026, Retention.PERMANENT) is None


# -- fixity --------------------------------------------------------------------------------------------------
def test_sm3_known_vector_and_fallback(tmp_path: Path) -> None:
    # GB/T 32905-2016 Appendix A example 1
    want = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert sm3_bytes(b"abc") == want
    g = _GmsslSM3()
    g.update(b"a")
    g.update(memoryview(b"bc"))
    assert g.hexdigest() == want
    f = tmp_path / "x.bin"
    f.write_bytes(b"abc" * 100000)
    got = hash_file(f)
    assert got["sha256"] == hashlib.sha256(b"abc" * 100000).hexdigest()
    assert got["sm3"] == sm3_bytes(b"abc" * 100000)


def test_manifest_is_checked_by_sha256sum(tmp_path: Path) -> None:
    if shutil.which("sha256sum") is None:
        pytest.skip("没有 sha256sum")
    (tmp_path / "data" / "文书").mkdir(parents=True)
    files = {"data/文书/受理登记表 1.docx": b"one", "data/b.pdf": b"two"}
    for rel, data in files.items():
        (tmp_path / rel).write_bytes(data)
    body = format_manifest({rel: hashlib.sha256(d).hexdigest() for rel, d in files.items()})
    (tmp_path / "manifest-sha256.txt").write_bytes(body)
    p = subprocess.run(["sha256sum", "-c", "manifest-sha256.txt"], cwd=tmp_path, capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    assert parse_manifest(body, "sha256").entries == {rel: hashlib.sha256(d).hexdigest() for rel, d in files.items()}


@pytest.mark.parametrize("rel", ["../x", "data/../../etc/passwd", "/etc/passwd", "~/.bashrc", "C:/x", "data//x",
                                 "data\\x", "data/./x", ""])
def test_dangerous_manifest_paths(rel: str) -> None:
    assert path_is_dangerous(rel)
    digest = "0" * 64
    m = parse_manifest(f"{digest}  {rel}\n{digest}  data/ok.txt\n".encode(), "sha256")
    assert list(m.entries) == ["data/ok.txt"]
    if rel:
        assert [p.kind for p in m.problems] == ["dangerous"]


def test_malformed_manifest_lines_are_collected() -> None:
    m = parse_manifest(b"xyz  data/a\n" + b"0" * 64 + b"\n" + b"0" * 64 + b"  data/a\n" + b"0" * 64 + b"  data/a\n",
                       "sha256")
    assert [p.kind for p in m.problems] == ["malformed", "malformed", "duplicate"]
    assert list(m.entries) == ["data/a"]


def test_safe_member_names() -> None:
    assert safe_member_name("100%.pdf") == "100％.pdf"
    assert safe_member_name("a\nb\\c.pdf") == "a_b＼c.pdf"
    assert safe_member_name("证据 1.pdf") == "证据 1.pdf"
    with pytest.raises(ValueError):
        format_manifest({"data/100%.pdf": "0" * 64})
