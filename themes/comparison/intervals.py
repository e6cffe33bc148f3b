"""Intervals of the comparison: bootstrap over paragraphs, and over source documents with the
matching redone.

The bootstrap says how much an AUC rests on the few paragraphs that carry a theme; resampling
whole documents says how much it rests on which sources were read. :func:`matched_auc` is the
seed-averaged AUC after matching (:func:`themes.comparison.matching.assign`) that the document
bootstrap and the permutation null (:mod:`themes.comparison.null`) recompute on each draw.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .matching import assign, auc_from_ranks, auc_matrix, fixed_columns, u_statistic


def bootstrap_auc(
    scores_by_seed: list[pd.DataFrame],
    labels: pd.DataFrame,
    *,
    n_boot: int,
    seed: int,
    level: float = 0.95,
) -> pd.DataFrame:
    """Stratified percentile bootstrap over paragraphs of the seed-averaged ROC AUC.

    Positives and negatives are resampled separately, so every resample holds each class
    as often as the data do (the default of pROC, Robin et al. 2011); the AUC of each seed's
    scores is computed on the resample and averaged over seeds. A seed that left the theme
    unmatched scores it 0 everywhere, an AUC of 0.5 in every resample, as in the point estimate.
    """
    rng = np.random.default_rng(seed)
    index = scores_by_seed[0].index
    y = labels.loc[index]
    rows = []
    for theme in labels.columns:
        truth = y[theme].to_numpy().astype(bool)
        pos, neg = np.flatnonzero(truth), np.flatnonzero(~truth)
        if len(pos) == 0 or len(neg) == 0:
            rows.append({"theme": theme, "auc_ci_low": np.nan, "auc_ci_high": np.nan})
            continue
        bp = rng.choice(pos, size=(n_boot, len(pos)), replace=True)
        bn = rng.choice(neg, size=(n_boot, len(neg)), replace=True)
        stacked = np.stack([s.loc[index, theme].to_numpy() for s in scores_by_seed])  # seeds x paragraphs
        u = u_statistic(stacked[:, bp], stacked[:, bn], axis=-1)
        auc = (u / (len(pos) * len(neg))).mean(axis=0)
        lo, hi = np.quantile(auc, [(1 - level) / 2, (1 + level) / 2])
        rows.append({"theme": theme, "auc_ci_low": lo, "auc_ci_high": hi})
    return pd.DataFrame(rows)


def rank_auc(values: np.ndarray, y: np.ndarray) -> np.ndarray:
    """:func:`themes.comparison.matching.auc_matrix` with 0.5 where a theme lacks a class (a neutral entry for
    the Hungarian matching, which takes no NaN)."""
    return np.nan_to_num(auc_matrix(values, y), nan=0.5)


def _auc_from_ranks(ranks: np.ndarray, y: np.ndarray) -> np.ndarray:
    """:func:`rank_auc` from the columns' mid-ranks (the permutation loop ranks once)."""
    return np.nan_to_num(auc_from_ranks(ranks, y), nan=0.5)


def matched_auc(
    values: list[np.ndarray], fixed: list, y: np.ndarray, *, ranks: list[np.ndarray] | None = None
) -> np.ndarray:
    """Seed-averaged AUC of each theme after matching each seed's columns (as
    :func:`themes.comparison.matching.match_themes` does), on one set of rows.

    A seed in which a theme gets no column (fewer topics than themes) scores it at chance, 0.5,
    as its constant zero score does in the point estimate; NaN for a theme without both classes.
    ``ranks`` (each seed's column mid-ranks) saves ranking ``values`` again when only ``y`` changes.
    """
    got = np.full((len(values), y.shape[1]), 0.5)
    for i, (v, cols) in enumerate(zip(values, fixed, strict=True)):
        auc = rank_auc(v, y) if ranks is None else _auc_from_ranks(ranks[i], y)
        if cols is None:
            rows, themes = assign(auc)
            got[i, themes] = auc[rows, themes]
        else:
            has = cols >= 0
            got[i, has] = auc[cols[has], np.flatnonzero(has)]
    n_pos = y.sum(axis=0)
    got[:, (n_pos == 0) | (n_pos == len(y))] = np.nan  # a resample without both classes says nothing
    return nanmean(got)


def nanmean(values: np.ndarray) -> np.ndarray:
    """Mean over the first axis ignoring NaN; NaN (without a warning) where every value is NaN."""
    finite = np.isfinite(values)
    n = finite.sum(axis=0)
    total = np.where(finite, values, 0.0).sum(axis=0)
    return np.divide(total, n, out=np.full(total.shape, np.nan), where=n > 0)


def nanquantile(draws: np.ndarray, q) -> np.ndarray:
    """Quantiles over the first axis ignoring NaN; NaN (without a warning) for an all-NaN column."""
    q = np.atleast_1d(q)
    out = np.full((len(q), draws.shape[1]), np.nan)
    for j in range(draws.shape[1]):
        column = draws[:, j][np.isfinite(draws[:, j])]
        if len(column):
            out[:, j] = np.quantile(column, q)
    return out[0] if out.shape[0] == 1 else out


def cluster_bootstrap_auc(
    candidates_by_seed: list[pd.DataFrame],
    labels: pd.DataFrame,
    groups: pd.Series,
    *,
    n_boot: int,
    seed: int,
    match: bool = True,
    level: float = 0.95,
) -> pd.DataFrame:
    """Percentile bootstrap of the seed-averaged AUC over source documents, matching redone.

    Paragraphs of one document are not independent evidence; whole documents are resampled
    with replacement (all their paragraphs together) and every seed is matched anew on the
    resample. With few documents the interval is wide and coarse: it says how far a result
    rests on which sources were read. A resample that holds no positive (or no negative)
    paragraph of a theme has no AUC and is left out of that theme's interval. Returns per
    theme the interval, the number of documents, and how many distinct resamples there are
    (``cluster_resamples``: the multisets of D documents drawn from D, C(2D - 1, D); 35 for four
    documents): below :data:`FEW_RESAMPLES` the interval is too coarse to read as a 95% interval.
    """
    rng = np.random.default_rng(seed)
    index = candidates_by_seed[0].index
    y = labels.loc[index].to_numpy().astype(bool)
    doc = groups.loc[index].to_numpy()
    docs = np.unique(doc)
    rows_of = {d: np.flatnonzero(doc == d) for d in docs}
    themes = list(labels.columns)
    values = [c.loc[index].to_numpy(dtype=np.float64) for c in candidates_by_seed]
    columns = [list(c.columns) for c in candidates_by_seed]
    fixed = [fixed_columns(cols, themes, match) for cols in columns]
    yf = y.astype(float)
    draws = np.empty((n_boot, len(themes)))
    # a resample's AUCs depend only on which documents it holds, how often, not in which order
    # (few documents give few such multisets), so each is computed once
    seen: dict[tuple, np.ndarray] = {}
    for b in range(n_boot):
        picked = rng.choice(docs, size=len(docs), replace=True)
        key = tuple(sorted(picked.tolist()))
        if key not in seen:
            rows = np.concatenate([rows_of[d] for d in key])
            seen[key] = matched_auc([v[rows] for v in values], fixed, yf[rows])
        draws[b] = seen[key]
    lo, hi = nanquantile(draws, [(1 - level) / 2, (1 + level) / 2])
    return pd.DataFrame(
        {
            "theme": themes,
            "auc_cluster_low": lo,
            "auc_cluster_high": hi,
            "n_documents": len(docs),
            "cluster_resamples": math.comb(2 * len(docs) - 1, len(docs)),
        }
    )


FEW_RESAMPLES = 200
"""Below this many distinct resamples over documents (five documents give 126, six 462), a
percentile interval over documents is too coarse to read as a 95% interval; the tables mark it."""


def paired_auc_difference(
    scores_a: list[pd.DataFrame],
    scores_b: list[pd.DataFrame],
    labels: pd.DataFrame,
    *,
    n_boot: int,
    seed: int,
    level: float = 0.95,
) -> pd.DataFrame:
    """The seed-averaged AUC of A minus B per theme, and over the themes' mean, with a paired bootstrap.

    Paragraphs are resampled with replacement, the same rows for both scorers (so what they share,
    the paragraphs, cancels); each seed's AUC is computed on the resample and averaged over seeds, as
    the point estimate. Returns per theme (and ``mean`` for the mean over themes) the difference and
    its percentile interval: an interval that excludes 0 says A and B differ beyond what the choice
    of paragraphs explains (a ranking of point estimates says nothing of the kind).
    """
    rng = np.random.default_rng(seed)
    index = scores_a[0].index
    y = labels.loc[index].to_numpy().astype(bool)
    themes = list(labels.columns)
    stack = {
        side: np.stack([s.loc[index, themes].to_numpy(dtype=np.float64) for s in scores])
        for side, scores in (("a", scores_a), ("b", scores_b))
    }

    def seed_mean_auc(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
        return nanmean(np.array([np.diag(auc_matrix(v[rows], y[rows])) for v in values]))

    every = np.arange(len(index))
    observed = seed_mean_auc(stack["a"], every) - seed_mean_auc(stack["b"], every)
    draws = np.empty((n_boot, len(themes)))
    for b in range(n_boot):
        rows = rng.integers(0, len(index), len(index))
        draws[b] = seed_mean_auc(stack["a"], rows) - seed_mean_auc(stack["b"], rows)
    low, high = nanquantile(draws, [(1 - level) / 2, (1 + level) / 2])
    means = nanmean(draws.T)  # a resample missing a theme's class leaves it out of that draw's mean
    mean_low, mean_high = nanquantile(means[:, None], [(1 - level) / 2, (1 + level) / 2])[:, 0]
    return pd.DataFrame(
        {
            "theme": [*themes, "mean"],
            "difference": [*observed, nanmean(observed[:, None].T)[0]],
            "ci_low": [*low, mean_low],
            "ci_high": [*high, mean_high],
        }
    )
