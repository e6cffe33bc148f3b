"""Uncertainty of the comparison: bootstrap intervals and the permutation null of matching.

Matching picks, for each theme, the best of K topics on the same labels, which lifts the AUC
above 0.5 even when topics and themes are unrelated; the null measures that lift. The
bootstrap says how much an AUC rests on the few paragraphs that carry a theme.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .alignment import _u_statistic, match_themes


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


def matching_null(
    scores: pd.DataFrame, labels: pd.DataFrame, *, n_perm: int, seed: int, match: bool = True
) -> pd.DataFrame:
    """The AUC a model reaches by chance: labels shuffled (rows kept whole), then scored as usual.

    With ``match`` (plain topic models), each shuffle is matched anew, so the null includes
    what picking the best of K topics for each theme adds: on the same labels that lifts
    the AUC above 0.5 even when topics and themes are unrelated. Without it (seeded
    models, baselines), the column named after a theme scores it. Returns per theme the
    null's mean and 95th percentile.

    Parameters
    ----------
    scores : pandas.DataFrame
        Paragraphs x columns: topic shares (columns named by topic) or theme scores.
    labels : pandas.DataFrame
        The reference labels.
    """
    rng = np.random.default_rng(seed)
    y = labels.loc[scores.index].to_numpy().astype(bool)
    values = scores.to_numpy(dtype=np.float64)
    n = len(y)
    perms = np.stack([rng.permutation(n) for _ in range(n_perm)])
    auc = np.full((n_perm, values.shape[1], y.shape[1]), np.nan)  # permutations x columns x themes
    for t in range(y.shape[1]):
        shuffled = y[perms, t]  # n_perm x n
        n_pos = int(y[:, t].sum())
        if n_pos in (0, n):
            continue
        order = np.argsort(~shuffled, axis=1, kind="stable")  # positives first
        x, z = values[order[:, :n_pos]], values[order[:, n_pos:]]  # n_perm x n_pos (n_neg) x columns
        auc[:, :, t] = _u_statistic(x, z, axis=1) / (n_pos * (n - n_pos))
    draws = np.empty((n_perm, y.shape[1]))
    columns = list(scores.columns)
    for b in range(n_perm):
        frame = pd.DataFrame(auc[b], index=columns, columns=labels.columns)
        matching = match_themes(frame, seeded=not match)
        draws[b] = [frame.at[c, theme] if c is not None else 0.5 for theme, c in matching.items()]
    return pd.DataFrame(
        {
            "theme": labels.columns,
            "auc_null_mean": draws.mean(axis=0),
            "auc_null_95": np.quantile(draws, 0.95, axis=0),
        }
    )
