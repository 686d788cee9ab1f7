from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from testkit import NOW
from web.webkit import PASSWORD, Site, make_site

pytest.importorskip("django")

_site: list[Site] = []


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    if not _site:
        _site.append(make_site(tmp_path_factory.mktemp("web") / "ws"))
    return _site[0]


@pytest.fixture(autouse=True)
def _web_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEFILE_NOW", NOW.isoformat())


@pytest.fixture(autouse=True)
def _unlocked(site: Site) -> Iterator[None]:
    yield
    from axes.utils import reset

    reset()


@pytest.fixture
def ws(site: Site) -> Any:
    return site.ws


def login_client(username: str, *, enforce_csrf: bool = False) -> Any:
    from django.test import Client

    c = Client(enforce_csrf_checks=enforce_csrf, REMOTE_ADDR="10.0.0.7")
    c.get("/login/")
    r = c.post("/login/", {"username": username, "password": PASSWORD,
                           "csrfmiddlewaretoken": c.cookies["csrftoken"].value})
    assert r.status_code == 302, (username, r.status_code, r.content.decode()[:500])
    return c


@pytest.fixture
def as_user() -> Any:
    return login_client


def _use_engine(ws: Any, name: str) -> None:
    """Set ``[search] engine`` in the site's casefile.toml and let the same Workspace object re-read it
    (the pages hold that object); the index is rebuilt on the engine's first search."""
    import re

    text = ws.config_path.read_text(encoding="utf-8")
    new = re.sub(r'(?ms)^(\[search\]\s*\nengine = )"\w+"', rf'\1"{name}"', text, count=1)
    assert f'engine = "{name}"' in new, "casefile.toml has no [search] engine line"
    if new != text:
        ws.config_path.write_text(new, encoding="utf-8")
    ws.__dict__.pop("raw", None)  # Workspace caches the parsed file (cached_property)
    ws.__dict__.pop("settings", None)


@pytest.fixture(params=["tantivy", "whoosh"])
def search_engine(request: pytest.FixtureRequest, site: Site) -> Iterator[str]:
    """The search pages on each engine a workspace may choose: tantivy (the default) and whoosh."""
    _use_engine(site.ws, request.param)
    try:
        yield request.param
    finally:
        _use_engine(site.ws, "tantivy")
