"""Uncertainty of the comparison: bootstrap intervals and the permutation test of matching.

Matching picks, for each theme, the best of K topics on the same labels, which lifts the AUC
above 0.5 even when topics and themes are unrelated; the null measures that lift. The
bootstrap says how much an AUC rests on the few paragraphs that carry a theme.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from scipy.stats import rankdata

from .matching import _u_statistic, auc_from_ranks, auc_matrix


def bootstrap_auc(
    scores_by_seed: list[pd.DataFrame],
    labels: pd.DataFrame,
    *,
    n_boot: int,
    seed: int,
    level: float = 0.95,
    unmatched: list[set] | None = None,
) -> pd.DataFrame:
    """Stratified percentile bootstrap over paragraphs of the seed-averaged ROC AUC.

    Positives and negatives are resampled separately, so every resample holds each class
    as often as the data do (the default of pROC, Robin et al. 2011); the AUC of each seed's
    scores is computed on the resample and averaged over seeds. ``unmatched`` names, per
    seed, the themes no topic was matched to: those seeds are left out of that theme's
    average (their constant score would add a fixed 0.5 and narrow the interval); a theme
    unmatched in every seed has no interval.
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
        usable = [s for i, s in enumerate(scores_by_seed) if not unmatched or theme not in unmatched[i]]
        if not usable:
            rows.append({"theme": theme, "auc_ci_low": np.nan, "auc_ci_high": np.nan})
            continue
        stacked = np.stack([s.loc[index, theme].to_numpy() for s in usable])  # seeds x paragraphs
        u = _u_statistic(stacked[:, bp], stacked[:, bn], axis=-1)
        auc = (u / (len(pos) * len(neg))).mean(axis=0)
        lo, hi = np.quantile(auc, [(1 - level) / 2, (1 + level) / 2])
        rows.append({"theme": theme, "auc_ci_low": lo, "auc_ci_high": hi})
    return pd.DataFrame(rows)


def _rank_auc(values: np.ndarray, y: np.ndarray) -> np.ndarray:
    """:func:`themes.comparison.matching.auc_matrix` with 0.5 where a theme lacks a class (a neutral entry for
    the Hungarian matching, which takes no NaN)."""
    return np.nan_to_num(auc_matrix(values, y), nan=0.5)


def _auc_from_ranks(ranks: np.ndarray, y: np.ndarray) -> np.ndarray:
    """:func:`_rank_auc` from the columns' mid-ranks (the permutation loop ranks once)."""
    return np.nan_to_num(auc_from_ranks(ranks, y), nan=0.5)


def _fixed_columns(columns: list, themes: list, match: bool) -> np.ndarray | None:
    """Without matching, the column named after each theme (-1 when there is none)."""
    if match:
        return None
    return np.array([columns.index(t) if t in columns else -1 for t in themes])


def _matched_auc(
    values: list[np.ndarray], fixed: list, y: np.ndarray, *, ranks: list[np.ndarray] | None = None
) -> np.ndarray:
    """Seed-averaged AUC of each theme after matching each seed's columns (as
    :func:`themes.comparison.matching.match_themes` does), on one set of rows.

    A seed in which a theme gets no column (fewer topics than themes) is left out of that
    theme's average rather than counted as 0.5; NaN when no seed matches the theme. ``ranks``
    (each seed's column mid-ranks) saves ranking ``values`` again when only ``y`` changes.
    """
    got = np.full((len(values), y.shape[1]), np.nan)
    for i, (v, cols) in enumerate(zip(values, fixed, strict=True)):
        auc = _rank_auc(v, y) if ranks is None else _auc_from_ranks(ranks[i], y)
        if cols is None:
            rows, themes = linear_sum_assignment(auc, maximize=True)
            got[i, themes] = auc[rows, themes]
        else:
            has = cols >= 0
            got[i, has] = auc[cols[has], np.flatnonzero(has)]
    n_pos = y.sum(axis=0)
    got[:, (n_pos == 0) | (n_pos == len(y))] = np.nan  # a resample without both classes says nothing
    return _nanmean(got)


def _nanmean(values: np.ndarray) -> np.ndarray:
    """Mean over the first axis ignoring NaN; NaN (without a warning) where every value is NaN."""
    finite = np.isfinite(values)
    n = finite.sum(axis=0)
    total = np.where(finite, values, 0.0).sum(axis=0)
    return np.divide(total, n, out=np.full(total.shape, np.nan), where=n > 0)


def permutation_test(
    candidates_by_seed: list[pd.DataFrame],
    labels: pd.DataFrame,
    *,
    n_perm: int,
    seed: int,
    match: bool = True,
) -> pd.DataFrame:
    """Permutation test of the seed-averaged AUC, the matching redone in every permutation.

    The same label permutations (rows kept whole, so co-occurring themes stay together) are
    applied to every seed's candidates; each seed is matched anew and the AUCs averaged over
    seeds, exactly as the observed statistic is made. Returns per theme the observed AUC, the
    null's mean and 95th percentile, and the p-value ``(1 + #{null >= observed}) / (1 + n)``,
    where ``n`` counts the permutations in which the theme was matched in some seed (all of
    them when there are at least as many topics as themes); NaN for a theme never matched.
    """
    rng = np.random.default_rng(seed)
    index = candidates_by_seed[0].index
    y = labels.loc[index].to_numpy().astype(bool)
    themes, columns = list(labels.columns), [list(c.columns) for c in candidates_by_seed]
    values = [c.loc[index].to_numpy(dtype=np.float64) for c in candidates_by_seed]

    fixed = [_fixed_columns(cols, themes, match) for cols in columns]
    ranks = [rankdata(v, axis=0) for v in values]  # the rows stay; only the labels are shuffled

    def statistic(rows_y: np.ndarray) -> np.ndarray:
        return _matched_auc(values, fixed, rows_y.astype(float), ranks=ranks)

    observed = statistic(y)
    draws = np.stack([statistic(y[rng.permutation(len(y))]) for _ in range(n_perm)])
    finite = np.isfinite(draws)
    with np.errstate(invalid="ignore"):
        exceed = (draws >= observed - 1e-12) & finite
    p = np.where(np.isfinite(observed), (1 + exceed.sum(axis=0)) / (1 + finite.sum(axis=0)), np.nan)
    return pd.DataFrame(
        {
            "theme": themes,
            "auc_observed": observed,
            "auc_null_mean": _nanmean(draws),
            "auc_null_95": _nanquantile(draws, 0.95),
            "auc_p": p,
        }
    )


def _nanquantile(draws: np.ndarray, q) -> np.ndarray:
    """Quantiles over the first axis ignoring NaN; NaN (without a warning) for an all-NaN column."""
    q = np.atleast_1d(q)
    out = np.full((len(q), draws.shape[1]), np.nan)
    for j in range(draws.shape[1]):
        column = draws[:, j][np.isfinite(draws[:, j])]
        if len(column):
            out[:, j] = np.quantile(column, q)
    return out[0] if out.shape[0] == 1 else out


def holm(p_values) -> np.ndarray:
    """Holm's step-down adjustment of a family of p-values (the themes of one model).

    A NaN p-value (a theme the model never matched, so never tested) stays NaN and is not
    counted in the family.
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(len(p), np.nan)
    tested = np.flatnonzero(np.isfinite(p))
    order = tested[np.argsort(p[tested], kind="stable")]
    m = len(order)
    adjusted = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out[order] = np.minimum(adjusted, 1.0)
    return out


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
    theme the interval and the number of documents.
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
    fixed = [_fixed_columns(cols, themes, match) for cols in columns]
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
            seen[key] = _matched_auc([v[rows] for v in values], fixed, yf[rows])
        draws[b] = seen[key]
    lo, hi = _nanquantile(draws, [(1 - level) / 2, (1 + level) / 2])
    return pd.DataFrame(
        {"theme": themes, "auc_cluster_low": lo, "auc_cluster_high": hi, "n_documents": len(docs)}
    )
