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
def jupyterlab(tmp_path):
    """A JupyterLab server on a free local port, serving ``tmp_path``."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1"]
    command += [f"--ServerApp.token={TOKEN}", f"--ServerApp.root_dir={tmp_path}"]
    command += ["--allow-root"] if os.geteuid() == 0 else []
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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


def opened_modified(driver, url: str, name: str, *, settle: float = 6.0) -> bool:
    """Open a notebook, wait for its kernel and for JupyterLab's metadata update; is it modified?"""
    driver.get(f"{url}/lab/tree/{name}?token={TOKEN}&reset")
    WebDriverWait(driver, 60).until(
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
    driver = start_browser(chromium, width=1400, height=900, offline=False)
    try:
        assert not opened_modified(driver, jupyterlab, "written.ipynb")
        assert opened_modified(driver, jupyterlab, "cut.ipynb", settle=20)  # the check can fail
    finally:
        driver.quit()
