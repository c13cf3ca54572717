"""The explorers in a real browser: JupyterLab + Debian's Chromium driven by Playwright.

Starts ``jupyter lab`` from this environment on a free loopback port with a random token and a
throw-away settings dir, opens ``examples/explorers_demo.ipynb``, runs all cells, types new values
into slider readouts and checks that the rendered plot image changed. Screenshots go to
``test-output/browser/``.

Skips only when Chromium is missing and the ``CI`` environment variable is unset; in CI a missing
browser is a failure.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
NOTEBOOK = "examples/explorers_demo.ipynb"
OUT = REPO / "test-output" / "browser"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SERVER_TIMEOUT = 90.0
KERNEL_TIMEOUT = 120.0
UPDATE_TIMEOUT = 30.0


def _require_browser() -> None:
    """Skip outside CI when the browser stack is missing; fail loudly in CI."""
    problems = []
    if not CHROMIUM.exists():
        problems.append(f"{CHROMIUM} is missing (install it with: apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("the Python package playwright is missing (pip install -e '.[browser]')")
    if not problems:
        return
    if os.environ.get("CI"):
        pytest.fail("browser test cannot run in CI: " + "; ".join(problems))
    pytest.skip("browser test skipped: " + "; ".join(problems))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _write_settings(settings_dir: Path) -> None:
    """Windowing off (every cell exists in the page) and no news pop-up over the notebook."""
    files = {
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        # never write outputs back into the committed demo notebook
        "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
    }
    for rel, content in files.items():
        path = settings_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content))


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 (loopback only)
            return r.status, r.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, b""


def _stop(proc: subprocess.Popen[bytes], base: str, token: str) -> None:
    """Shut down kernels through the API, then the server's whole process group."""
    status, body = _get(f"{base}/api/kernels?token={token}")
    if status == 200:
        for k in json.loads(body or b"[]"):
            req = urllib.request.Request(
                f"{base}/api/kernels/{k['id']}?token={token}", method="DELETE"
            )
            try:
                urllib.request.urlopen(req, timeout=10)  # noqa: S310
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A JupyterLab server on a free loopback port; yields its URL and token."""
    _require_browser()
    tmp_path = tmp_path_factory.mktemp("lab")
    OUT.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(24)
    port = _free_port()
    settings = tmp_path / "lab-settings"
    _write_settings(settings)
    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
    )
    env.pop("NBGRADER_EXECUTION", None)  # the demo cells only run outside grading
    jupyter = REPO / ".venv" / "bin" / "jupyter"  # the project's environment
    if not jupyter.exists():
        jupyter = Path(sys.executable).with_name("jupyter")
    cmd = [
        str(jupyter),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={REPO}",
        "--LabApp.news_url=",
    ]
    if os.geteuid() == 0:  # containers and CI runners often run as root
        cmd.append("--allow-root")
    log = open(OUT / "jupyter-server.log", "wb")  # noqa: SIM115 (closed in finally)
    proc = subprocess.Popen(
        cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    demo = REPO / NOTEBOOK
    pristine = demo.read_bytes()
    try:
        deadline = time.monotonic() + SERVER_TIMEOUT
        while _get(f"{base}/api/status?token={token}")[0] != 200:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited with code {proc.returncode}; see {log.name}")
            if time.monotonic() > deadline:
                pytest.fail(f"jupyter lab did not answer within {SERVER_TIMEOUT:.0f} s")
            time.sleep(0.25)
        yield {"base": base, "token": token}
    finally:
        _stop(proc, base, token)
        log.close()
        if demo.read_bytes() != pristine:  # a save slipped through: restore the committed file
            demo.write_bytes(pristine)


def _plot_src(page, i: int) -> str:
    return page.locator(".jp-OutputArea-output img.widget-image").nth(i).get_attribute("src") or ""


def _type_into_readout(page, explorer: int, control: int, value: str) -> None:
    """Type ``value`` into the readout of one slider of one explorer and press Enter."""
    box = page.locator(".jp-OutputArea-output .widget-vbox").nth(explorer)
    readout = box.locator(".widget-readout").nth(control)
    readout.click()
    page.keyboard.press("Control+a")
    page.keyboard.type(value)
    page.keyboard.press("Enter")


def _wait_changed(page, i: int, before: str) -> str:
    deadline = time.monotonic() + UPDATE_TIMEOUT
    while time.monotonic() < deadline:
        now = _plot_src(page, i)
        if now and now != before:
            return now
        page.wait_for_timeout(100)
    raise AssertionError(f"plot {i} did not change within {UPDATE_TIMEOUT:.0f} s of typing a value")


def _open_and_run_all(page, lab: dict[str, str], path: str, workspace: str) -> None:
    """Open ``path`` alone in a fresh workspace (no tabs left over from another test)."""
    url = f"{lab['base']}/lab/workspaces/{workspace}/tree/{path}?token={lab['token']}&reset"
    page.goto(url)
    page.wait_for_selector(".jp-Notebook", timeout=KERNEL_TIMEOUT * 1000)
    page.wait_for_selector('[data-status="idle"]', timeout=KERNEL_TIMEOUT * 1000)
    prompts = page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt")
    accept = page.locator(".jp-Dialog .jp-mod-accept")
    for _ in range(3):  # a click that lands while the session still connects can be lost
        # On a loaded machine JupyterLab can ask for a kernel before the session is back
        # ("Select Kernel"); its preferred choice is the notebook's own Python 3 kernel.
        if accept.count():
            accept.first.click()
        page.locator(".jp-Notebook").first.click()
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            texts = [t.strip() for t in prompts.all_inner_texts()]
            if texts and all(t not in ("[ ]:", "") for t in texts):  # queued "[*]" or run "[n]"
                return
            page.wait_for_timeout(250)
    raise AssertionError("Run All Cells did not queue every code cell")


def _assert_no_stderr(page) -> None:
    errors = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    assert errors.count() == 0, errors.first.inner_text()


def test_explorers_react_to_typed_slider_values(lab: dict[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 3000})
            _open_and_run_all(page, lab, NOTEBOOK, "explorers")
            images = page.locator(".jp-OutputArea-output img.widget-image")
            deadline = time.monotonic() + KERNEL_TIMEOUT
            while images.count() < 2 or not _plot_src(page, 1):
                if time.monotonic() > deadline:
                    page.screenshot(path=str(OUT / "explorers-timeout.png"), full_page=True)
                    raise AssertionError("the explorers did not render within the time limit")
                page.wait_for_timeout(250)
            page.wait_for_selector('[data-status="idle"]', timeout=KERNEL_TIMEOUT * 1000)
            _assert_no_stderr(page)
            page.screenshot(path=str(OUT / "explorers-initial.png"), full_page=True)

            # learning rate: eta = 2 makes every problem diverge
            lr_before = _plot_src(page, 0)
            shot_before = images.nth(0).screenshot()
            _type_into_readout(page, explorer=0, control=0, value="2")
            _wait_changed(page, 0, lr_before)
            page.wait_for_timeout(300)
            shot_after = images.nth(0).screenshot(path=str(OUT / "lr-eta-2.png"))
            assert shot_after != shot_before, "the learning-rate plot looks the same after eta = 2"

            # initialization: depth 20
            init_before = _plot_src(page, 1)
            _type_into_readout(page, explorer=1, control=0, value="20")
            _wait_changed(page, 1, init_before)
            page.wait_for_timeout(300)
            images.nth(1).screenshot(path=str(OUT / "init-depth-20.png"))
            page.screenshot(path=str(OUT / "explorers-after.png"), full_page=True)
        except BaseException:
            page.screenshot(path=str(OUT / "explorers-failure.png"), full_page=True)
            raise
        finally:
            browser.close()


IPYMPL_CELLS = [
    "%matplotlib widget",
    "from bpkit.widgets import LearningRateExplorer\nex = LearningRateExplorer()\nex.show()",
    "print(ex.mode)",
]


def test_learning_rate_explorer_with_ipympl_canvas(lab: dict[str, str]) -> None:
    """With ``%matplotlib widget`` the explorer shows ipympl's canvas and redraws it."""
    pytest.importorskip("ipympl")
    import nbformat
    from playwright.sync_api import sync_playwright

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(src) for src in IPYMPL_CELLS]
    path = OUT / "ipympl_demo.ipynb"
    nbformat.write(nb, path)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            _open_and_run_all(page, lab, path.relative_to(REPO).as_posix(), "ipympl")
            canvas = page.locator(".jupyter-matplotlib-figure canvas").first
            canvas.wait_for(timeout=KERNEL_TIMEOUT * 1000)
            page.get_by_text("ipympl", exact=True).wait_for(timeout=KERNEL_TIMEOUT * 1000)
            page.wait_for_selector('[data-status="idle"]', timeout=KERNEL_TIMEOUT * 1000)
            _assert_no_stderr(page)
            page.wait_for_timeout(500)
            before = canvas.screenshot()
            _type_into_readout(page, explorer=0, control=0, value="0.5")
            deadline = time.monotonic() + UPDATE_TIMEOUT
            after = before
            while after == before and time.monotonic() < deadline:
                page.wait_for_timeout(250)
                after = canvas.screenshot()
            canvas.screenshot(path=str(OUT / "ipympl-lr-eta-0.5.png"))
            assert after != before, "the ipympl canvas did not change after typing eta = 0.5"
        except BaseException:
            page.screenshot(path=str(OUT / "ipympl-failure.png"), full_page=True)
            raise
        finally:
            browser.close()
            path.unlink(missing_ok=True)


THROTTLE_CELLS = [
    "from bpkit.widgets import InitExplorer\nex = InitExplorer()\nex.show()",
    "print(f\"depth={ex.values['depth']} drawn={ex.state['grad_norm'].size} "
    'pending={ex._pending is not None}")',
]


def test_quick_successive_changes_end_on_the_latest_value(lab: dict[str, str]) -> None:
    """Two values typed in quick succession: the kernel-side throttle must still draw the
    last one (a trailing update on the kernel's event loop)."""
    import nbformat
    from playwright.sync_api import sync_playwright

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(src) for src in THROTTLE_CELLS]
    path = OUT / "throttle_demo.ipynb"
    nbformat.write(nb, path)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            _open_and_run_all(page, lab, path.relative_to(REPO).as_posix(), "throttle")
            page.locator(".jp-OutputArea-output img.widget-image").first.wait_for(
                timeout=KERNEL_TIMEOUT * 1000
            )
            page.wait_for_selector('[data-status="idle"]', timeout=KERNEL_TIMEOUT * 1000)
            page.wait_for_timeout(500)
            before = _plot_src(page, 0)
            _type_into_readout(page, explorer=0, control=0, value="5")
            _type_into_readout(page, explorer=0, control=0, value="17")
            _wait_changed(page, 0, before)
            page.wait_for_timeout(2000)  # any trailing update has run by now
            cell = page.locator(".jp-Notebook .jp-Cell").nth(1)
            cell.locator(".jp-InputArea-editor").click()
            page.keyboard.press("Shift+Enter")
            page.get_by_text("depth=17 drawn=17 pending=False").wait_for(
                timeout=UPDATE_TIMEOUT * 1000
            )
            page.locator(".jp-OutputArea-output img.widget-image").first.screenshot(
                path=str(OUT / "init-throttled-depth-17.png")
            )
        except BaseException:
            page.screenshot(path=str(OUT / "throttle-failure.png"), full_page=True)
            raise
        finally:
            browser.close()
            path.unlink(missing_ok=True)


# ----- the backprop explorer and the playground ---------------------------------------------------
# One notebook, written here, holds both explorers and a cell that prints a neuron's value as
# bpkit's model computes it. The test clicks ▶ through every phase of the step (the picture must
# change each time, and the equation must show that value), then presses play on the playground
# (the training loss must fall within seconds) and pause (the picture must stop changing). In this
# module, so that every browser test shares one JupyterLab server and one test process.

CELLS = [
    "from bpkit.widgets import BackpropExplorer, PlaygroundExplorer\n"
    "from bpkit.widgets.backprop import xor_net\n"
    "model, X, y = xor_net()\n"
    "ex = BackpropExplorer(model, X[:1], y[:1])\n"
    "ex.show()",
    # the library's own value of a^1_1: the tanh layer's output in bpkit's model
    "from bpkit.plot.diagram import fmt\n"
    "model.record = True\n"
    "model.forward(X[:1])\n"
    "print('LIBRARY a11 =', fmt(model.records[1].output[0, 0]))",
    "pg = PlaygroundExplorer()\npg.show()",
]
NUMBER = r"(−?[0-9.]+(?:e[−+-]?[0-9]+)?)"


def _src(box) -> str:
    return box.locator("img.widget-image").first.get_attribute("src") or ""


def _wait_src_change(page, box, before: str, what: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = _src(box)
        if now and now != before:
            return now
        page.wait_for_timeout(50)
    raise AssertionError(f"the picture did not change after {what}")


def _epoch_and_loss(box) -> tuple[int, float | None]:
    text = box.locator(".widget-html").last.inner_text()
    m = re.search(r"epoch (\d+)", text)
    loss = re.search(r"train loss ([0-9.]+)", text)
    return (int(m.group(1)) if m else -1), (float(loss.group(1)) if loss else None)


def test_step_through_the_phases_then_play_and_pause_the_playground(lab: dict[str, str]) -> None:
    import nbformat
    from playwright.sync_api import sync_playwright

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}  # fmt: skip
    nb.cells = [nbformat.v4.new_code_cell(src) for src in CELLS]
    path = OUT / "backprop_demo.ipynb"
    nbformat.write(nb, path)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        try:
            _open_and_run_all(page, lab, path.relative_to(REPO).as_posix(), "backprop")
            boxes = page.locator(".jp-OutputArea-output .widget-vbox")
            page.get_by_text("LIBRARY a11 =").wait_for(timeout=KERNEL_TIMEOUT * 1000)
            deadline = time.monotonic() + KERNEL_TIMEOUT
            while boxes.count() < 2 or not _src(boxes.nth(1)):
                assert time.monotonic() < deadline, "the explorers did not render"
                page.wait_for_timeout(250)
            page.wait_for_selector('[data-status="idle"]', timeout=KERNEL_TIMEOUT * 1000)
            _assert_no_stderr(page)
            library = re.search(r"LIBRARY a11 = (\S+)", page.inner_text(".jp-Notebook")).group(1)

            # the step: ▶ through all 7 phases of the XOR net; each one redraws
            step, eq = boxes.nth(0), boxes.nth(0).locator(".bpkit-equation")
            forward = step.get_by_role("button", name="▶", exact=True)
            before = _src(step)
            texts = [eq.inner_text()]
            for phase in range(2, 8):
                forward.click()
                before = _wait_src_change(page, step, before, f"▶ to phase {phase}")
                page.wait_for_function(
                    "([el, t]) => !el.innerText.includes(t)",
                    arg=[eq.element_handle(), texts[-1].splitlines()[0]],
                )
                texts.append(eq.inner_text())
                if phase == 2:  # forward through layer 1: a¹₁ = tanh(z¹₁) = tanh(...) = value
                    m = re.search(
                        r"a¹₁ = tanh\(z¹₁\) = tanh\(" + NUMBER + r"\) = " + NUMBER, texts[-1]
                    )
                    assert m, texts[-1]
                    assert m.group(2) == library, f"shown a¹₁ = {m.group(2)}, bpkit: {library}"
                    step.screenshot(path=str(OUT / "backprop-phase-2.png"))
            assert "phase 7/7" in texts[-1] and "←" in texts[-1], texts[-1]
            step.screenshot(path=str(OUT / "backprop-phase-7.png"))

            # the playground: play, the loss falls within seconds; pause, the picture freezes
            pg = boxes.nth(1)
            pg.locator("button", has_text="play").click()
            first = None
            deadline = time.monotonic() + 30
            while True:
                epoch, loss = _epoch_and_loss(pg)
                if loss is not None and first is None:
                    first = loss
                if first is not None and epoch >= 20 and loss < 0.8 * first:
                    break
                assert time.monotonic() < deadline, f"loss did not fall: {first} -> {loss}"
                page.wait_for_timeout(200)
            pg.locator("button", has_text="pause").click()
            page.wait_for_timeout(1000)  # a frame already sent may still arrive
            frozen, (epoch, _) = _src(pg), _epoch_and_loss(pg)
            page.wait_for_timeout(2000)
            assert _src(pg) == frozen, "the playground's picture changed after pause"
            assert _epoch_and_loss(pg)[0] == epoch, "training went on after pause"
            pg.screenshot(path=str(OUT / "playground-paused.png"))
        except BaseException:
            page.screenshot(path=str(OUT / "backprop-failure.png"), full_page=True)
            raise
        finally:
            browser.close()
            path.unlink(missing_ok=True)
