"""Shared fixtures: one real build of the site per test session, a local HTTP server over it, and Chromium set-up."""

from __future__ import annotations

import functools
import http.server
import pathlib
import threading

import pytest
from bs4 import BeautifulSoup

ROOT = pathlib.Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"


def build_into(output: pathlib.Path, settings: str = "pelicanconf.py", overrides: dict | None = None):
    from buildtools.build import build_site

    result = build_site(str(ROOT / settings), str(output), overrides)
    assert result.ok, "\n".join(result.problems)
    return output


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> pathlib.Path:
    """The real site, built once from content/ with pelicanconf.py."""
    return build_into(tmp_path_factory.mktemp("site") / "output")


def parse(path: pathlib.Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="session")
def page(site):
    """page("news/2020/07/lottery-jackpot/") -> BeautifulSoup of that page's index.html."""

    def load(url: str) -> BeautifulSoup:
        path = site / url
        if url.endswith("/") or url == "":
            path = path / "index.html"
        return parse(path)

    return load


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_url(site):
    """The built site served on 127.0.0.1 for browser tests."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded browser, with flags this closed network needs."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-gpu",
            "--no-first-run",
            "--disable-sync",
        ],
    }


@pytest.fixture
def browser_page(context):
    """A Playwright page. (The name `page` is taken by the BeautifulSoup loader above, which
    overrides pytest-playwright's fixture of the same name.)"""
    browser_page = context.new_page()
    yield browser_page
    # A route handler still fetching (a favicon requested late) when the page closes raised
    # TargetClosedError in the next test's set-up; Playwright's advice is to drop routes first.
    browser_page.unroute_all(behavior="ignoreErrors")
    browser_page.close()


@pytest.fixture
def screenshot(request):
    """screenshot(page, "name") saves a full-page PNG under test-artifacts/ for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(browser_page, name: str):
        path = ARTIFACTS / f"{name}.png"
        browser_page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def phone(browser_page):
    """The Playwright page at a 375 px phone width."""
    from browser_checks import PHONE

    browser_page.set_viewport_size(PHONE)
    return browser_page
