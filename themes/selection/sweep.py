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

# scikit-learn's subclasses of joblib's Parallel and delayed carry its configuration into the
# workers (the main job's skip of argument checks, see run_study), and are joblib's otherwise
from sklearn.utils.parallel import Parallel, delayed

from ..errors import ModelError, SeedWordsWarning
from ..models.registry import get_spec
from ..models.topic_model import TopicModel, check_k
from ..text.matrix import DocumentTermMatrix
from . import measures as selection
from .dask_cluster import dask_active


@dataclass(frozen=True, order=True)
class FitTask:
    """One fit of the grid: a named model of the registry, its K and its seed."""

    model: str
    k: int
    seed: int


def fit_task(task: FitTask, dtm: DocumentTermMatrix, seed_words: dict | None) -> TopicModel:
    """Fit one task (a module-level function, so that joblib and Dask can ship it)."""
    spec = get_spec(task.model)
    with warnings.catch_warnings():
        # seed words missing from the vocabulary are reported once, not once per fit
        warnings.simplefilter("ignore", SeedWordsWarning)
        return TopicModel.from_matrix(
            spec.make(k=task.k, seed=task.seed, seed_words=seed_words), dtm, name=task.model
        )


def fit_models(
    tasks: Sequence[FitTask],
    matrices: Mapping[str, DocumentTermMatrix],
    *,
    seed_words: dict | None = None,
    n_jobs: int = 1,
    progress: bool = False,
    desc: str = "fits",
) -> list[TopicModel]:
    """Fit every task on its model's matrix (``matrices["study"]`` or ``["naive"]``), in task order."""
    for task in tasks:
        check_k(task.k, matrices[get_spec(task.model).vectorizer].shape[0])
    jobs = [delayed(fit_task)(t, matrices[get_spec(t.model).vectorizer], seed_words) for t in tasks]
    return _run(jobs, n_jobs=n_jobs, progress=progress, desc=desc)


def fit_with_seed_words(task: FitTask, dtm: DocumentTermMatrix, seed_words: dict | None) -> TopicModel:
    """Fit a seeded model of the registry with other seed words; ``None`` fits the same
    estimator, K, solver and settings without any seed word (its topics are then matched to the
    themes like a plain model's)."""
    spec = get_spec(task.model)
    params = {
        "n_components": task.k,
        "random_state": task.seed,
        **spec.settings,
        "seed_words": seed_words or {},
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SeedWordsWarning)
        return TopicModel.from_matrix(spec.estimator_class(**params), dtm, name=task.model)


def fit_seed_word_variants(
    variants: Sequence[tuple[FitTask, dict | None]],
    dtm: DocumentTermMatrix,
    *,
    n_jobs: int = 1,
    progress: bool = False,
    desc: str = "seed-word variants",
) -> list[TopicModel]:
    """:func:`fit_with_seed_words` for every (task, seed words) pair, in order."""
    jobs = [delayed(fit_with_seed_words)(task, dtm, words) for task, words in variants]
    return _run(jobs, n_jobs=n_jobs, progress=progress, desc=desc)


def _run(jobs: list, *, n_jobs: int, progress: bool, desc: str) -> list:
    """joblib's Parallel over ``jobs``, with a progress bar; every Dask worker when a cluster is active."""
    from tqdm import tqdm

    if dask_active():
        n_jobs = -1  # on a Dask cluster (themes.selection.dask_cluster.dask_backend): every worker of it
    out = []
    with tqdm(total=len(jobs), desc=desc, disable=None if progress else True, leave=False) as bar:
        for result in Parallel(n_jobs=n_jobs, return_as="generator")(jobs):
            out.append(result)
            bar.update(1)
    return out


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
    *,
    models: Sequence[str],
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
    models : sequence of str
        Plain models of :data:`themes.models.registry.MODELS`.
    k_range, seeds : sequence of int
    n_jobs : int
        joblib workers; results do not depend on it. Inside :func:`themes.selection.dask_cluster.dask_backend`
        every worker of the Dask cluster is used instead.
    """
    for name in models:
        if get_spec(name).seeded:
            raise ModelError(f"{name!r} is seeded: its K is the themes plus free topics, not swept.")
    tasks = [FitTask(m, k, s) for m in models for k in k_range for s in seeds]
    fits = fit_models(tasks, {"study": dtm}, n_jobs=n_jobs, progress=progress, desc="K sweep")
    scores = selection.score_fits(fits, dtm, n_jobs=n_jobs)
    summary = selection.summarise_sweep(scores)
    return Sweep(fits, scores, summary, selection.select_k(summary))
