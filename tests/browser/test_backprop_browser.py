"""The backprop explorer and the playground in a real browser (JupyterLab + Chromium).

One notebook, written here, holds both explorers and a cell that prints a neuron's value as
bpkit's model computes it. The test clicks ▶ through every phase of the step (the picture must
change each time, and the equation must show that value), then presses play on the playground
(the training loss must fall within seconds) and pause (the picture must stop changing).
Screenshots go to ``test-output/browser/``. Fixtures come from ``test_explorers_browser``.
"""

from __future__ import annotations

import re
import time

import pytest
from test_explorers_browser import (  # noqa: F401 (lab is a fixture)
    CHROMIUM,
    CHROMIUM_ARGS,
    KERNEL_TIMEOUT,
    OUT,
    REPO,
    _assert_no_stderr,
    _open_and_run_all,
    lab,
)

pytestmark = pytest.mark.browser

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


def test_step_through_the_phases_then_play_and_pause_the_playground(lab) -> None:  # noqa: F811
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
