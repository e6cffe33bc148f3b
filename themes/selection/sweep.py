"""The grid of (model, K, seed) fits, and the sweep that chooses K per model.

Each fit is an independent task: joblib runs them serially or on several cores (or, with
joblib's Dask backend, on a cluster); the result does not depend on how they are spread,
because every fit is seeded on its own and pins its thread pools to one thread. One
:func:`run_sweep` serves the main job, a student's own corpus and the benchmarks.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from sklearn.base import BaseEstimator, clone

# scikit-learn's subclasses of joblib's Parallel and delayed carry its configuration into the
# workers (the main job's skip of argument checks, see run_study), and are joblib's otherwise
from sklearn.utils.parallel import Parallel, delayed

from ..errors import ModelError, SeedWordsWarning
from ..models.backends import is_seeded
from ..models.fitting import check_k, fit_matrix
from ..models.topic_model import TopicModel
from ..progress import progress as progress_counter
from ..progress import say
from ..text.matrix import DocumentTermMatrix
from . import measures as selection
from .cache import active_cache
from .dask_cluster import dask_active


@dataclass(frozen=True, eq=False)
class FitTask:
    """One fit of a grid: a model's name, its unfitted estimator (K and seed set), the matrix it takes.

    ``matrix`` names one of the matrices :func:`fit_models` is given (a study has its own analysis,
    ``"study"``, and the naive baseline's, ``"naive"``).
    """

    name: str
    estimator: BaseEstimator
    matrix: str = "study"

    @property
    def k(self) -> int:
        return self.estimator.get_params()["n_components"]

    @property
    def seed(self):
        return self.estimator.get_params().get("random_state")


def grid_task(name: str, estimator, *, k: int, seed: int, matrix: str = "study", **params) -> FitTask:
    """A task for a clone of ``estimator`` with ``k`` topics, the seed, and other ``params`` set."""
    est = clone(estimator).set_params(n_components=k, random_state=seed, **params)
    return FitTask(name, est, matrix)


def fit_task(task: FitTask, dtm: DocumentTermMatrix) -> TopicModel:
    """Fit one task (a module-level function, so that joblib and Dask can ship it)."""
    with warnings.catch_warnings():
        # seed words missing from the vocabulary are reported once, not once per fit
        warnings.simplefilter("ignore", SeedWordsWarning)
        return fit_matrix(task.estimator, dtm, name=task.name)


def fit_models(
    tasks: Sequence[FitTask],
    matrices: Mapping[str, DocumentTermMatrix],
    *,
    n_jobs: int = 1,
    progress: bool = False,
    desc: str = "fits",
) -> list[TopicModel]:
    """Fit every task on its matrix, in task order (``n_jobs`` joblib workers, or a Dask cluster).

    While a study's cache is active (:func:`themes.selection.cache.use_cache`) a task fitted before
    with the same matrix, estimator, seed and versions is read back instead of refitted, and each
    new fit is stored as soon as it finishes, so that a run stopped part way keeps what it had done.
    """
    for task in tasks:
        if task.matrix not in matrices:
            raise ModelError(
                f"the fit {task.name!r} asks for the matrix {task.matrix!r}, which was not given."
            )
        check_k(task.k, matrices[task.matrix].shape[0])
    cache = active_cache()
    keys = [cache.fit_key(t.name, t.estimator, matrices[t.matrix]) if cache else None for t in tasks]
    out: list[TopicModel | None] = [cache.load_fit(key) if cache else None for key in keys]
    todo = [i for i, fit in enumerate(out) if fit is None]
    if cache and len(todo) < len(tasks):
        say(f"themes: {desc}: {len(tasks) - len(todo)} of {len(tasks)} fits read from the cache")
    jobs = [delayed(fit_task)(tasks[i], matrices[tasks[i].matrix]) for i in todo]
    for i, fit in zip(todo, _run(jobs, n_jobs=n_jobs, progress=progress, desc=desc), strict=True):
        if cache:
            cache.store_fit(keys[i], fit)
        out[i] = fit
    return out


def _run(jobs: list, *, n_jobs: int, progress: bool, desc: str):
    """joblib's Parallel over ``jobs``, yielding results in order as they come, with a progress
    counter; every Dask worker when a cluster is active."""
    if dask_active():
        n_jobs = -1  # on a Dask cluster (themes.selection.dask_cluster.dask_backend): every worker of it
    if not jobs:
        return
    with progress_counter(len(jobs), desc, enabled=progress) as bar:
        for result in Parallel(n_jobs=n_jobs, return_as="generator")(jobs):
            bar.update(1)
            yield result


@dataclass(frozen=True, eq=False)
class Sweep:
    """What the sweep found.

    Attributes
    ----------
    fits : list of TopicModel
        Every fit, in grid order (model, K, seed).
    scores : pandas.DataFrame
        One row per fit: model, K, seed, NPMI, C_V, diversity, stability.
    summary : pandas.DataFrame
        Per model and K: mean and standard error over seeds.
    chosen : pandas.DataFrame
        The K chosen per model, by :data:`themes.selection.measures.SELECTION_RULE`.
    """

    fits: list[TopicModel]
    scores: pd.DataFrame
    summary: pd.DataFrame
    chosen: pd.DataFrame

    @property
    def selected(self) -> dict[str, int]:
        return dict(zip(self.chosen["model"], self.chosen["K"].astype(int), strict=True))

    def chosen_fits(self) -> dict[str, list[TopicModel]]:
        """Each model's fits at its chosen K, one per seed."""
        selected = self.selected
        out: dict[str, list[TopicModel]] = {}
        for fit in self.fits:
            if selected.get(fit.name) == fit.k:
                out.setdefault(fit.name, []).append(fit)
        return out

    def __repr__(self) -> str:
        chosen = ", ".join(f"{m} K={k}" for m, k in self.selected.items())
        return f"Sweep({len(self.fits)} fits; chosen: {chosen})"


def run_sweep(
    dtm: DocumentTermMatrix,
    estimators: Mapping[str, BaseEstimator],
    *,
    k_range: Sequence[int],
    seeds: Sequence[int],
    n_jobs: int = 1,
    progress: bool = False,
) -> Sweep:
    """Fit every plain model for every K and seed, score the fits, and choose K per model.

    Parameters
    ----------
    dtm : DocumentTermMatrix
        The paragraphs under the study's analysis.
    estimators : mapping of str to estimator
        Each model's name and unfitted estimator (any backend's: scikit-learn's ``NMF``, this
        package's ``GensimLDA``, a student's own); its ``n_components`` and ``random_state``
        are set for each fit. Seeded estimators are refused: their K is the themes plus free topics.
    k_range, seeds : sequence of int
    n_jobs : int
        joblib workers; results do not depend on it. Inside
        :func:`themes.selection.dask_cluster.dask_backend` every worker of the Dask cluster is used.

    Examples
    --------
    >>> from sklearn.decomposition import NMF
    >>> sweep = run_sweep(dtm, {"nmf": NMF(init="nndsvda")}, k_range=[3, 4, 5], seeds=[0, 1])
    >>> sweep.selected
    {'nmf': 4}
    """
    for name, estimator in estimators.items():
        if is_seeded(estimator):
            raise ModelError(f"{name!r} is seeded: its K is the themes plus free topics, not swept.")
    tasks = [grid_task(m, est, k=k, seed=s) for m, est in estimators.items() for k in k_range for s in seeds]
    fits = fit_models(tasks, {"study": dtm}, n_jobs=n_jobs, progress=progress, desc="K sweep")
    with progress_counter(1, "coherence of the K sweep", enabled=progress) as bar:
        scores = selection.score_fits(fits, dtm, n_jobs=n_jobs)
        bar.update(1)
    summary = selection.summarise_sweep(scores)
    return Sweep(fits, scores, summary, selection.select_k(summary))
