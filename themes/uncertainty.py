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

from .alignment import _u_statistic


def bootstrap_auc(
    scores_by_seed: list[pd.DataFrame], labels: pd.DataFrame, *, n_boot: int, seed: int, level: float = 0.95
) -> pd.DataFrame:
    """Stratified percentile bootstrap over paragraphs of the seed-averaged ROC AUC.

    Positives and negatives are resampled separately, so every resample holds each class
    as often as the data do (the default of pROC, Robin et al. 2011); the AUC of each seed's
    scores is computed on the resample and averaged over seeds.
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
        u = _u_statistic(stacked[:, bp], stacked[:, bn], axis=-1)
        auc = (u / (len(pos) * len(neg))).mean(axis=0)
        lo, hi = np.quantile(auc, [(1 - level) / 2, (1 + level) / 2])
        rows.append({"theme": theme, "auc_ci_low": lo, "auc_ci_high": hi})
    return pd.DataFrame(rows)


def _rank_auc(values: np.ndarray, y: np.ndarray) -> np.ndarray:
    """AUC of every column of ``values`` (rows x columns) for every theme of ``y`` (rows x themes),
    from mid-ranks, so ties count one half as in ``roc_auc_score``; 0.5 where a theme lacks a class.

    Written with ranks rather than :func:`themes.alignment.auc_matrix` because the permutation
    and bootstrap loops call it thousands of times.
    """
    ranks = rankdata(values, axis=0)
    n_pos = y.sum(axis=0)
    n_neg = len(y) - n_pos
    with np.errstate(divide="ignore", invalid="ignore"):
        auc = (ranks.T @ y - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
    auc[:, (n_pos == 0) | (n_neg == 0)] = 0.5
    return auc


def _fixed_columns(columns: list, themes: list, match: bool) -> np.ndarray | None:
    """Without matching, the column named after each theme (-1 when there is none)."""
    if match:
        return None
    return np.array([columns.index(t) if t in columns else -1 for t in themes])


def _matched_auc(values: list[np.ndarray], fixed: list, y: np.ndarray) -> np.ndarray:
    """Seed-averaged AUC of each theme after matching each seed's columns (as
    :func:`themes.alignment.match_themes` does), on one set of rows; an unmatched theme counts 0.5."""
    out = np.zeros(y.shape[1])
    for v, cols in zip(values, fixed, strict=True):
        auc = _rank_auc(v, y)
        if cols is None:
            rows, themes = linear_sum_assignment(auc, maximize=True)
            got = np.full(y.shape[1], 0.5)
            got[themes] = auc[rows, themes]
        else:
            got = np.where(cols >= 0, auc[np.maximum(cols, 0), np.arange(y.shape[1])], 0.5)
        out += got
    return out / len(values)


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
    null's mean and 95th percentile, and the p-value ``(1 + #{null >= observed}) / (1 + n_perm)``.
    """
    rng = np.random.default_rng(seed)
    index = candidates_by_seed[0].index
    y = labels.loc[index].to_numpy().astype(bool)
    themes, columns = list(labels.columns), [list(c.columns) for c in candidates_by_seed]
    values = [c.loc[index].to_numpy(dtype=np.float64) for c in candidates_by_seed]

    fixed = [_fixed_columns(cols, themes, match) for cols in columns]

    def statistic(rows_y: np.ndarray) -> np.ndarray:
        return _matched_auc(values, fixed, rows_y.astype(float))

    observed = statistic(y)
    draws = np.stack([statistic(y[rng.permutation(len(y))]) for _ in range(n_perm)])
    p = (1 + (draws >= observed - 1e-12).sum(axis=0)) / (1 + n_perm)
    return pd.DataFrame(
        {
            "theme": themes,
            "auc_observed": observed,
            "auc_null_mean": draws.mean(axis=0),
            "auc_null_95": np.quantile(draws, 0.95, axis=0),
            "auc_p": p,
        }
    )


def holm(p_values) -> np.ndarray:
    """Holm's step-down adjustment of a family of p-values (the themes of one model)."""
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p, kind="stable")
    m = len(p)
    adjusted = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out = np.empty(m)
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
    rests on which sources were read. Returns per theme the interval and the number of
    documents.
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
    for b in range(n_boot):
        rows = np.concatenate([rows_of[d] for d in rng.choice(docs, size=len(docs), replace=True)])
        draws[b] = _matched_auc([v[rows] for v in values], fixed, yf[rows])
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2], axis=0)
    return pd.DataFrame(
        {"theme": themes, "auc_cluster_low": lo, "auc_cluster_high": hi, "n_documents": len(docs)}
    )
