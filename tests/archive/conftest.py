"""Archive fixtures: a stand-in for LibreOffice, and an archived workspace built once per session and
copied for each test that changes it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archive.helpers import ARCHIVED_AT, Archived, closed_direct_case, fake_soffice_script


@pytest.fixture(scope="session")
def soffice_stub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fake_soffice_script(tmp_path_factory.mktemp("fake-soffice"))


@pytest.fixture
def fake_soffice(soffice_stub: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CASEFILE_SOFFICE", str(soffice_stub))
    return soffice_stub


# -- an archived workspace, built once ---------------------------------------------------------------------------
@pytest.fixture(scope="session")
def archived_template(tmp_path_factory: pytest.TempPathFactory, soffice_stub: Path) -> tuple[Path, str]:
    from casefile.archive import archive_case
    from testkit import init_test_workspace as init_workspace

    root = tmp_path_factory.mktemp("archived") / "ws"
    ws = init_workspace(root, "pianguan")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CASEFILE_SOFFICE", str(soffice_stub))
        cid = closed_direct_case(ws)
        archive_case(ws, cid, ARCHIVED_AT, "档案员")
    return root, cid


@pytest.fixture
def archived(archived_template: tuple[Path, str], tmp_path: Path, fake_soffice: Path) -> Archived:
    from casefile.config import find_workspace
    from casefile.store import Dossier

    src, cid = archived_template
    dst = tmp_path / "ws"
    shutil.copytree(src, dst, symlinks=True)
    ws = find_workspace(dst)
    case = Dossier(ws, cid).load()
    assert case.archive is not None
    return Archived(ws, cid, Dossier(ws, cid).path, case.archive.dang_hao)


