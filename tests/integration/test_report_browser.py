"""The HTML report in a real browser: headless Chromium (Debian's ``chromium``).

Chromium is driven through the DevTools protocol over ``--remote-debugging-pipe`` (JSON
messages separated by NUL bytes on file descriptors 3 and 4: no websocket library, no
port).  The page must load with no console error, no uncaught exception and no request
leaving the file; every figure (each inline ``<svg>``) must be present and visible; the
screenshot must not be blank; and on a phone-sized screen the page must not scroll
sideways (wide tables scroll inside their own box).

Skipped only where chromium is absent and this is not CI (``CI=true`` makes its absence a
failure: ``.ci/run`` installs it).
"""

from __future__ import annotations

import base64
import fcntl
import io
import json
import os
import select
import shutil
import subprocess
import time

import pytest
from conftest import ROOT

BASELINE = ROOT / "scenarios" / "japan_us_2025.yaml"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def _need_chromium() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed (.ci/run installs Debian's chromium)")
        pytest.skip("chromium is not installed")
    return CHROMIUM


class Browser:
    """A minimal DevTools-protocol client over Chromium's debugging pipe."""

    def __init__(self, exe: str, user_data_dir, size=(1200, 1600)):
        to_chrome_r, self._w = os.pipe()
        self._r, from_chrome_w = os.pipe()
        # move the child's ends above 4, so that placing them at 3 and 4 clobbers nothing
        child = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_chrome_r, from_chrome_w)]
        os.close(to_chrome_r)
        os.close(from_chrome_w)

        def place_fds():
            os.dup2(child[0], 3)
            os.dup2(child[1], 4)

        self.proc = subprocess.Popen(
            [
                exe,
                *FLAGS,
                "--remote-debugging-pipe",
                f"--user-data-dir={user_data_dir}",
                f"--window-size={size[0]},{size[1]}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=place_fds,
        )
        for fd in child:
            os.close(fd)
        self._buf = b""
        self._id = 0
        self.events: list[dict] = []

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._r], [], [], left)[0]:
                raise TimeoutError("chromium did not answer in time")
            chunk = os.read(self._r, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the debugging pipe")
            self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method: str, params=None, session: str | None = None, timeout=60.0) -> dict:
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout=60.0) -> dict:
        deadline = time.monotonic() + timeout
        for ev in self.events:
            if ev.get("method") == method:
                return ev
        while True:
            ev = self._read(deadline)
            self.events.append(ev)
            if ev.get("method") == method:
                return ev

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._r)
        os.close(self._w)


@pytest.fixture(scope="module")
def report_file(tmp_path_factory):
    """The baseline's report with the package comparison, written by the CLI."""
    from typer.testing import CliRunner

    from sim.cli import app

    out = tmp_path_factory.mktemp("report") / "report.html"
    res = CliRunner().invoke(app, ["report", str(BASELINE), "--compare", "-o", str(out)])
    assert res.exit_code == 0, res.output
    return out


@pytest.fixture(scope="module")
def page(report_file, tmp_path_factory):
    """The report loaded in headless Chromium: the browser, its session and the events."""
    exe = _need_chromium()
    browser = Browser(exe, tmp_path_factory.mktemp("chromium-profile"))
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.send(f"{domain}.enable", session=session)
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1200, "height": 1600, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        browser.send("Page.navigate", {"url": report_file.as_uri()}, session=session)
        browser.wait_for("Page.loadEventFired")
        yield browser, session
    finally:
        browser.close()


def _evaluate(browser, session, expression: str):
    res = browser.send(
        "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session
    )
    assert "exceptionDetails" not in res, res
    return res["result"]["value"]


def test_page_loads_without_console_errors_or_requests(page, report_file):
    browser, session = page
    assert _evaluate(browser, session, "document.readyState") == "complete"
    errors = [
        ev
        for ev in browser.events
        if ev.get("method") == "Runtime.exceptionThrown"
        or (
            ev.get("method") == "Runtime.consoleAPICalled"
            and ev["params"]["type"] in ("error", "assert")
        )
        or (ev.get("method") == "Log.entryAdded" and ev["params"]["entry"]["level"] == "error")
    ]
    assert errors == []
    requests = [
        ev["params"]["request"]["url"]
        for ev in browser.events
        if ev.get("method") == "Network.requestWillBeSent"
    ]
    # the file itself, and images embedded in it (data: URLs of rasters inside the SVGs)
    outside = [u for u in requests if u != report_file.as_uri() and not u.startswith("data:")]
    assert report_file.as_uri() in requests and outside == []


def test_every_figure_is_present_and_visible(page, report_file):
    browser, session = page
    n_svg = report_file.read_text(encoding="utf-8").count("<svg")
    boxes = _evaluate(
        browser,
        session,
        """[...document.querySelectorAll('svg')].map(e => {
               const r = e.getBoundingClientRect(), s = getComputedStyle(e);
               return {w: r.width, h: r.height, vis: s.visibility, disp: s.display,
                       inFigure: !!e.closest('figure.plot'), n: e.querySelectorAll('*').length};
           })""",
    )
    # the payoff space, the strategic game, the timeline, the win-sets and the comparison's two
    assert len(boxes) == n_svg >= 6
    for box in boxes:
        assert box["inFigure"] and box["w"] > 100 and box["h"] > 100, box
        assert box["vis"] == "visible" and box["disp"] != "none", box
        assert box["n"] > 20, box  # drawn, not an empty shell


def test_screenshot_is_not_blank(page, tmp_path):
    from PIL import Image, ImageStat

    browser, session = page
    shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
    img = Image.open(io.BytesIO(base64.b64decode(shot["data"]))).convert("L")
    assert img.size == (1200, 1600)
    stat = ImageStat.Stat(img)
    assert stat.var[0] > 100, stat.var  # a blank page has variance 0
    # the figures section is drawn too: scroll to it and look again
    _evaluate(browser, session, "document.getElementById('figures').scrollIntoView(), 1")
    shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
    img = Image.open(io.BytesIO(base64.b64decode(shot["data"]))).convert("L")
    assert ImageStat.Stat(img).var[0] > 100


def test_phone_screen_does_not_scroll_sideways(page):
    browser, session = page
    browser.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True},
        session=session,
    )
    try:
        widths = _evaluate(
            browser,
            session,
            "({page: document.documentElement.scrollWidth, view: window.innerWidth,"
            " svg: Math.max(...[...document.querySelectorAll('svg')]"
            ".map(e => e.getBoundingClientRect().width))})",
        )
    finally:
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1200, "height": 1600, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
    assert widths["page"] <= widths["view"] + 1, widths
    assert 0 < widths["svg"] <= widths["view"], widths
