"""PDF through headless LibreOffice.

Each call runs its own ``soffice`` with a private profile directory (two conversions at once
would otherwise fight over one profile lock and the second would silently do nothing), in its own
process group so that a timeout kills soffice.bin and oosplash together and nothing is left
behind. The PDF is produced in a private folder and moved into place only when complete.

Every PDF is PDF/A-2b (fonts embedded, sRGB output intent, XMP), set in the faces that
``casefile/data/fonts.conf`` maps the templates' official font names to; before LibreOffice starts,
:func:`casefile.documents.fonts.require_faces` refuses if one of those faces is missing. Inside a
:func:`casefile.documents.office.warm_office` block the conversions go to one running LibreOffice.

casefile's templates reach 28 characters a line on a line grid with condensed text. A .docx from
elsewhere whose grid has a negative ``w:charSpace`` (Word's way of storing 28 characters a line) is
converted from a private copy with ``charSpace="0"``: LibreOffice 7.4 gives each character one or two
grid cells, so a line of body text holds 1 or 14 characters (see ``libreoffice_copy``). The source file
is never changed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from casefile.documents.fonts import require_faces, soffice_env
from casefile.documents.office import SOFFICE_VAR, find_soffice
from casefile.errors import ExternalToolError, StorageError

__all__ = ["SOFFICE_VAR", "convert_many", "convert_to_pdf", "find_soffice", "libreoffice_copy"]

DEFAULT_TIMEOUT = 120.0
#: PDF/A-2b through the command line (JSON filter options, LibreOffice ≥ 7.4)
PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
#: ``w:charSpace`` of a ``w:docGrid`` (the only element that carries it), when negative
_NEGATIVE_CHAR_SPACE = re.compile(rb'(<w:docGrid\b[^>]*?\bw:charSpace=")-\d+(")')


def convert_to_pdf(docx: Path, out_dir: Path, timeout: float = DEFAULT_TIMEOUT) -> Path:
    """Convert one .docx; returns ``out_dir/<stem>.pdf``. Raises ExternalToolError."""
    return convert_many([docx], out_dir, timeout)[0]


def libreoffice_copy(docx: Path, out: Path) -> bool:
    """Write to ``out`` the copy of ``docx`` that LibreOffice lays out as Word does; False if none is needed.

    LibreOffice up to 7.5 mis-renders a negative ``w:charSpace`` (each 16 pt character takes two
    15.79 pt grid cells, so a line holds 14 characters); later versions clamp the grid adjustment to 0.
    Word and WPS need the negative value for 28 characters per line, so the templates keep it and only
    the copy handed to ``soffice`` gets ``charSpace="0"`` (LibreOffice then uses the line grid alone).
    Returns False, writing nothing, for a document without a negative grid and for a file that is not
    a .docx package (LibreOffice reports on that one itself).
    """
    try:
        with zipfile.ZipFile(docx) as zin:
            xml = zin.read("word/document.xml")
            fixed = _NEGATIVE_CHAR_SPACE.sub(rb"\g<1>0\g<2>", xml)
            if fixed == xml:
                return False
            try:
                with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
                    for info in zin.infolist():
                        data = fixed if info.filename == "word/document.xml" else zin.read(info.filename)
                        zout.writestr(info, data)
            except BaseException:
                out.unlink(missing_ok=True)
                raise
    except (zipfile.BadZipFile, KeyError, zlib.error):
        return False
    return True


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


# Below this much free space a failed conversion is the disk's fault, not LibreOffice's: its profile and
# output alone take several megabytes.
LOW_SPACE = 32 << 20


def convert_many(docxs: Sequence[Path], out_dir: Path, timeout: float = DEFAULT_TIMEOUT) -> list[Path]:
    """Convert several .docx files with one LibreOffice start (it takes seconds to start). A full or
    read-only disk is reported as such (StorageError), not as a LibreOffice failure."""
    try:
        return _convert_many(docxs, out_dir, timeout)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
            raise _disk_problem(out_dir, exc.errno) from None
        raise
    except ExternalToolError:
        if _low_space(out_dir):
            raise _disk_problem(out_dir, errno.ENOSPC) from None
        raise


def _low_space(out_dir: Path) -> bool:
    probe = next((p for p in (out_dir, *out_dir.parents) if p.exists()), None)
    if probe is None:
        return False
    try:
        return shutil.disk_usage(probe).free < LOW_SPACE
    except OSError:
        return False


def _disk_problem(out_dir: Path, code: int) -> StorageError:
    if code == errno.EROFS:
        return StorageError(f"{out_dir.parent} 所在磁盘为只读，无法生成 PDF；原有记录未受影响。")
    return StorageError("磁盘空间不足，无法生成 PDF（LibreOffice 需要几十 MB 的临时空间）；原有记录未受影响，"
                        "请清理空间后重试。")


def _convert_many(docxs: Sequence[Path], out_dir: Path, timeout: float) -> list[Path]:
    if not docxs:
        return []
    stems = [p.stem for p in docxs]
    if len(set(stems)) != len(stems):
        raise ExternalToolError("同一批转换的文件名重复，PDF 会互相覆盖。")
    for p in docxs:
        if not p.is_file():
            raise ExternalToolError(f"要转换的文件不存在：{p}。")
    exe = find_soffice()
    if exe is None:
        raise ExternalToolError(
            f"未找到 LibreOffice（soffice），无法生成 PDF。请安装 LibreOffice（如 apt-get install "
            f"libreoffice-writer fonts-wqy-zenhei），或用环境变量 {SOFFICE_VAR} 指定 soffice 的路径。"
        )
    require_faces()
    from casefile.documents.office import current_office

    office = current_office()
    if office is not None:
        return _convert_warm(office, docxs, out_dir, timeout)
    names = "、".join(p.name for p in docxs[:3]) + ("等" if len(docxs) > 3 else "")
    # beside out_dir, which callers take from store.scratch_dir: a killed conversion leaves nothing in /tmp
    profile = Path(tempfile.mkdtemp(prefix="casefile-lo-profile-", dir=out_dir.parent))
    work = Path(tempfile.mkdtemp(prefix="casefile-lo-out-", dir=out_dir.parent))
    try:
        staged = work / "src"
        staged.mkdir()
        sources = [staged / p.name if libreoffice_copy(p, staged / p.name) else p.resolve() for p in docxs]
        cmd = [
            exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--nologo",
            "--norestore", "--nodefault", "--nolockcheck", "--convert-to", PDFA_FILTER,
            "--outdir", str(work), *(str(p) for p in sources),
        ]
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    start_new_session=True, env={**soffice_env(), "HOME": str(profile)})
        except OSError as exc:
            raise ExternalToolError(f"无法启动 LibreOffice（{exe}）：{exc.strerror}。") from None
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            proc.communicate()  # reap, so no zombie is left
            raise ExternalToolError(
                f"LibreOffice 转换 {names} 超过{timeout:g}秒未完成，已终止。请稍后重试，或检查文件是否过大。"
            ) from None
        finally:
            # oosplash may exit before soffice.bin; whatever is left of the group goes now.
            _kill_group(proc)
        detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] if err else []
        why = f"（退出码 {proc.returncode}）" + (f"（{detail[0]}）" if detail else "")
        return _collect(docxs, work, out_dir, why)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def _collect(docxs: Sequence[Path], work: Path, out_dir: Path, why: str) -> list[Path]:
    """Move the PDFs made in ``work`` into ``out_dir`` (each atomically); refuse if one is missing."""
    out: list[Path] = []
    out_dir.mkdir(parents=True, exist_ok=True)
    for p in docxs:
        made = work / f"{p.stem}.pdf"
        if not made.is_file() or made.stat().st_size == 0 or made.read_bytes()[:5] != b"%PDF-":
            raise ExternalToolError(f"LibreOffice 未能把 {p.name} 转换为 PDF{why}。")
        target = out_dir / made.name
        tmp = target.with_name(f".{target.name}.tmp")
        shutil.copyfile(made, tmp)
        os.replace(tmp, target)
        out.append(target)
    return out


def _convert_warm(office: Any, docxs: Sequence[Path], out_dir: Path, timeout: float) -> list[Path]:
    work = Path(tempfile.mkdtemp(prefix="casefile-lo-out-", dir=out_dir.parent))
    try:
        staged = work / "src"
        staged.mkdir()
        for p in docxs:
            src = staged / p.name if libreoffice_copy(p, staged / p.name) else p.resolve()
            office.convert(src, work / f"{p.stem}.pdf", timeout)
        return _collect(docxs, work, out_dir, "")
    finally:
        shutil.rmtree(work, ignore_errors=True)
