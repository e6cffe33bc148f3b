"""Time the grid of (model, K, seed) fits serially and on a local Dask cluster (not run by the tests).

The paragraphs are ``benchmarks/data/paragraphs.txt`` (real English text from gensim's test
data; ``benchmarks/scale.py prepare`` writes it) resampled with replacement to ``--paragraphs``,
for timing only. The fits go through :func:`themes.selection.sweep.fit_models`, as in the sweep::

    .venv/bin/python benchmarks/dask_sweep.py                    # 10,000 paragraphs, 2 workers
    .venv/bin/python benchmarks/dask_sweep.py --workers 4 --k 5 10 15

Target (issue 10): a speed-up of at least 1.7 on two cores. The cluster's start-up is reported
apart; the timed cluster run includes sending the matrix to the workers.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np

from themes.selection.dask_cluster import connect, dask_backend
from themes.selection.sweep import FitTask, fit_models, fit_task
from themes.text.matrix import DocumentTermMatrix
from themes.text.vectorizer import Vectorizer

DATA = Path(__file__).resolve().parent / "data" / "paragraphs.txt"
RESULT = Path(__file__).resolve().parent / "results" / "dask_sweep.md"


def load_matrix(n: int, seed: int = 0) -> DocumentTermMatrix:
    """``n`` paragraphs drawn with replacement from DATA, counted by the study's default vectorizer."""
    if not DATA.exists():
        raise SystemExit(f"{DATA} is missing: run '.venv/bin/python benchmarks/scale.py prepare' first.")
    pool = [line for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [pool[i] for i in np.random.default_rng(seed).integers(len(pool), size=n)]
    return DocumentTermMatrix.from_paragraphs(Vectorizer(), texts, fit=True)


def bound(seconds: list[float], workers: int) -> float:
    """Wall time of the fits handed out in grid order to the first free worker (no overhead)."""
    free = [0.0] * workers
    for s in seconds:
        free[free.index(min(free))] += s
    return max(free)


def same_fits(a, b) -> bool:
    return all(
        x.topic_term.tobytes() == y.topic_term.tobytes() and x.doc_topic.tobytes() == y.doc_topic.tobytes()
        for x, y in zip(a, b, strict=True)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2, help="worker processes of the local cluster")
    parser.add_argument("--models", nargs="+", default=["nmf_sklearn", "lda_gensim"])
    parser.add_argument("--k", type=int, nargs="+", default=[5, 10])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    lines: list[str] = []

    def say(text: str) -> None:
        """Print a line and keep it for the results file."""
        print(text, flush=True)
        lines.append(text)

    say(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    say(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    start = time.perf_counter()
    dtm = load_matrix(args.paragraphs)
    say(f"matrix: {dtm.shape[0]} paragraphs x {dtm.shape[1]} terms in {time.perf_counter() - start:.1f} s")
    tasks = [FitTask(m, k, s) for m in args.models for k in args.k for s in args.seeds]
    matrices = {"study": dtm}

    # task by task, as fit_models does with n_jobs=1, to time each fit
    serial, seconds = [], []
    for task in tasks:
        start = time.perf_counter()
        serial.append(fit_task(task, dtm, None))
        seconds.append(time.perf_counter() - start)
    serial_s = sum(seconds)
    say(f"serial: {len(tasks)} fits in {serial_s:.1f} s")
    best = serial_s / bound(seconds, args.workers)
    say(f"best possible speed-up on {args.workers} workers for these fit times: {best:.2f}")

    start = time.perf_counter()
    with connect(n_workers=args.workers) as client:
        startup_s = time.perf_counter() - start
        start = time.perf_counter()
        with dask_backend(client, scatter=[dtm]):
            distributed = fit_models(tasks, matrices)
        cluster_s = time.perf_counter() - start
    say(f"local cluster of {args.workers} workers: started in {startup_s:.1f} s")
    say(f"cluster: {len(tasks)} fits in {cluster_s:.1f} s (matrix scattered once, included)")
    say(f"speed-up: {serial_s / cluster_s:.2f} (target >= 1.7 on 2 cores)")
    say(f"identical topic and paragraph matrices: {same_fits(serial, distributed)}")
    say(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(
        "# Dask sweep: local cluster vs serial\n\n"
        f"`benchmarks/dask_sweep.py --paragraphs {args.paragraphs} --workers {args.workers} "
        f"--models {' '.join(args.models)} --k {' '.join(map(str, args.k))} "
        f"--seeds {' '.join(map(str, args.seeds))}`; paragraphs resampled from paragraphs.txt for timing "
        "only. The machine is shared with other work: compare the load averages.\n\n"
        + "\n".join(f"- {line}" for line in lines)
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
