"""Notebooks as JupyterLab opens them: a notebook the package writes does not open marked modified.

JupyterLab writes the kernel's ``language_info`` into a notebook when its kernel starts; a notebook
that lacked part of it opened "modified" (unsaved changes) before anyone touched it. A real
JupyterLab server and headless Chromium check both forms.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest
from helpers import start_browser
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from themes.study.notebooks import execute_notebook, kernel_language_info

pytestmark = pytest.mark.slow  # starts JupyterLab, a kernel and a browser

TOKEN = "themes-test"


def test_the_language_info_is_what_the_kernel_reports():
    from ipykernel.ipkernel import IPythonKernel

    assert kernel_language_info() == dict(IPythonKernel.language_info)


@pytest.fixture
def jupyterlab(tmp_path, tmp_path_factory):
    """A JupyterLab server on a free local port, serving ``tmp_path``, with settings, workspaces and
    kernels of its own: its one kernel is this interpreter's ipykernel, whatever kernels the
    machine's user has installed (a kernel of another Python reports another ``language_info``)."""
    home = tmp_path_factory.mktemp("jupyter")
    kernel = home / "data" / "kernels" / "python3"
    kernel.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    (kernel / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    env = {
        **os.environ,
        "JUPYTER_PATH": str(home / "data"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1"]
    command += [f"--ServerApp.token={TOKEN}", f"--ServerApp.root_dir={tmp_path}"]
    command += ["--allow-root"] if os.geteuid() == 0 else []
    log = (home / "server.log").open("w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def opened_modified(driver, url: str, name: str, *, settle: float = 6.0) -> bool:
    """Open a notebook, wait for its kernel and for JupyterLab's metadata update; is it modified?"""
    driver.get(f"{url}/lab/tree/{name}?token={TOKEN}&reset")
    WebDriverWait(driver, 120).until(
        lambda d: d.execute_script(
            "const e = document.querySelector('.jp-Notebook-ExecutionIndicator');"
            "return e && e.getAttribute('data-status') === 'idle';"
        )
    )
    end = time.monotonic() + settle
    while time.monotonic() < end:
        tabs = [t for t in driver.find_elements(By.CSS_SELECTOR, ".lm-TabBar-tab") if name in t.text]
        if tabs and "jp-mod-dirty" in tabs[0].get_attribute("class"):
            return True
        time.sleep(0.25)
    return False


def test_an_executed_notebook_opens_unmodified_in_jupyterlab(chromium, jupyterlab, tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A notebook"), nbformat.v4.new_code_cell("1 + 1")]
    nbformat.write(nb, tmp_path / "written.ipynb")
    execute_notebook(tmp_path / "written.ipynb")
    # the form written before: language_info cut to three fields
    old = json.loads((tmp_path / "written.ipynb").read_text(encoding="utf-8"))
    info = old["metadata"]["language_info"]
    old["metadata"]["language_info"] = {k: info[k] for k in ("name", "file_extension", "mimetype")}
    (tmp_path / "cut.ipynb").write_text(json.dumps(old, indent=1), encoding="utf-8")
    written = json.loads((tmp_path / "written.ipynb").read_text(encoding="utf-8"))
    driver = start_browser(chromium, width=1400, height=900, offline=False)
    try:
        # On a loaded machine JupyterLab can mark a notebook modified when the kernel's language_info
        # arrives before the notebook has finished loading, even when the values are the same (seen
        # here under load: saved, the notebook was unchanged). A notebook the package writes must
        # open unmodified at least once in three openings, and saving it must change nothing.
        assert not all(opened_modified(driver, jupyterlab, "written.ipynb") for _ in range(3))
        save(driver)
        assert json.loads((tmp_path / "written.ipynb").read_text(encoding="utf-8")) == written
        # the form written before opens modified every time, and saving it fills language_info in
        assert all(opened_modified(driver, jupyterlab, "cut.ipynb", settle=20) for _ in range(2))
        save(driver)
        saved = json.loads((tmp_path / "cut.ipynb").read_text(encoding="utf-8"))
        assert saved["metadata"]["language_info"] == written["metadata"]["language_info"]
    finally:
        driver.quit()


def save(driver) -> None:
    """Save the open notebook (Ctrl+S) and wait until JupyterLab no longer marks it modified."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    ActionChains(driver).key_down(Keys.CONTROL).send_keys("s").key_up(Keys.CONTROL).perform()
    WebDriverWait(driver, 60).until(
        lambda d: not d.find_elements(By.CSS_SELECTOR, ".lm-TabBar-tab.jp-mod-current.jp-mod-dirty")
    )
    time.sleep(1)  # the contents API's write
