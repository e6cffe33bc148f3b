"""Time the K sweep and the whole rebuild on this machine (a benchmark, not a test).

    bash scripts/run.sh bench            # both, serial sweep
    bash scripts/run.sh bench --jobs 2   # the sweep with two joblib workers as well

Target (issue 11): ``themes reproduce``, notebooks included, under 30 s on a 2-core machine. The
rebuild runs with the main job's defaults (every core); the sweep is timed serially and on every core.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from themes.selection.sweep import run_sweep
from themes.study import run as main_job
from themes.study.inputs import Study, load_study
from themes.verify import verdict as verify

ROOT = Path(__file__).resolve().parents[1]


def time_sweep(study: Study, n_jobs: int) -> tuple[float, int]:
    """Seconds to fit and score every (model, K, seed) of the study's sweep; number of fits.

    The same :func:`themes.selection.sweep.run_sweep` the main job runs.
    """
    cfg = study.config
    start = time.perf_counter()
    sweep = run_sweep(study.dtm, models=cfg.sweep_models, k_range=cfg.k_range, seeds=cfg.seeds, n_jobs=n_jobs)
    return time.perf_counter() - start, len(sweep.fits)


def time_reproduce() -> tuple[float, float]:
    """Seconds for ``themes reproduce`` without and with the notebooks, in a copy of the inputs."""
    out = []
    for notebooks in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            verify.copy_inputs(ROOT, Path(tmp))
            start = time.perf_counter()
            main_job.reproduce(tmp, notebooks=notebooks, progress=False)
            out.append(time.perf_counter() - start)
    return out[0], out[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=-1, help="also time the sweep with this many workers")
    parser.add_argument("--sweep-only", action="store_true", help="skip timing the whole rebuild")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    study = load_study(ROOT)
    for jobs in sorted({1, args.jobs}):
        seconds, n = time_sweep(study, jobs)
        print(f"K sweep, n_jobs={jobs}: {n} fits, scored, in {seconds:.1f} s")
    if not args.sweep_only:
        bare, full = time_reproduce()
        print(
            f"themes reproduce: {bare:.1f} s without notebooks, {full:.1f} s with notebooks (target < 30 s); "
            f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}"
        )


if __name__ == "__main__":
    main()
