"""Fixtures for the browser tests: a live server on a free port, headless Debian chromium.

The server is the real app on uvicorn, in a thread of the test process.  The browser is
``/usr/bin/chromium`` driven by Playwright; no browser build is ever downloaded.  Without
chromium the browser tests are skipped, except under ``CI``, where they fail instead (``make
test`` installs chromium).  Screenshots go to ``test-artifacts/`` at the repository root (git
ignores it).  ``open_page(size)`` opens a page at one of ``SIZES`` (a laptop, 1366×900, and a
phone, 390×844); every page shares the one browser of the session.  ``axe(page)`` runs
axe-core in a page and gives its serious and critical violations.
"""

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

__all__: list[str] = []

SIZES = {"laptop": {"viewport": {"width": 1366, "height": 900}},
         "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True,
                   "has_touch": True, "device_scale_factor": 2}}

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def _chromium() -> str | None:
    for path in ("/usr/bin/chromium", shutil.which("chromium")):
        if path and os.access(path, os.X_OK):
            return path
    return None


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"browser tests must run under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def live_server():
    import uvicorn

    from matdiff.web.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(budget=20.0, workers=2),
                                           log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the web server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(30)
    sock.close()


@pytest.fixture(scope="session")
def browser():
    path = _chromium()
    if path is None:
        _unavailable("Debian's chromium is not installed at /usr/bin/chromium "
                     "(`make test` installs it with apt-get)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


USER_ERROR = "Failed to load resource: the server responded with a status of 400 "


def _watched(context):
    """A page of ``context`` whose ``problems`` collect script errors and console errors (a
    400 answer is not one: the API answers a user's mistake so, and the page shows it)."""
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []

    def console(message) -> None:
        if message.type == "error" and not message.text.startswith(USER_ERROR):
            problems.append(message.text)

    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    page.on("console", console)
    page.problems = problems
    return page


@pytest.fixture
def page(browser):
    """A laptop-sized page that fails the test on any script error or failed request."""
    context = browser.new_context(**SIZES["laptop"])
    yield _watched(context)
    context.close()


@pytest.fixture
def open_page(browser):
    """``open_page(size, **context_options)``: a watched page at ``SIZES[size]``."""
    contexts = []

    def open_(size: str, **options):
        contexts.append(browser.new_context(**SIZES[size], **options))
        return _watched(contexts[-1])

    yield open_
    for context in contexts:
        context.close()


def _axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """axe-core's violations on ``page`` of the given impacts, as ``{"id", "impact", "help",
    "nodes"}``.  axe comes from the ``axe-playwright-python`` package (its bundled
    ``axe.min.js``), injected into the page; nothing is fetched at test time."""
    from importlib import resources

    try:
        script = resources.files("axe_playwright_python").joinpath("axe.min.js").read_text()
    except ModuleNotFoundError:
        _unavailable("axe-playwright-python is not installed (pip install -e '.[test]')")
    page.evaluate(script)
    found = page.evaluate("async () => (await axe.run(document, "
                          "{resultTypes: ['violations']})).violations")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]]}
            for v in found if v["impact"] in impacts]


@pytest.fixture
def axe():
    """``axe(page)``: the serious and critical accessibility violations axe-core finds."""
    return _axe_violations
