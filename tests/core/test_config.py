"""casefile.toml: defaults load, errors name file, key path and problem; workspace discovery order."""

from __future__ import annotations

from pathlib import Path

import pytest

from casefile.config import find_workspace, load_settings
from casefile.errors import ConfigError, WorkspaceNotFound
from casefile.workspace import init_workspace


def test_both_profiles_load(tmp_path: Path) -> None:
    for profile in ("pianguan", "naiman"):
        ws = init_workspace(tmp_path / profile, profile)
        assert ws.settings.profile == profile
        assert ws.settings.limit("triage").n == 1
        for name in ("archive", "inbox", "indexes", "templates"):
            assert (ws.root / name).is_dir()


def test_wrong_type_is_reported_with_key_path(ws) -> None:  # type: ignore[no-untyped-def]
    cfg = ws.config_path
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("triage = { n = 1,", 'triage = { n = "一天",'),
                   encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_settings(cfg)
    assert "casefile.toml" in exc.value.message
    assert "time_limits.triage.n" in exc.value.message
    assert "整数" in exc.value.message


def test_invalid_toml_syntax(ws) -> None:  # type: ignore[no-untyped-def]
    ws.config_path.write_text("[office\nname=", encoding="utf-8")
    with pytest.raises(ConfigError, match="不是有效的 TOML"):
        load_settings(ws.config_path)


def test_unknown_time_limit_step(ws) -> None:  # type: ignore[no-untyped-def]
    text = ws.config_path.read_text(encoding="utf-8").replace("[time_limits]", "[time_limits]\nlunch = { n = 1 }")
    ws.config_path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="lunch"):
        load_settings(ws.config_path)


def test_discovery_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = init_workspace(tmp_path / "a")
    b = init_workspace(tmp_path / "b")
    c = init_workspace(tmp_path / "c")
    monkeypatch.setenv("CASEFILE_HOME", str(b.root))
    assert find_workspace(str(a.root), cwd=c.root).root == a.root
    assert find_workspace(None, cwd=c.root).root == b.root
    monkeypatch.delenv("CASEFILE_HOME")
    assert find_workspace(None, cwd=c.root).root == c.root
    with pytest.raises(WorkspaceNotFound, match="casefile init"):
        find_workspace(None, cwd=tmp_path)


def test_init_refuses_to_overwrite(ws) -> None:  # type: ignore[no-untyped-def]
    from casefile.errors import CasefileError

    with pytest.raises(CasefileError, match="--force"):
        init_workspace(ws.root)
