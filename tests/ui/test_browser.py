"""The Dagster UI in headless Chromium after a real nightly run: groups, previews, charts.

A nightly run goes into a temporary DATA_DIR and a persistent temporary instance; then
dagster-webserver serves it on 127.0.0.1 and Chromium, driven over the DevTools protocol, renders
the pages. Every wait is bounded, and the webserver and Chromium are killed by process group.
"""

import base64
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from shared.resources import Settings
from tests.conftest import offline_env

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parents[1] / "artifacts"
ROOT = Path(__file__).parents[2]
STARTUP_TIMEOUT_S = 120
RENDER_TIMEOUT_S = 60
NAG_WAIT_S = 4


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until(check: Callable[[], object], timeout_s: float, what: str) -> object:
    """Poll ``check()`` until it returns something truthy; fail naming ``what`` after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if value := check():
                return value
        except (httpx.HTTPError, OSError):
            pass
        time.sleep(0.5)
    pytest.fail(f"timed out after {timeout_s}s waiting for {what}")


@contextmanager
def _process_group(args: list[str], env: dict[str, str], log: Path) -> Generator[subprocess.Popen[bytes]]:
    """Start ``args`` in its own process group; kill the whole group on exit (bounded)."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield process
        finally:
            for sig, wait_s in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
                if process.poll() is not None:
                    break
                os.killpg(process.pid, sig)
                try:
                    process.wait(timeout=wait_s)
                except subprocess.TimeoutExpired:
                    continue


@pytest.fixture(scope="module")
def webserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The UI of a finished nightly run, at a URL on 127.0.0.1."""
    from definitions import make_definitions

    tmp = tmp_path_factory.mktemp("ui")
    home, data_dir = tmp / "dagster_home", tmp / "data"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        job = make_definitions(Settings(data_dir=str(data_dir))).resolve_job_def("nightly")
        assert job.execute_in_process(instance=instance).success
    port = _free_port()
    env = offline_env(DATA_DIR=str(data_dir), DAGSTER_HOME=str(home))
    webserver_bin = str(Path(sys.executable).with_name("dagster-webserver"))
    args = [webserver_bin, "-m", "definitions", "-h", "127.0.0.1", "-p", str(port)]
    with _process_group(args, env, tmp / "webserver.log") as process:
        url = f"http://127.0.0.1:{port}"

        def answers() -> bool:
            assert process.poll() is None, (tmp / "webserver.log").read_text()[-3000:]
            return httpx.get(f"{url}/server_info", timeout=5).status_code == 200

        _wait_until(answers, STARTUP_TIMEOUT_S, "dagster-webserver to answer")
        yield url


class Browser:
    """Just enough of the Chrome DevTools protocol: navigate, evaluate, screenshot."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws, self.ids = ws, itertools.count(1)

    def call(self, method: str, **params: object) -> dict:
        message_id = next(self.ids)
        self.ws.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:  # skip events until our answer comes
            message = json.loads(self.ws.recv(timeout=RENDER_TIMEOUT_S))
            if message.get("id") == message_id:
                assert "error" not in message, message
                return message["result"]

    def evaluate(self, expression: str) -> object:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def open(self, url: str, ready_js: str, what: str) -> None:
        """Go to ``url`` and wait until ``ready_js`` is true in the page (the app renders late)."""
        self.call("Page.navigate", url=url)
        try:
            _wait_until(lambda: self.evaluate(ready_js), RENDER_TIMEOUT_S, what)
        except pytest.fail.Exception:  # keep what the page showed instead, to see why
            ARTIFACTS.mkdir(exist_ok=True)
            self.screenshot(ARTIFACTS / "ui-failed.png")
            (ARTIFACTS / "ui-failed.txt").write_text(str(self.evaluate("document.body.innerText")))
            raise

    def screenshot(self, path: Path) -> None:
        # A fresh instance greets the user, a moment after the first page, with a "Join the Dagster
        # community" dialog over the page: give it that moment, then skip it.
        skip = (
            "[...document.querySelectorAll('[role=dialog] button')]"
            ".filter(b => b.innerText.trim() === 'Skip').map(b => b.click()).length"
        )
        deadline = time.monotonic() + NAG_WAIT_S
        while not self.evaluate(skip) and time.monotonic() < deadline:
            time.sleep(0.25)
        time.sleep(1)  # the dialog fades out
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        path.write_bytes(base64.b64decode(data))


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"chromium not found at {CHROMIUM}: CI must install it (see .ci/run)")
        pytest.skip("chromium is not installed (apt-get install chromium); CI runs this test")
    profile = tmp_path_factory.mktemp("chromium")
    args = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0",
        f"--user-data-dir={profile}",
        "--window-size=1400,1800",
        "about:blank",
    ]
    with _process_group(args, dict(os.environ), profile / "chromium.log"):
        active = profile / "DevToolsActivePort"
        port = _wait_until(lambda: active.exists() and active.read_text().split()[0], 30, "chromium to start")
        pages = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=5).json()
        ws_url = next(p["webSocketDebuggerUrl"] for p in pages if p["type"] == "page")
        with connect(ws_url, max_size=64 * 2**20, open_timeout=10) as ws:
            page = Browser(ws)
            page.call(
                "Emulation.setDeviceMetricsOverride",
                width=1400,
                height=1800,
                deviceScaleFactor=1,
                mobile=False,
            )
            yield page


def test_lineage_shows_the_stage_groups(webserver: str, browser: Browser) -> None:
    groups = ("harvest", "clean", "enrich", "reshape", "output")
    has_all = " && ".join(f"document.body.innerText.includes({json.dumps(g)})" for g in groups)
    browser.open(f"{webserver}/asset-groups", f"document.body && {has_all}", "the group names in the lineage")
    ARTIFACTS.mkdir(exist_ok=True)
    browser.screenshot(ARTIFACTS / "ui-lineage.png")


def _show_markdown(browser: Browser, key: str) -> None:
    """Click the "[Show Markdown]" button of metadata entry ``key``: the UI renders it in a dialog."""
    clicked = browser.evaluate(
        f"""(() => {{
        for (const row of document.querySelectorAll('tr')) {{
            const cells = row.querySelectorAll('td');
            if (cells.length && cells[0].innerText.trim() === {json.dumps(key)}) {{
                const buttons = [...row.querySelectorAll('button, a, [role=button]')];
                const button = buttons.find(b => b.innerText.includes('Show Markdown'));
                if (button) {{ button.click(); return true; }}
                return row.outerHTML;
            }}
        }}
        return false;
    }})()"""
    )
    assert clicked is True, f"no [Show Markdown] button for metadata entry {key!r}: {clicked}"


def test_asset_page_shows_the_chart(webserver: str, browser: Browser) -> None:
    chart = "document.querySelector('[role=dialog] img[src^=\"data:image/png\"]')"
    browser.open(
        f"{webserver}/assets/objects",
        "document.body.innerText.includes('objects_per_century')",
        "the metadata of objects",
    )
    _show_markdown(browser, "objects_per_century")
    _wait_until(
        lambda: browser.evaluate(f"!!{chart} && {chart}.naturalWidth > 100"), RENDER_TIMEOUT_S, "the chart"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    browser.screenshot(ARTIFACTS / "ui-objects-chart.png")


def test_asset_page_shows_the_preview_table(webserver: str, browser: Browser) -> None:
    browser.open(
        f"{webserver}/assets/objects",
        "document.body.innerText.includes('preview')",
        "the metadata of objects",
    )
    _show_markdown(browser, "preview")
    headers = "[...document.querySelectorAll('[role=dialog] table th')].map(th => th.innerText.trim())"
    shown = _wait_until(lambda: browser.evaluate(headers), RENDER_TIMEOUT_S, "the preview table")
    assert isinstance(shown, list) and {"object_key", "source", "title"} <= set(shown)
    rows = browser.evaluate("document.querySelectorAll('[role=dialog] table tbody tr').length")
    assert rows == 5
    ARTIFACTS.mkdir(exist_ok=True)
    browser.screenshot(ARTIFACTS / "ui-objects-preview.png")
