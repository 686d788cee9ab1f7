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
