"""The tutorial notebooks in a real JupyterLab, driven by Playwright in Debian's headless Chromium.

The session fixtures install Debian's ``chromium`` if it is missing (never a Playwright browser
download), start one private JupyterLab on 127.0.0.1 (free port, random token, config/data/runtime
dirs, workspaces and a copy of ``notebooks/`` all in temp dirs), and stop exactly that server at the end.

Run only these tests with ``pytest -m browser``; leave them out with ``-m "not browser"``.
``GRADVIZ_BROWSER_NOTEBOOKS=<dir>`` serves another notebook directory (for developing the test itself).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api")  # a dev dependency (pyproject.toml)
pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = Path(os.environ.get("GRADVIZ_BROWSER_NOTEBOOKS", ROOT / "notebooks"))
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = ROOT / "docs" / "images" / "debugger_jupyterlab.png"
DEBUGGER_NOTEBOOK = "03_calculus_debugger.ipynb"
CLASSROOM_NOTEBOOK = "06_your_turn.ipynb"
QUIZ_SCREENSHOT = ROOT / "docs" / "images" / "quiz_in_progress.png"
GRADED_SCREENSHOT = ROOT / "docs" / "images" / "graded_exercise.png"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Settings of the temp user: no news/update popup over the notebook.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    # Every cell attached and laid out: no content-visibility skipping of off-screen outputs.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}
RUN_TIMEOUT_MS = 120_000  # Run All on a tutorial notebook takes seconds; this is a hang detector.


def _notebooks() -> list[str]:
    return sorted(p.name for p in NOTEBOOKS.glob("[0-9]*.ipynb"))


def _on_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def _unavailable(reason: str):
    """Skip on a developer machine, fail on CI: there the browser test must run."""
    if _on_ci():
        pytest.fail(f"{reason} (CI is set, so the browser test may not be skipped)", pytrace=False)
    pytest.skip(reason)


# --------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium, installed with apt-get (as root, or through sudo) if it is missing."""
    if not CHROMIUM.exists():
        if os.geteuid() == 0:
            prefix = []
        elif shutil.which("sudo"):
            prefix = ["sudo", "-n"]
        else:
            _unavailable(f"{CHROMIUM} is missing and installing it needs root: apt-get install chromium")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        started = time.monotonic()
        for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
            done = subprocess.run(prefix + cmd, env=env, capture_output=True, text=True)
            if done.returncode != 0:
                _unavailable(
                    f"`{' '.join(cmd)}` failed, so there is no {CHROMIUM}:\n{done.stderr[-2000:]}"
                )
        print(f"installed Debian chromium in {time.monotonic() - started:.0f} s", file=sys.stderr)
    if not CHROMIUM.exists():
        _unavailable(f"apt-get installed chromium but {CHROMIUM} is still missing")
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """One running JupyterLab: its URL, token, and the REST calls the tests need."""

    def __init__(self, base: str, token: str, proc: subprocess.Popen, log: Path):
        self.base, self.token, self.proc, self.log = base, token, proc, log

    def api(self, path: str, method: str = "GET"):
        req = urllib.request.Request(
            f"{self.base}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def shutdown_sessions(self):
        """Shuts down every kernel session of this server (only ours: the server is private)."""
        for session in self.api("/api/sessions"):
            self.api(f"/api/sessions/{session['id']}", method="DELETE")

    def log_tail(self, n: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-n:]


@pytest.fixture(scope="session")
def lab(tmp_path_factory) -> Lab:
    """A private JupyterLab serving a temp copy of the notebooks; stopped (by its PID) at the end."""
    if not NOTEBOOKS.is_dir():
        pytest.skip(f"no notebook directory {NOTEBOOKS}")
    tmp = tmp_path_factory.mktemp("jupyterlab")
    root_dir = tmp / "notebooks"
    shutil.copytree(NOTEBOOKS, root_dir, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    dirs = {name: tmp / name for name in ("config", "data", "runtime", "workspaces", "ipython")}
    for d in dirs.values():
        d.mkdir()
    for rel, values in LAB_SETTINGS.items():
        path = dirs["config"] / "lab" / "user-settings" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(dirs["config"]),
        JUPYTER_DATA_DIR=str(dirs["data"]),
        JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
        IPYTHONDIR=str(dirs["ipython"]),
        # The kernel must be this environment's python, whatever its kernelspec says.
        JUPYTER_PREFER_ENV_PATH="1",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    port, token = _free_port(), os.urandom(24).hex()
    log = tmp / "jupyterlab.log"
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        f"--ServerApp.token={token}",
        f"--ServerApp.root_dir={root_dir}",
        "--LabApp.extension_manager=readonly",
        f"--LabApp.workspaces_dir={dirs['workspaces']}",
    ]
    started = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=root_dir)
    server = Lab(f"http://127.0.0.1:{port}", token, proc, log)
    try:
        deadline = started + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"JupyterLab exited with {proc.returncode}:\n{server.log_tail()}", pytrace=False
                )
            try:
                server.api("/api/status")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab not ready after 60 s:\n{server.log_tail()}", pytrace=False)
                time.sleep(0.2)
        print(
            f"JupyterLab ready in {time.monotonic() - started:.1f} s on {server.base}", file=sys.stderr
        )
        yield server
    finally:
        proc.terminate()  # SIGTERM to our own server only; it shuts its kernels down.
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)


@pytest.fixture(scope="session")
def browser(chromium):
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(request, browser, lab, tmp_path):
    """A fresh browser context logged in to `lab` (relative URLs go to it). On failure a screenshot
    of the page is saved and its path printed; the test's kernels are shut down afterwards."""
    context = browser.new_context(base_url=lab.base, viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    try:
        pg.goto(f"/api/status?token={lab.token}")  # the server answers with its login cookie
        yield pg
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            shot = tmp_path / "failure.png"
            pg.screenshot(path=str(shot), full_page=True)
            print(f"screenshot of the failing page: {shot}", file=sys.stderr)
    finally:
        context.close()
        lab.shutdown_sessions()


# --------------------------------------------------------------------------------------- helpers
NOTEBOOK_PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
# True when Run All has finished: kernel idle, nothing queued ("[*]"), and every non-empty code
# cell executed, or an error output stopped the run. Outputs are cleared before Run All, so the
# stored execution counts cannot satisfy it early.
_RUN_FINISHED_JS = """(panelSelector) => {
  const panel = document.querySelector(panelSelector);
  const status = panel && panel.querySelector('.jp-Notebook-ExecutionIndicator');
  if (!status || status.getAttribute('data-status') !== 'idle') return false;
  const cells = [...panel.querySelectorAll('.jp-CodeCell')];
  const prompts = cells.map(c => (c.querySelector('.jp-InputPrompt')?.textContent || '').trim());
  if (prompts.some(p => p.includes('*'))) return false;
  const outputs = [...panel.querySelectorAll('.jp-OutputArea-output')];
  if (outputs.some(o => o.textContent.includes('Traceback'))) return true;
  return cells.every((c, i) => /\\[\\d+\\]/.test(prompts[i])
                               || !(c.querySelector('.cm-content')?.textContent || '').trim());
}"""
_CLEARED_JS = """(panelSelector) => ![...document.querySelectorAll(panelSelector + ' .jp-InputPrompt')]
                                      .some(p => /\\d/.test(p.textContent))"""
_WIDGET_VIEWS_JS = """(panelSelector) =>
  [...document.querySelectorAll(panelSelector + ' .jp-OutputArea-output')]
    .filter(o => o.querySelector(':scope > .jupyter-widgets')).length"""


def _menu(page, menu: str, item: str):
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    labels = page.locator(".lm-Menu-item:not(.lm-mod-hidden) .lm-Menu-itemLabel")
    labels.get_by_text(item, exact=True).first.click()


def _wait_kernel_ready(page, notebook: str, timeout: float = 60):
    """Until `notebook` has a kernel that is idle and connected to the page (Run All before that
    is lost)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for session in page.request.get("/api/sessions").json():
            kernel = session.get("kernel") or {}
            if (
                session.get("path") == notebook
                and kernel.get("execution_state") == "idle"
                and kernel.get("connections", 0) >= 1
            ):
                return
        time.sleep(0.1)
    raise AssertionError(f"no idle kernel connected to {notebook} after {timeout} s")


def open_and_run_all(page, notebook: str):
    """Opens `notebook` in JupyterLab, clears its stored outputs, runs all cells through the Run menu
    and waits until the kernel is idle with every cell executed. Fails with the traceback if a cell
    raised."""
    page.goto(f"/lab/tree/{notebook}")
    panel = page.locator(NOTEBOOK_PANEL)
    panel.wait_for(timeout=30_000)
    _wait_kernel_ready(page, notebook)
    panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=30_000)
    _menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(_CLEARED_JS, arg=NOTEBOOK_PANEL)
    _menu(page, "Run", "Run All Cells")
    page.wait_for_function(_RUN_FINISHED_JS, arg=NOTEBOOK_PANEL, timeout=RUN_TIMEOUT_MS, polling=100)
    errors = [t for t in panel.locator(".jp-OutputArea-output").all_inner_texts() if "Traceback" in t]
    assert not errors, f"{notebook} raised in JupyterLab:\n" + "\n---\n".join(errors)


def _stored_widget_views(notebook: str) -> int:
    """How many widget views the stored notebook shows (outputs with a widget-view mime type)."""
    cells = json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))["cells"]
    return sum(
        "application/vnd.jupyter.widget-view+json" in out.get("data", {})
        for cell in cells
        for out in cell.get("outputs", [])
    )


def assert_rendered_cleanly(page, notebook: str) -> int:
    """The cheap check for every notebook, after `open_and_run_all`: no error outputs, and at least as
    many rendered widget views as the stored notebook has (a widget that fails to render shows a
    plain-text fallback or an error instead). Returns the number of rendered widget views."""
    panel = page.locator(NOTEBOOK_PANEL)
    texts = panel.locator(".jp-OutputArea-output").all_inner_texts()
    bad = [t for t in texts if "Traceback" in t or "Error displaying widget" in t]
    assert not bad, f"{notebook}: error outputs in JupyterLab:\n" + "\n---\n".join(bad)
    expected = _stored_widget_views(notebook)
    try:
        page.wait_for_function(
            f"(p) => ({_WIDGET_VIEWS_JS})(p) >= {expected}", arg=NOTEBOOK_PANEL, timeout=15_000
        )
    except sync_api.TimeoutError:
        pass  # reported just below, with the counts
    rendered = page.evaluate(_WIDGET_VIEWS_JS, NOTEBOOK_PANEL)
    assert rendered >= expected, (
        f"{notebook}: {rendered} widget views rendered, the stored notebook has {expected}"
    )
    return rendered


def _debugger_state(debugger) -> tuple[str | None, str]:
    current = debugger.locator(".gv-graph svg g.node.gv-current")
    current_id = current.first.get_attribute("id") if current.count() else None
    return current_id, debugger.locator(".gv-panel").first.inner_text()


# ----------------------------------------------------------------------------------------- tests
def test_debugger_steps_in_jupyterlab(page):
    """Notebook 3: the Debugger's graph renders as SVG, and its next-step button moves the
    highlighted op and changes the chain-rule panel. Saves docs/images/debugger_jupyterlab.png."""
    assert DEBUGGER_NOTEBOOK in _notebooks(), f"{NOTEBOOKS / DEBUGGER_NOTEBOOK} is missing"
    open_and_run_all(page, DEBUGGER_NOTEBOOK)
    assert assert_rendered_cleanly(page, DEBUGGER_NOTEBOOK) > 0, "no widget view rendered"

    debugger = page.locator(".gv-debugger").first
    debugger.wait_for(state="attached", timeout=15_000)
    debugger.scroll_into_view_if_needed()
    nodes = debugger.locator(".gv-graph svg g.node")
    nodes.first.wait_for(state="attached", timeout=15_000)
    assert nodes.count() >= 2, "the graph SVG has fewer than two nodes"
    before = _debugger_state(debugger)
    assert before[0], "no node of the graph carries the gv-current class"
    assert before[1].strip(), "the chain-rule panel is empty"

    debugger.locator("button.gv-next, .gv-next button").first.click()
    page.wait_for_function(
        """([beforeId, beforeText]) => {
             const d = document.querySelector('.gv-debugger');
             const current = d.querySelector('.gv-graph svg g.node.gv-current');
             return current && current.id !== beforeId
                    && d.querySelector('.gv-panel').innerText !== beforeText;
           }""",
        arg=list(before),
        timeout=10_000,
    )
    after = _debugger_state(debugger)
    assert after[0] != before[0], f"the highlighted op stayed {before[0]!r} after next-step"
    assert after[1] != before[1], "the chain-rule panel did not change after next-step"

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    cell = page.locator(".jp-CodeCell").filter(has=page.locator(".gv-debugger")).first
    cell.scroll_into_view_if_needed()
    cell.screenshot(path=str(SCREENSHOT))


@pytest.mark.parametrize(
    "notebook", [nb for nb in _notebooks() if nb not in (DEBUGGER_NOTEBOOK, CLASSROOM_NOTEBOOK)]
)
def test_notebook_runs_in_jupyterlab(page, notebook):
    """Every other tutorial runs top to bottom in JupyterLab without a traceback, widgets rendered."""
    open_and_run_all(page, notebook)
    assert_rendered_cleanly(page, notebook)


# ------------------------------------------------------------------------------- classroom mode
def _status(debugger) -> str:
    return debugger.locator(".gv-status").first.inner_text()


def _wait_status(page, text: str, timeout: float = 10_000):
    """Until the first Debugger's status line contains `text` (a kernel round trip)."""
    page.wait_for_function(
        "(t) => document.querySelector('.gv-debugger .gv-status').innerText.includes(t)",
        arg=text,
        timeout=timeout,
    )


def _asked_edges(debugger) -> list[str]:
    edges = debugger.locator(".gv-graph svg g.edge.gv-edge-asked")
    return sorted(edges.nth(i).get_attribute("id") for i in range(edges.count()))


def test_classroom_quiz_with_keys_and_enter_in_jupyterlab(page):
    """Notebook 6: keys step the Debugger; at the first backward step a wrong answer submitted with
    Enter gets a hint and costs a try, a right one reveals the edge and the next input is asked.
    Saves docs/images/quiz_in_progress.png and docs/images/graded_exercise.png."""
    page.set_viewport_size({"width": 1400, "height": 1500})  # the quiz cell whole in one picture
    open_and_run_all(page, CLASSROOM_NOTEBOOK)
    assert_rendered_cleanly(page, CLASSROOM_NOTEBOOK)
    debugger = page.locator(".gv-debugger").first
    debugger.locator(".gv-graph svg g.node").first.wait_for(state="attached", timeout=15_000)
    debugger.scroll_into_view_if_needed()
    assert "step 1 of 14" in _status(debugger)

    # every button shows a word, the Play widget's icon buttons too (the key script adds them)
    page.wait_for_function(
        "() => document.querySelector('.gv-debugger .gv-play button[data-gv-word]') !== null",
        timeout=10_000,
    )
    buttons = debugger.locator("button:visible")
    words = [t.strip() for t in buttons.all_inner_texts()]
    assert all(words), f"a button without a word: {words}"
    assert {"First", "Back", "Next", "Last", "Check", "Show answer", "play/pause", "stop"} <= set(words)
    titles = buttons.evaluate_all("bs => bs.map(b => b.title)")
    assert all(titles), f"a button without a tooltip: {titles}"

    # keys: focus the widget (a click on its drawing), then → / ← / End / Home
    debugger.locator(".gv-graph").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("ArrowRight")
    _wait_status(page, "step 2 of 14")
    page.keyboard.press("End")
    _wait_status(page, "step 14 of 14")
    page.keyboard.press("Home")
    _wait_status(page, "step 1 of 14")
    for k in range(2, 8):  # to the first backward step, L = v² + penalty
        page.keyboard.press("ArrowRight")
        _wait_status(page, f"step {k} of 14")
    assert "backward pass" in _status(debugger)
    slider = debugger.locator(".gv-step .widget-readout").first.inner_text()
    assert slider.strip() == "7", f"the step slider reads {slider!r} beside 'step 7 of 14'"
    assert _asked_edges(debugger) == ["e_n_v_squared__n_L_0"]

    answer = debugger.locator(".gv-guess input").first
    answer.fill("2")  # wrong: + passes the upstream grad 1 back unchanged
    answer.press("Enter")
    _wait_status(page, "✗ 2 is not the contribution sent back to v_squared")
    assert "Hint: + passes the upstream grad back unchanged to each input" in _status(debugger)
    page.wait_for_function(
        "() => document.querySelector('.gv-debugger .gv-guess input').value === ''", timeout=5_000
    )
    answer.fill("one")  # not a number: a message, no try spent
    answer.press("Enter")
    _wait_status(page, "costs no attempt")
    answer.fill("1")
    answer.press("Enter")
    _wait_status(page, "✓ Right: the contribution sent back to v_squared")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.gv-debugger g.edge.gv-edge-asked')]"
        ".map(e => e.id).join() === 'e_n_penalty__n_L_1'",
        timeout=5_000,
    )
    revealed = debugger.locator("g#e_n_v_squared__n_L_0 text").first.text_content()
    assert revealed == "∇ 1", f"the answered edge reads {revealed!r}"
    hidden = debugger.locator("g#e_n_penalty__n_L_1 text").first.text_content()
    assert hidden == "∇ …", f"the second input's edge gave its answer away: {hidden!r}"
    answer.fill("0.5")  # a miss on the second question, kept on screen for the picture
    answer.press("Enter")
    _wait_status(page, "✗ 0.5 is not the contribution sent back to penalty")

    QUIZ_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    cell = page.locator(".jp-CodeCell").filter(has=page.locator(".gv-debugger")).first
    cell.scroll_into_view_if_needed()
    cell.screenshot(path=str(QUIZ_SCREENSHOT))

    graded = page.locator(".jp-CodeCell").filter(has_text="report.draw(rankdir").first
    picture = graded.locator(".jp-OutputArea-output img, .jp-OutputArea-output svg").first
    picture.wait_for(timeout=15_000)
    graded.scroll_into_view_if_needed()
    graded.locator(".jp-OutputArea").first.screenshot(path=str(GRADED_SCREENSHOT))
