"""The main job: data/ in, every table, figure, saved model and executed notebook out.

:func:`run_study` fits the sweep and every reported model, compares them with the
reference and writes a results folder; :func:`reproduce` (``themes reproduce``) rebuilds the
paragraphs and agreement, stages ``results/`` beside the old one and swaps it in whole, then
executes the notebooks.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

from filelock import FileLock, Timeout

from .. import files
from ..corpus.paragraphs import summarize
from ..errors import ThemesError
from ..selection.dask_cluster import connect, dask_backend
from .config import StudyConfig
from .inputs import Study, build_corpus, load_study, write_agreement
from .notebooks import NEEDS, check_execution_tools, needs, notebook_paths, run_notebooks
from .outputs import write_results
from .pipeline import compare_stage, fit_stage, say, scorer_stage
from .project import Project, project_paths

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
        fits = fit_stage(study, progress=progress)
        runs = scorer_stage(study, fits)
        comparisons = (
            compare_stage(study, fits, runs, progress=progress) if study.labels is not None else None
        )
        return write_results(study, fits, runs, comparisons, out)


replace_folder = files.replace_folder  # the swap of a staged folder (themes.files)


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

    A run killed between the two renames of :func:`replace_folder` leaves no ``results/`` but
    a whole ``.results.old``: that one is put back rather than removed.
    """
    return files.restore_folder(project.results) + files.restore_folder(project.notebooks)


def reproduce(
    root: str | Path = ".",
    *,
    config: StudyConfig = StudyConfig(),
    notebooks: bool = True,
    progress: bool = True,
    scheduler: str | None = None,
    dask_workers: int | None = None,
) -> dict:
    """Rebuild everything from ``data/``: paragraphs, agreement, results/ and the notebooks.

    With ``scheduler`` (a Dask scheduler's address) or ``dask_workers`` (a local cluster of
    that many processes, closed after) the fits run on that cluster; the results are the same.
    """
    if notebooks:
        check_execution_tools()
    project = project_paths(root)
    # the cluster first, so that an unreachable scheduler fails before anything is written
    with project_lock(project.root), connect(scheduler=scheduler, n_workers=dask_workers) as client:
        remove_stale_staging(project)  # what killed runs left; no other run holds the lock
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
        staged = files.make_staging_folder(project.results)  # also finds a full disk, before the fits
        try:
            with dask_backend(client, scatter=study.matrices.values()):
                manifest = run_study(study, staged, progress=progress)
            replace_folder(staged, project.results)
        finally:
            if staged.exists():
                shutil.rmtree(staged)
    if notebooks:
        execute_notebooks(study, progress=progress)
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
    }
    available = [name for name, there in present.items() if there]
    executed = run_notebooks(project.notebooks, progress=progress, available=available)
    for path in notebook_paths(project.notebooks):
        if path not in executed:
            missing = [NEEDS.get(n, n) for n in needs(path) if n not in available]
            say(f"themes: left {path.name} unexecuted: it needs {'; '.join(missing)}.")
    return executed
