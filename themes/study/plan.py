"""Know before you wait: what a study run will do, and about how long it will take on this corpus.

:func:`plan_run` counts the work of each stage from the study's settings; :func:`measure_fits` fits
one task of each model (the first seed's fit at a K of its grid: a fit the run needs anyway, kept in
the study's cache when one is active) and times it; :func:`estimate_lines` turns both into the lines
the main job prints before the long work starts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from joblib import effective_n_jobs
from sklearn.utils.parallel import Parallel, delayed

from ..comparison.robustness import SEEDED_FOR_CHECKS, seed_word_variants
from ..comparison.scorers import ModelRuns
from ..comparison.theme_table import theme_table
from ..progress import duration
from ..selection.cache import active_cache
from ..selection.sweep import FitTask, fit_task, grid_task
from .inputs import Study

NOTEBOOK_SECONDS = 6.0
"""CPU seconds of one notebook's kernel (start, imports, cells) on the reference machine."""
REPEAT_BELOW = 5.0
"""A measured fit shorter than this is timed a second time (the first includes imports)."""
OTHER_SHARE = 0.25
"""Coherence and the other scores, as a share of the fits' time (measured on the seed study)."""
WRITE_SECONDS = 1.5
"""CPU seconds of one topic model's figures, explorer page and saved model, at 5,000 paragraphs half again."""
NOTEBOOK_PER_PARAGRAPH = 0.002
"""A notebook's extra CPU seconds per kept paragraph (it reads the study and vectorizes it again)."""


@dataclass(frozen=True)
class Plan:
    """The fits of a run, by model: ``(model, number of fits, one task of it)``, and the other work."""

    fits: tuple[tuple[str, int, FitTask], ...]
    seed_checks: tuple[tuple[str, int], ...]
    n_comparisons: int
    n_notebooks: int

    @property
    def n_fits(self) -> int:
        return sum(n for _, n, _ in self.fits) + sum(n for _, n in self.seed_checks)


def plan_run(study: Study, *, n_notebooks: int = 0) -> Plan:
    """Count the run's work: the sweep, the other models, the seed-word checks, the comparisons."""
    cfg, design = study.config, study.config.models
    ks = sorted(cfg.k_range)
    fits = []
    for name, spec in design.items():
        if spec.seeded and not study.seed_words:
            continue
        swept = name in cfg.sweep_models
        fixed = spec.seeded or spec.vectorizer == "naive"  # K set by the design, not by the sweep
        k = study.model_k(name, {}) if fixed else ks[len(ks) // 2]
        n = len(cfg.seeds) * (len(ks) if swept else 1)
        est = spec.prototype(seed_words=study.seed_words if spec.seeded else None)
        fits.append((name, n, grid_task(name, est, k=k, seed=cfg.seeds[0], matrix=spec.vectorizer)))
    checks = []
    if study.seed_words and cfg.seed_word_checks and study.labels is not None:
        n_variants = len(seed_word_variants(study.seed_words, seed=cfg.stat_seed))
        if cfg.seed_word_variants:
            n_variants = min(n_variants, cfg.seed_word_variants)
        checks = [
            (n, len(cfg.seeds) + n_variants) for n in SEEDED_FOR_CHECKS if n in dict((f[0], f) for f in fits)
        ]
    n_models = len(fits) + (5 if study.labels is not None else 0)
    return Plan(tuple(fits), tuple(checks), n_models if study.labels is not None else 0, n_notebooks)


def measure_fits(study: Study, plan: Plan) -> dict[str, float]:
    """Seconds of one fit of each model on this corpus (one task each, on the local cores).

    With a cache active the measured fits are kept (they are fits of the grid), and a model whose
    task is cached already is timed from the cache's record of its first fit.
    """
    cache = active_cache()
    tasks = [task for _, _, task in plan.fits]
    if cache is None:
        fitted = Parallel(n_jobs=study.config.n_jobs)(
            delayed(_timed_fit)(t, study.matrices[t.matrix]) for t in tasks
        )
        return {t.name: s for t, (_, s) in zip(tasks, fitted, strict=True)}
    out = {}
    for task in tasks:
        known = cache.timing(cache.fit_key(task.name, task.estimator, study.matrices[task.matrix]))
        if known is not None:
            out[task.name] = known
    todo = [t for t in tasks if t.name not in out]
    if todo:
        fitted = Parallel(n_jobs=study.config.n_jobs)(
            delayed(_timed_fit)(t, study.matrices[t.matrix]) for t in todo
        )
        for task, (model, seconds) in zip(todo, fitted, strict=True):
            key = cache.fit_key(task.name, task.estimator, study.matrices[task.matrix])
            cache.store_fit(key, model)
            cache.store_timing(key, seconds)
            out[task.name] = seconds
    return out


def _timed_fit(task: FitTask, dtm):
    """The fit and its seconds; a fit under :data:`REPEAT_BELOW` seconds is timed again, as the first
    fit in a fresh worker also imports its library."""
    start = time.perf_counter()
    model = fit_task(task, dtm)
    seconds = time.perf_counter() - start
    if seconds < REPEAT_BELOW:
        start = time.perf_counter()
        fit_task(task, dtm)
        seconds = time.perf_counter() - start
    return model, seconds


def measure_comparison(study: Study, plan: Plan) -> float:
    """Seconds to compare one fit with the labels (intervals, null, held-out score) on this corpus,
    timed on the first plain model's measured fit; 0 without labels."""
    if study.labels is None or not plan.fits:
        return 0.0
    cache = active_cache()
    name, _, task = next(((n, c, t) for n, c, t in plan.fits if n in study.config.sweep_models), plan.fits[0])
    dtm = study.matrices[task.matrix]
    model = cache.load_fit(cache.fit_key(name, task.estimator, dtm)) if cache else None
    model = model or fit_task(task, dtm)
    doc_of = study.kept.set_index("paragraph_id")["doc_id"]
    start = time.perf_counter()
    theme_table(
        ModelRuns.of_models([model], study.labels), study.labels, doc_of, inference=study.config.inference()
    )
    return time.perf_counter() - start


def cached_fits(study: Study, plan: Plan) -> int:
    """How many of the planned sweep and model fits the active cache holds already."""
    cache = active_cache()
    if cache is None:
        return 0
    cfg = study.config
    n = 0
    for name, _, task in plan.fits:
        ks = sorted(cfg.k_range) if name in cfg.sweep_models else [task.k]
        for k in ks:
            for seed in cfg.seeds:
                t = grid_task(name, task.estimator, k=k, seed=seed, matrix=task.matrix)
                n += cache.has_fit(cache.fit_key(name, t.estimator, study.matrices[task.matrix]))
    return n


def estimate_lines(
    study: Study, plan: Plan, seconds: dict[str, float], *, n_cached: int = 0, comparison: float = 0.0
) -> list[str]:
    """What the run will do and about how long it will take, as lines for the user."""
    cfg = study.config
    n, k = study.dtm.shape[0], f"K {min(cfg.k_range)}-{max(cfg.k_range)}"
    labelled = "labels" if study.labels is not None else "no labels"
    lines = [
        f"themes: {n} kept paragraphs, {len(study.themes)} themes, {labelled}; "
        f"scale {cfg.scale}, seeds {list(cfg.seeds)}",
        *(f"themes:   {change}" for change in cfg.changes()),
    ]
    fits = [f"{name} x{count}" for name, count, _ in plan.fits]
    lines.append(f"themes: fits: {', '.join(fits)} (swept over {k}); {n_cached} of them cached")
    if plan.seed_checks:
        checks = ", ".join(f"{name} x{count}" for name, count in plan.seed_checks)
        lines.append(f"themes: seed-word checks, refits (at most): {checks}")
    if plan.n_comparisons:
        lines.append(
            f"themes: {plan.n_comparisons} models and baselines compared with the labels "
            f"({cfg.n_boot} bootstrap resamples, {cfg.n_perm} permutations)"
        )
    if plan.n_notebooks:
        lines.append(f"themes: then {plan.n_notebooks} notebooks")
    per_fit = {name: seconds.get(name, 0.0) for name, _, _ in plan.fits}
    fit_cpu = sum(per_fit[name] * count for name, count, _ in plan.fits)
    fit_cpu *= max(0.0, 1 - n_cached / max(1, sum(count for _, count, _ in plan.fits)))
    fit_cpu += sum(per_fit.get(name, 0.0) * count for name, count in plan.seed_checks)
    n_seeds = len(cfg.seeds)
    compare_cpu = comparison * (plan.n_comparisons * n_seeds + len(plan.seed_checks) * n_seeds)
    write_cpu = WRITE_SECONDS * len(plan.fits) * (1 + n / 5000)
    notebook_cpu = plan.n_notebooks * (NOTEBOOK_SECONDS + NOTEBOOK_PER_PARAGRAPH * n)
    cpu = fit_cpu * (1 + OTHER_SHARE) + compare_cpu + write_cpu + notebook_cpu
    workers = max(1, effective_n_jobs(cfg.n_jobs))
    measured = ", ".join(f"{name} {duration(s) if s >= 1 else f'{s:.2f} s'}" for name, s in per_fit.items())
    lines.append(
        f"themes: estimated time: about {duration(cpu / workers + 10)} on {workers} core(s) "
        f"(rough: from one fit of each model on this corpus: {measured}; one fit compared with the labels: "
        f"{comparison:.1f} s)"
    )
    return lines
