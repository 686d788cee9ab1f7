"""``casefile serve``: waitress serving the Django app, with the drop-folder watcher beside it.

The watcher runs as a thread of the same process (its parsing already happens in isolated worker
processes). If the watcher stops with an error, the supervisor logs it and starts it again after a
pause that doubles up to five minutes; pages keep being served meanwhile. If the server process dies,
the watcher dies with it (nothing is orphaned); files left in the inbox are picked up at the next
start, and a file interrupted mid-ingest is finished or rolled back by the pipeline's own recovery.
If another ``casefile watch`` already holds the inbox, the server leaves the inbox to it and checks
again later.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from casefile.config import Workspace

log = logging.getLogger("casefile.web")


def make_app(ws: Workspace, *, extra_hosts: tuple[str, ...] = (), database_url: str | None = None) -> Any:
    from casefile.web.config import configure

    configure(ws, extra_hosts=extra_hosts, database_url=database_url)
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


class WatcherSupervisor:
    def __init__(self, ws: Workspace, clock: Callable[[], Any], say: Callable[[str], None], *,
                 first_pause: float = 5.0) -> None:
        self.ws, self.clock, self.say = ws, clock, say
        self.first_pause = first_pause  # seconds before the first restart; doubles up to five minutes
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="casefile-watcher", daemon=True)
        self.restarts = 0
        self._watcher: Any = None

    def start(self) -> None:
        self.thread.start()

    def shutdown(self) -> None:
        self.stop.set()
        if self._watcher is not None:
            self._watcher.wake()
        self.thread.join(timeout=30)

    def _run(self) -> None:
        from casefile.evidence.watcher import Watcher, WatcherBusy

        pause = self.first_pause
        while not self.stop.is_set():
            try:
                self._watcher = Watcher(self.ws, actor="收件目录监视", clock=self.clock)
                self._watcher.run_forever(self.stop)
                return
            except WatcherBusy as exc:
                self.say(f"收件目录由另一个监视进程处理：{exc.message}（稍后再检查）")
            except Exception as exc:  # the watcher must never take the pages down with it
                self.restarts += 1
                log.exception("watcher stopped")
                self.say(f"收件目录监视出错停止（{type(exc).__name__}: {exc}），{int(pause)}秒后重新启动。")
            self.stop.wait(pause)
            pause = min(pause * 2, 300.0)


def _warm_search(ws: Workspace) -> None:
    """Bring the search index up to date at start, so the first search of the day is not the one
    that waits for it."""
    try:
        from casefile import search

        search.update(ws)
    except Exception:  # a damaged index is rebuilt by the first search, which reports it
        log.warning("search index warm-up failed", exc_info=True)


def serve(ws: Workspace, *, host: str, port: int, watcher: bool, threads: int = 8,
          say: Callable[[str], None] = print) -> None:
    import waitress

    from casefile import clock

    app = make_app(ws, extra_hosts=(host,) if host not in ("0.0.0.0", "::") else ())
    pinned_ok = clock.pinning_allowed(ws.raw)
    supervisor = WatcherSupervisor(ws, lambda: clock.now(pinned_ok=pinned_ok), say) if watcher else None
    threading.Thread(target=_warm_search, args=(ws,), name="casefile-search-warm", daemon=True).start()
    if supervisor is not None:
        supervisor.start()
    server = waitress.create_server(app, host=host, port=port, threads=threads, ident="casefile",
                                    max_request_body_size=(ws.settings.web.max_upload_mb + 8) * 1024 * 1024,
                                    clear_untrusted_proxy_headers=True, channel_timeout=120)

    def _stop(_sig: int, _frame: Any) -> None:
        server.close()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    say(f"casefile 网页端已启动：http://{host}:{port}/（工作区 {ws.root}；"
        f"{'收件目录监视已随服务运行' if watcher else '收件目录监视未启动'}；按 Ctrl+C 停止）")
    try:
        server.run()
    except OSError:
        pass  # closed by the signal handler
    finally:
        if supervisor is not None:
            supervisor.shutdown()
        say("casefile 网页端已停止。")
