"""The permutation null of the matching: how far matching alone lifts the AUC, and the p-value.

Matching picks, for each theme, the best of K topics on the same labels, which lifts the AUC
above 0.5 even when topics and themes are unrelated; permuting the labels and redoing the
matching in every draw measures that lift. Holm's adjustment corrects a model's p-values for the
number of themes it is tested on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from .intervals import matched_auc, nanmean, nanquantile
from .matching import fixed_columns


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

    fixed = [fixed_columns(cols, themes, match) for cols in columns]
    ranks = [rankdata(v, axis=0) for v in values]  # the rows stay; only the labels are shuffled

    def statistic(rows_y: np.ndarray) -> np.ndarray:
        return matched_auc(values, fixed, rows_y.astype(float), ranks=ranks)

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
            "auc_null_mean": nanmean(draws),
            "auc_null_95": nanquantile(draws, 0.95),
            "auc_p": p,
        }
    )


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
