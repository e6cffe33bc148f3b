"""Execute the numbered notebooks with a real Jupyter kernel and store them scrubbed.

Volatile metadata (execution timestamps, papermill run facts, widget state) is removed and the
kernel's language info written whole, as JupyterLab writes it, so that rerunning a notebook on the
same environment leaves its file byte for byte unchanged and opening it in JupyterLab does not
mark it modified.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import platform
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from .. import files
from ..errors import ThemesError
from ..progress import progress as progress_counter

NOTEBOOK_TIMEOUT = 600
KERNEL = "python3"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
"""Terminal colour codes, which IPython puts in a failed cell's traceback."""
EXECUTION_TOOLS = ("nbclient", "ipykernel")
"""What executing a notebook needs beyond the core install (the ``notebooks`` extra)."""


def check_execution_tools() -> None:
    """Refuse, before any work, to execute notebooks when :data:`EXECUTION_TOOLS` are not installed.

    Without this check a core install (``pip install themes``) would run the whole study and then
    stop with a traceback at the first notebook.
    """
    missing = [name for name in EXECUTION_TOOLS if importlib.util.find_spec(name) is None]
    if missing:
        raise ThemesError(
            f"executing the notebooks needs {' and '.join(missing)} (not installed here); install the "
            "notebooks extra (pip install -e '.[notebooks]') or pass --no-notebooks."
        )


def notebook_paths(folder: str | Path) -> list[Path]:
    """The numbered notebooks of a folder (``01_*.ipynb``, ``02_*.ipynb``, ...), in order."""
    return sorted(p for p in Path(folder).glob("[0-9][0-9]_*.ipynb") if p.is_file())


def kernel_language_info() -> dict:
    """The ``language_info`` the Python kernel (ipykernel) reports about itself.

    JupyterLab writes it into a notebook's metadata when the notebook's kernel starts; a notebook
    that lacks a field of it opens marked as modified. It depends only on the Python version.
    """
    return {
        "codemirror_mode": {"name": "ipython", "version": 3},
        "file_extension": ".py",
        "mimetype": "text/x-python",
        "name": "python",
        "nbconvert_exporter": "python",
        "pygments_lexer": "ipython3",
        "version": platform.python_version(),
    }


def scrub(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove what changes from run to run without changing the results, and write the metadata
    JupyterLab would write on opening (the kernel's, the kernel's language), so that a notebook
    opens unmodified."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": KERNEL}
    nb.metadata["language_info"] = kernel_language_info()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("ExecuteTime", None)
    return nb


class NotebookError(ThemesError):
    """A notebook cell failed."""


def execute_notebook(
    path: str | Path, *, timeout: int = NOTEBOOK_TIMEOUT, write: bool = True, kernels: list | None = None
) -> nbformat.NotebookNode:
    """Run every cell of a notebook in a fresh kernel started in the notebook's folder.

    The kernel gets one thread per numeric library, a fixed hash seed and no forced
    matplotlib backend (figures are shown inline). The executed, scrubbed notebook
    replaces the file when ``write`` is true. ``kernels`` collects the kernel's manager once it
    runs, for :func:`stop_kernels`.

    Raises
    ------
    NotebookError
        When a cell raises; the message names the notebook and the error.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    env = {
        **os.environ,
        "PYTHONHASHSEED": "0",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "Haswell"),
        "TQDM_DISABLE": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    env.pop("MPLBACKEND", None)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=KERNEL,
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        allow_errors=False,
    )
    if kernels is not None:
        client.on_notebook_start = lambda **_: kernels.append(client.km)
    try:
        # asyncio.run gives the kernel client a loop of its own and closes it afterwards, so
        # notebooks can run in worker threads without leaving event loops open.
        # The kernel's own log (a notice about its local TCP transport) is not shown; cell
        # errors reach us as messages and raise below.
        asyncio.run(client.async_execute(env=env, cwd=str(path.parent), stderr=subprocess.DEVNULL))
    except CellExecutionError as exc:
        last = [line for line in ANSI_ESCAPE.sub("", str(exc)).strip().splitlines() if line.strip()]
        raise NotebookError(f"{path}: a cell failed ({last[-1] if last else 'unknown error'}).") from None
    nb = scrub(nb)
    if write:
        files.write_text(path, nbformat.writes(nb) + "\n")
    return nb


NEEDS = {
    "labels": "reference labels (data/reference/labels.csv)",
    "coders": "two independent codings (labels_coder1.csv, labels_coder2.csv)",
    "intrusion": "answered intrusion tests (results/intrusion.csv)",
    "seed_words": "seed words (data/reference/seed_words.yml)",
}
"""What a notebook may need beyond the corpus and the results, named in its metadata."""


def needs(path: str | Path) -> tuple[str, ...]:
    """What a notebook needs of :data:`NEEDS`: its metadata's ``"themes": {"needs": [...]}``."""
    return tuple(nbformat.read(Path(path), as_version=4).metadata.get("themes", {}).get("needs", ()))


def stop_kernels(kernels: list) -> None:
    """Kill the kernels of notebooks still running (a stopped run must not wait for them)."""
    for manager in list(kernels):
        process = getattr(getattr(manager, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            process.kill()


def run_notebooks(
    folder: str | Path, *, progress: bool = False, workers: int = 2, available=tuple(NEEDS)
) -> list[Path]:
    """Execute the numbered notebooks of ``folder`` and put them in place together; the executed ones.

    Notebooks only read the results and do not depend on each other, so ``workers`` of them
    run at once, each in its own kernel (two by default: one per core of a small machine).
    A notebook that needs something of :data:`NEEDS` missing from ``available`` (a study
    without labels yet, say) is left as it is. The folder is replaced whole once every
    notebook ran (:func:`themes.files.staged_folder`): a failed, stopped or killed run leaves
    the notebooks as they were, never some new and some old.
    """
    folder = Path(folder)
    files.restore_folder(folder)  # what a run killed while swapping left beside it
    paths = [p for p in notebook_paths(folder) if set(needs(p)) <= set(available)]
    kernels: list = []
    pool = ThreadPoolExecutor(max_workers=max(1, workers))
    executed = []
    try:
        with progress_counter(len(paths), "notebooks", enabled=progress) as bar:
            futures = [pool.submit(execute_notebook, p, write=False, kernels=kernels) for p in paths]
            for future in futures:
                executed.append(future.result())
                bar.update(1)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        stop_kernels(kernels)
        raise
    pool.shutdown()
    with files.staged_folder(folder) as staged:
        shutil.copytree(folder, staged, dirs_exist_ok=True, symlinks=True)
        for path, nb in zip(paths, executed, strict=True):
            files.write_text(staged / path.name, nbformat.writes(nb) + "\n")
    return paths
