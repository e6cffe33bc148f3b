"""The main job: data/ in, every table, figure, saved model and executed notebook out.

:func:`run_study` fits the sweep and every reported model, compares them with the
reference and writes a results folder; :func:`reproduce` (``themes reproduce``) rebuilds the
paragraphs and agreement, stages ``results/`` beside the old one and swaps it in whole, then
executes the notebooks.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from filelock import FileLock, Timeout

from .. import files
from ..corpus.paragraphs import summarize
from ..errors import ThemesError
from ..progress import say, stage
from ..selection.cache import StudyCache, use_cache
from ..selection.dask_cluster import connect, dask_backend
from .config import StudyConfig
from .inputs import Study, build_corpus, load_study, write_agreement
from .notebooks import NEEDS, check_execution_tools, needs, notebook_paths, run_notebooks
from .outputs import write_results
from .pipeline import compare_stage, fit_stage, scorer_stage
from .plan import cached_fits, estimate_lines, measure_comparison, measure_fits, plan_run
from .project import Project, project_paths
from .rerun import record_run, run_key, up_to_date
from .settings import study_config

STAGING_PREFIX = ".results-"
LOCK_FILE = ".themes.lock"


def run_study(study: Study, out: Path, *, progress: bool = False) -> dict:
    """Fit the sweep and every reported model, compare with the reference, write ``out``.

    The stages of :mod:`themes.study.pipeline`, composed: fit, theme scorers, compare (when the
    study has labels), write (:func:`themes.study.outputs.write_results`). ``out`` is the results
    folder; every table, figure, saved model and the manifest go there. Returns the manifest.
    """
    import sklearn

    # Thousands of scikit-learn calls on the study's own matrices and scores (fits, AUCs, average
    # precisions) re-check arguments and finiteness each time: a fifth of the main job. The
    # matrices come from the Vectorizer and the scores from fitted models, so the checks are
    # skipped here; the numbers are the same (the rebuild is byte-identical either way).
    with sklearn.config_context(skip_parameter_validation=True, assume_finite=True):
        if progress:
            announce(study)
        fits = fit_stage(study, progress=progress)
        with stage("scorers and baselines", enabled=progress):
            runs = scorer_stage(study, fits)
        comparisons = (
            compare_stage(study, fits, runs, progress=progress) if study.labels is not None else None
        )
        with stage("tables, figures, explorers and saved models", enabled=progress):
            return write_results(study, fits, runs, comparisons, out)


def announce(study: Study) -> None:
    """Say what the run will do and about how long it will take, from one fit of each model on this
    corpus (fits the run needs anyway: kept in the cache when one is active)."""
    n_notebooks = len(notebook_paths(study.project.notebooks)) if study.project.notebooks.is_dir() else 0
    plan = plan_run(study, n_notebooks=n_notebooks)
    say(f"themes: measuring one fit of each of {len(plan.fits)} models on this corpus ...")
    cached = cached_fits(study, plan)
    seconds = measure_fits(study, plan)
    comparison = measure_comparison(study, plan)
    for line in estimate_lines(study, plan, seconds, n_cached=cached, comparison=comparison):
        say(line)


@contextlib.contextmanager
def project_lock(root: str | Path):
    """Hold ``<root>/.themes.lock``: one ``reproduce`` or ``verify`` per project folder at a time.

    Raises
    ------
    ThemesError
        At once, when another run holds the lock, or when ``root`` is not a project (no ``data/raw``).
    """
    # checked first: the lock would leave its file in a folder that is not a project
    Project(Path(root)).require_corpus()
    path = Path(root).resolve() / LOCK_FILE
    if path.exists() and not path.is_file():
        raise ThemesError(
            f"{path} is not a file; themes keeps its lock there, so move it away and run again."
        )
    lock = FileLock(path, timeout=0, is_singleton=True)  # a singleton is re-entrant in one process
    try:
        lock.acquire()
    except Timeout:
        raise ThemesError(f"another themes run holds {path}; wait for it to finish.") from None
    try:
        yield path
    finally:
        lock.release()


def remove_stale_staging(project) -> list[Path]:
    """Remove what killed runs left beside ``results/`` (call it only while holding the lock).

    A run killed between the two renames of :func:`themes.files.replace_folder` leaves no ``results/`` but
    a whole ``.results.old``: that one is put back rather than removed.
    """
    return files.restore_folder(project.results) + files.restore_folder(project.notebooks)


def reproduce(
    root: str | Path = ".",
    *,
    config: StudyConfig | None = None,
    notebooks: bool = True,
    progress: bool = True,
    scheduler: str | None = None,
    dask_workers: int | None = None,
    cache: bool = True,
    force: bool = False,
) -> dict:
    """Rebuild everything from ``data/``: paragraphs, agreement, results/ and the notebooks.

    ``config`` None takes the study folder's settings (``study/settings.yml``,
    :func:`themes.study.settings.study_config`). With ``cache`` the fits and coherence scores of
    earlier runs are read from the study's cache folder (``.themes-cache``) and new ones added as
    they finish, and a run whose inputs, settings, code, versions and outputs are all as the last
    run left them does nothing (unless ``force``). With ``scheduler`` (a Dask scheduler's address) or
    ``dask_workers`` (a local cluster of that many processes, closed after) the fits run on that
    cluster; the results are the same.
    """
    if notebooks:
        check_execution_tools()
    project = project_paths(root)
    config = study_config(project.root) if config is None else config
    store = StudyCache(project.cache) if cache else None
    # the cluster first, so that an unreachable scheduler fails before anything is written
    with project_lock(project.root), connect(scheduler=scheduler, n_workers=dask_workers) as client:
        remove_stale_staging(project)  # what killed runs left; no other run holds the lock
        key = run_key(project, config, notebooks=notebooks) if store else None
        if store and not force and up_to_date(project, key):
            say(
                "themes: nothing changed since the last run (inputs, settings, code, library versions "
                "and outputs are as it left them); results/ is up to date. --force rebuilds anyway."
            )
            return json.loads((project.results / "MANIFEST.json").read_text(encoding="utf-8"))
        # a folder that could not be replaced at the end is refused now, not after the long work
        files.check_removable(project.results)
        if notebooks:
            files.check_removable(project.notebooks)
        # every input (the adjudication log too) is validated before anything is written
        table = build_corpus(project, rules=config.cleaning, write=False)
        study = load_study(project, config=config, paragraphs=table)
        write_agreement(study)
        files.write_csv(project.paragraphs, table)
        files.write_csv(project.processed / "paragraph_summary.csv", summarize(table))
        # staged beside results/ (which also finds a full disk, before the fits) and swapped in whole
        with files.staged_folder(project.results) as staged:
            with use_cache(store), dask_backend(client, scatter=study.matrices.values()):
                manifest = run_study(study, staged, progress=progress)
        if notebooks:
            execute_notebooks(study, progress=progress)
        if store:
            record_run(project, key)
    return manifest


def execute_notebooks(study: Study, *, progress: bool = False) -> list[Path]:
    """Execute the study's notebooks that it can feed (after its results are written); the executed ones.

    Each notebook left, because the study lacks what its metadata says it needs (labels, two
    codings, answered intrusion tests: :data:`themes.study.notebooks.NEEDS`), is named with what it waits for.
    """
    project = study.project
    present = {
        "labels": study.labels is not None,
        "coders": study.coders is not None,
        "intrusion": (project.results / "intrusion.csv").is_file(),
        "seed_words": bool(study.seed_words),
    }
    available = [name for name, there in present.items() if there]
    executed = run_notebooks(project.notebooks, progress=progress, available=available)
    for path in notebook_paths(project.notebooks):
        if path not in executed:
            missing = [NEEDS.get(n, n) for n in needs(path) if n not in available]
            say(f"themes: left {path.name} unexecuted: it needs {'; '.join(missing)}.")
    return executed
