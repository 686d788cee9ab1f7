"""A LibreOffice kept warm for a batch of conversions (run by a Python that has ``uno``, not imported).

``python3 unoworker.py SOFFICE PROFILE_URL PIPE`` starts ``SOFFICE`` headless with a UNO listener on a
named pipe, connects, then reads one JSON request a line on stdin (``{"src": …, "out": …}``), converts
the .docx to PDF/A-2b through the ``writer_pdf_Export`` filter and answers one JSON line on stdout
(``{"ok": true}`` or ``{"ok": false, "error": …, "dead": bool}``). ``dead`` says LibreOffice itself is
gone: the parent (casefile.documents.office) then starts a new worker. On end of input it closes
LibreOffice and exits. Only the standard library and ``uno``: Debian's python3-uno is built for the
system Python, which is not the one casefile runs in.
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time


def main() -> int:
    import uno
    from com.sun.star.beans import PropertyValue

    soffice, profile_url, pipe = sys.argv[1:4]
    proc = subprocess.Popen(
        [soffice, f"-env:UserInstallation={profile_url}", "--headless", "--invisible", "--nologo", "--norestore",
         "--nodefault", "--nolockcheck", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def props(**kw: object) -> tuple:
        out = []
        for k, v in kw.items():
            p = PropertyValue()
            p.Name, p.Value = k, v
            out.append(p)
        return tuple(out)

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    ctx = None
    deadline = time.monotonic() + 60
    while ctx is None:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:
            if proc.poll() is not None or time.monotonic() > deadline:
                print(json.dumps({"ok": False, "error": "LibreOffice 未能启动", "dead": True}), flush=True)
                return 3
            time.sleep(0.1)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    print(json.dumps({"ok": True, "ready": True, "pid": proc.pid}), flush=True)
    pdfa = uno.Any("[]com.sun.star.beans.PropertyValue", props(SelectPdfVersion=2, UseTaggedPDF=False))
    for line in sys.stdin:
        req = json.loads(line)
        doc = None
        try:
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(req["src"]), "_blank", 0,
                                               props(Hidden=True, ReadOnly=True))
            if doc is None:
                raise RuntimeError("LibreOffice 无法打开该文件")
            args = props(FilterName="writer_pdf_Export", Overwrite=True)
            filter_data = PropertyValue()
            filter_data.Name, filter_data.Value = "FilterData", pdfa
            uno.invoke(doc, "storeToURL", (uno.systemPathToFileUrl(req["out"]), (*args, filter_data)))
            answer: dict[str, object] = {"ok": True}
        except Exception as exc:  # report and go on; a dead office is told apart below
            dead = proc.poll() is not None or type(exc).__name__ == "DisposedException" or not _alive(desktop)
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}", "dead": dead}
        finally:
            if doc is not None:
                with contextlib.suppress(Exception):
                    doc.close(True)
        print(json.dumps(answer), flush=True)
        if answer.get("dead"):
            break
    with contextlib.suppress(Exception):
        desktop.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return 0


def _alive(desktop: object) -> bool:
    try:
        desktop.getComponents()  # type: ignore[attr-defined]
    except Exception:
        return False
    return True


if __name__ == "__main__":
    raise SystemExit(main())
