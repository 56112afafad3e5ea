"""The Dagster UI in headless Chromium after a real nightly run: groups, previews, charts.

A nightly run goes into a temporary DATA_DIR and a persistent temporary instance; then
dagster-webserver serves it on 127.0.0.1 and Debian's Chromium, driven by Playwright, renders the
pages. Every wait is on a condition and bounded; the webserver is killed by process group, Chromium
by Playwright.
"""

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
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect, sync_playwright

from shared.resources import Settings
from tests.conftest import offline_env

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parents[1] / "artifacts"
ROOT = Path(__file__).parents[2]
STARTUP_TIMEOUT_S = 120
RENDER_TIMEOUT_MS = 60_000


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
    # No "Join the Dagster community" dialog, which a fresh instance shows over the first page.
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\nnux:\n  enabled: false\n")
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
        nux = httpx.post(f"{url}/graphql", json={"query": "{ shouldShowNux }"}, timeout=10).json()
        assert nux == {"data": {"shouldShowNux": False}}, nux
        yield url


@pytest.fixture(scope="module")
def chromium() -> str:
    """Debian's Chromium: Playwright launches the system binary, no browser of its own is downloaded."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: CI must install it (see .ci/run)")
        pytest.skip(f"Chromium not found at {CHROMIUM}: apt install chromium (CI runs this test)")
    return CHROMIUM


@pytest.fixture(scope="module")
def page(chromium: str, webserver: str) -> Iterator[Page]:
    """A Chromium page whose relative URLs go to the webserver. Chromium is looked for before the
    nightly runs, and started after it: Dagster's in-process run wants no event loop running, and
    Playwright's sync API keeps one."""
    with sync_playwright() as playwright:
        # Playwright adds --no-sandbox and the switches that keep Chromium off the network at start;
        # QUIC and the GPU are of no use on a machine without either.
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--disable-gpu", "--disable-quic"], timeout=30_000
        )
        try:
            context = browser.new_context(base_url=webserver, viewport={"width": 1400, "height": 1800})
            context.set_default_timeout(RENDER_TIMEOUT_MS)
            yield context.new_page()
        finally:
            browser.close()


@contextmanager
def _kept_on_failure(page: Page) -> Generator[None]:
    """On a failed wait or assertion, keep what the page showed instead, to see why."""
    try:
        yield
    except (AssertionError, PlaywrightError):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "ui-failed.png", full_page=True)
        (ARTIFACTS / "ui-failed.txt").write_text(page.locator("body").inner_text())
        raise


def _screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    # Finished transitions: a dialog that is still opening shows half-transparent otherwise.
    page.screenshot(path=ARTIFACTS / name, full_page=True, animations="disabled")


def test_lineage_shows_the_stage_groups(page: Page) -> None:
    with _kept_on_failure(page):
        page.goto("/asset-groups")
        # A node of the graph each (the graph is SVG; a node's HTML sits in a foreignObject), not
        # only a name in the sidebar's list.
        graph = page.locator("svg foreignObject")
        for group in ("harvest", "clean", "enrich", "reshape", "output"):
            expect(graph.get_by_text(group, exact=True)).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    _screenshot(page, "ui-lineage.png")


def _metadata_dialog(page: Page, key: str) -> Locator:
    """Open the objects asset's page and click the "[Show Markdown]" button of its metadata entry
    ``key``; return the dialog the UI renders the Markdown in."""
    page.goto("/assets/objects")
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=key, exact=True))
    button = row.locator("button, a, [role=button]", has_text="Show Markdown")
    expect(button, f"one [Show Markdown] button for metadata entry {key!r}").to_have_count(
        1, timeout=RENDER_TIMEOUT_MS
    )
    button.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    return dialog


def test_asset_page_shows_the_chart(page: Page) -> None:
    with _kept_on_failure(page):
        chart = _metadata_dialog(page, "objects_per_century").locator('img[src^="data:image/png"]')
        expect(chart).to_be_visible(timeout=RENDER_TIMEOUT_MS)
        # A decoded PNG, not a broken image: its own width, not the width the page gives it.
        expect(chart).to_have_js_property("complete", True, timeout=RENDER_TIMEOUT_MS)
        width = chart.evaluate("img => img.naturalWidth")
        assert width > 100, f"the chart objects_per_century decoded to {width} px wide"
    _screenshot(page, "ui-objects-chart.png")


def test_asset_page_shows_the_preview_table(page: Page) -> None:
    with _kept_on_failure(page):
        table = _metadata_dialog(page, "preview").locator("table")
        expect(table.locator("th").first).to_be_visible(timeout=RENDER_TIMEOUT_MS)
        headers = {h.strip() for h in table.locator("th").all_inner_texts()}
        assert {"object_key", "source", "title"} <= headers, headers
        expect(table.locator("tbody tr")).to_have_count(5, timeout=RENDER_TIMEOUT_MS)
    _screenshot(page, "ui-objects-preview.png")
