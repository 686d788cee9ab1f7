"""The watcher beside ``casefile serve``: a crash inside its loop is restarted by the supervisor, files
dropped afterwards are filed, and the pages keep being served meanwhile (a real waitress server, the
real watcher; only its scan is made to raise once)."""

from __future__ import annotations

import http.client
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from testkit import NOW, text_pdf
from web.conftest import login_client
from web.webkit import joint_case


def _get(port: int, path: str, session: str) -> int:
    from django.conf import settings

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": "testserver", "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"})
        r = conn.getresponse()
        r.read()
        return r.status
    finally:
        conn.close()


@pytest.fixture
def fast_ws(site: Any) -> Iterator[Any]:
    """The watcher takes a file after 0.2 s at rest and rescans every second (settings it reads from
    casefile.toml itself); the file is put back afterwards."""
    from casefile.config import find_workspace

    ws = site.ws
    text = ws.config_path.read_text(encoding="utf-8")
    fast = re.sub(r"(?m)^stability_seconds = .*$", "stability_seconds = 0.2", text)
    fast = re.sub(r"(?m)^rescan_seconds = .*$", "rescan_seconds = 1.0", fast)
    assert fast != text
    ws.config_path.write_text(fast, encoding="utf-8")
    try:
        yield find_workspace(ws.root)
    finally:
        ws.config_path.write_text(text, encoding="utf-8")


def _wait(what: str, done: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.slow  # a real server and watcher with their restart pause: the full run, not the inner loop
def test_a_crashed_watcher_is_restarted_files_are_filed_and_pages_keep_serving(
        fast_ws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import waitress
    from django.core.wsgi import get_wsgi_application

    from casefile.evidence.watcher import Watcher
    from casefile.store import Dossier
    from casefile.web.server import WatcherSupervisor

    ws = fast_ws
    case_id = joint_case(ws)
    from django.conf import settings

    session = login_client("zhanglei").cookies[settings.SESSION_COOKIE_NAME].value

    real_scan = Watcher._scan
    scans: list[int] = []
    crashed = threading.Event()

    def scan_that_fails_once(self: Watcher) -> None:
        scans.append(id(self))
        if len(scans) == 1:
            crashed.set()
            raise RuntimeError("磁盘控制器复位")  # a real exception, raised inside the watcher's loop
        real_scan(self)

    monkeypatch.setattr(Watcher, "_scan", scan_that_fails_once)
    said: list[str] = []
    server = waitress.create_server(get_wsgi_application(), host="127.0.0.1", port=0, threads=4)
    port = server.socket.getsockname()[1]  # type: ignore[union-attr]
    serving = threading.Thread(target=server.run, daemon=True)
    serving.start()
    supervisor = WatcherSupervisor(ws, lambda: NOW, said.append, first_pause=4.0)
    supervisor.start()
    try:
        assert crashed.wait(60)
        _wait("the supervisor to note the crash", lambda: supervisor.restarts == 1)
        # the watcher is down (its restart is 4 s away): the pages answer all the same
        down_at = len(scans)
        for path in ("/", "/due/", "/cases/", f"/cases/{case_id}/", "/healthz"):
            assert _get(port, path, session) == 200, path
        assert len(scans) == down_at == 1, "the pages were checked while the watcher was down"
        assert any("收件目录监视出错停止" in m and "RuntimeError" in m and "4秒后重新启动" in m for m in said), said
        _wait("the restarted watcher's first scan", lambda: len(scans) >= 2)
        assert len(set(scans)) == 2  # a new Watcher, not the crashed one
        drop: Path = ws.inbox_dir / case_id / "工资条.pdf"
        drop.parent.mkdir(parents=True, exist_ok=True)
        data = text_pdf(1, tag="supervisor")
        drop.write_bytes(data)
        _wait("the dropped file to be filed", lambda: not drop.exists() and Dossier(ws, case_id).load().evidence)
        evidence = Dossier(ws, case_id).load().evidence
        assert [e.original_name for e in evidence] == ["工资条.pdf"]
        assert supervisor.thread.is_alive() and supervisor.restarts == 1
        assert _get(port, f"/cases/{case_id}/", session) == 200
    finally:
        supervisor.shutdown()
        server.close()
        serving.join(10)
    assert not supervisor.thread.is_alive()
