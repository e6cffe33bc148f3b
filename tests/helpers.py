"""Test helpers shared by several test modules: paths, planted corpora, the output contract."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import re
from pathlib import Path
from types import ModuleType

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MODELS_CSV_COLUMNS = ["model", "K", "seed", "coherence_npmi", "coherence_cv", "diversity", "stability"]
"""The columns of ``results/models.csv`` promised by the README's output contract."""
IGNORED = (".themes.lock",)
RUN_VARIABLES = {
    "PYTHONHASHSEED": "0",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MPLBACKEND": "Agg",
}
"""The variables scripts/run.sh sets besides the OpenBLAS kernels."""
RUN_ENV = {**os.environ, **RUN_VARIABLES}
"""The environment of a subprocess running ``themes``: the variables scripts/run.sh sets, in case
pytest was started without it."""
_SET_BY_RUN_SH = {*RUN_VARIABLES, "OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES"}
DIRECT_ENV = {
    **{name: value for name, value in os.environ.items() if name not in _SET_BY_RUN_SH},
    "PYTHONHASHSEED": "12345",
}
"""The environment of ``themes`` run directly, as a reviewer may run it: none of the variables
scripts/run.sh sets (every numeric library may use every core outside the fits, OpenBLAS picks its
kernels for the processor), and a hash seed other than scripts/run.sh's (fixed, so that a failure
repeats)."""


def snapshot(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file below ``folder`` (the lock file aside)."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in IGNORED
    }


# Three groups of words that never share a paragraph: every topic model must find them.
PLANTED_GROUPS = {
    "sea": ["ocean", "wave", "harbor", "sailor", "anchor", "tide", "vessel", "coast"],
    "farm": ["tractor", "barley", "harvest", "orchard", "cattle", "plough", "meadow", "silo"],
    "code": ["compiler", "python", "debugger", "kernel", "function", "variable", "module", "syntax"],
}


def planted_texts(
    n_per_group: int = 12, words: int = 30, seed: int = 0
) -> tuple[list[str], list[str], list[str]]:
    """Paragraphs drawn each from one group's words only; returns texts, ids and group names."""
    rng = np.random.default_rng(seed)
    texts, ids, groups = [], [], []
    for name, vocab in PLANTED_GROUPS.items():
        for i in range(n_per_group):
            texts.append(" ".join(rng.choice(vocab, size=words)))
            ids.append(f"{name}-{i:02d}")
            groups.append(name)
    return texts, ids, groups


@functools.cache
def seed_study_findings() -> ModuleType:
    """The seed study's own claims module, ``study/findings.py`` of the repository (not a package:
    imported from its file, as :func:`themes.study.claims.load_claims` does), for its check functions
    and its model groups (``NAIVE``, ``SEEDED``, ``PLAIN``, ``TOPIC_MODELS``)."""
    path = ROOT / "study" / "findings.py"
    spec = importlib.util.spec_from_file_location("seed_study_findings", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def lee_sentences():
    """About 2,000 paragraphs of real news text (a DataFrame with ``doc_id`` and ``text``): the
    sentences of gensim's Lee background articles, each sentence's document its article (so the
    corpus stop rule has documents)."""
    import gensim
    import pandas as pd

    path = Path(gensim.__file__).parent / "test" / "test_data" / "lee_background.cor"
    rows = []
    for number, article in enumerate(path.read_text(encoding="latin-1").splitlines()):
        for sentence in re.split(r"(?<=[.?!])\s+", article.strip()):
            if len(sentence.split()) >= 4:
                rows.append({"doc_id": f"lee{number:03d}", "text": sentence})
    return pd.DataFrame(rows)


def in_chunks(table, size: int):
    """A one-shot generator of chunks of a table, as a reader of a large file gives them."""
    return (table.iloc[start : start + size] for start in range(0, len(table), size))


def start_browser(
    chromium: tuple[str, str], *, width: int = 1400, height: int = 1700, downloads=None, offline: bool = True
):
    """Headless Chromium, with the network switched off unless ``offline`` is false (and downloads
    into ``downloads``)."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = chromium[0]
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=chromium[1]))
    if offline:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
        )
    if downloads is not None:
        driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
    return driver


def severe_messages(driver) -> list[dict]:
    """The browser console's errors since the page was opened."""
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
