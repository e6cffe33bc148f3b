"""The permutation null of the matching, within source documents: how far matching alone lifts the AUC.

Matching picks, for each theme, the best of K topics on the same labels, which lifts the AUC above
0.5 even when topics and themes are unrelated; permuting the labels and redoing the matching in
every draw measures that lift. Themes sit in documents, and a topic model readily finds the
documents, so labels are permuted **within** each source document (or stratum): the null keeps
every document's share of each theme, and a score that only tells documents apart (the
``document`` baseline) is no better than its null. Where no document holds both classes of a theme
(labels given per document), there is nothing to permute within documents: whole documents'
labels are permuted instead, every arrangement when there are few. Holm's adjustment corrects a
model's p-values for the number of themes it is tested on.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import gammaln
from scipy.stats import rankdata

from .intervals import matched_auc, nanmean, nanquantile
from .matching import fixed_columns

SCHEMES = ("within documents", "documents", "paragraphs")
"""What a null permutes: labels within each document, whole documents' labels, or paragraphs freely."""


@dataclass(frozen=True)
class NullDesign:
    """How the labels are permuted for one study, and the smallest p-value that can come out.

    Attributes
    ----------
    scheme : str
        One of :data:`SCHEMES`.
    strata : ndarray or None
        Each paragraph's stratum (its document), or None for paragraphs permuted freely.
    log_arrangements : ndarray of shape (n_themes,)
        Natural log of the number of distinct arrangements of each theme's labels the scheme can
        produce (the exact permutation distribution has no more points than this).
    """

    scheme: str
    strata: np.ndarray | None
    log_arrangements: np.ndarray

    def smallest_p(self, n_perm: int) -> np.ndarray:
        """Per theme, the smallest p-value the null can give: one over the arrangements, or over
        ``n_perm + 1`` draws, whichever is larger."""
        floor = 1.0 / (n_perm + 1)
        with np.errstate(over="ignore"):
            exact = np.exp(-self.log_arrangements)
        return np.maximum(floor, exact)


def null_design(labels: np.ndarray, strata: np.ndarray | None) -> NullDesign:
    """The permutation scheme the labels allow: within strata, unless no stratum holds both classes
    of any theme (labels given per document), then whole strata; paragraphs freely without strata."""
    y = np.asarray(labels).astype(bool)
    if strata is None:
        n, k = len(y), y.sum(axis=0)
        return NullDesign("paragraphs", None, _log_binomial(n, k))
    strata = np.asarray(strata)
    groups = [np.flatnonzero(strata == s) for s in np.unique(strata)]
    within = np.zeros(y.shape[1])
    varies = np.zeros(y.shape[1], dtype=bool)
    for rows in groups:
        k = y[rows].sum(axis=0)
        within += _log_binomial(len(rows), k)
        varies |= (k > 0) & (k < len(rows))
    if varies.any():
        return NullDesign("within documents", strata, within)
    # every theme constant within every document: documents are the units, their labels permuted
    doc_labels = np.array([y[rows[0]] for rows in groups])
    logs = np.array([_log_distinct_orders(doc_labels[:, j]) for j in range(y.shape[1])])
    return NullDesign("documents", strata, logs)


def _log_binomial(n, k) -> np.ndarray:
    k = np.asarray(k, dtype=float)
    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)


def _log_distinct_orders(values: np.ndarray) -> float:
    """Log of the distinct ways documents' labels (0 or 1 each) can be dealt to the documents:
    D! over the orders of documents that share a label."""
    counts = np.unique(values, return_counts=True)[1]
    return math.lgamma(len(values) + 1) - sum(math.lgamma(c + 1) for c in counts)


def label_permutations(design: NullDesign, n_perm: int, rng: np.random.Generator, n: int):
    """Row orders of the labels for the null's draws: ``n_perm`` random ones, or, for whole documents
    when there are no more arrangements than draws, every order of the documents once."""
    if design.scheme == "paragraphs":
        for _ in range(n_perm):
            yield rng.permutation(n)
        return
    groups = [np.flatnonzero(design.strata == s) for s in np.unique(design.strata)]
    if design.scheme == "within documents":
        for _ in range(n_perm):
            order = np.arange(n)
            for rows in groups:
                order[rows] = rows[rng.permutation(len(rows))]
            yield order
        return
    # whole documents: document d takes the labels of document order[d] (its first paragraph's, all
    # its paragraphs carrying them); every order once when there are few documents
    d = len(groups)
    orders = (
        itertools.permutations(range(d))
        if math.factorial(d) <= n_perm
        else (rng.permutation(d) for _ in range(n_perm))
    )
    for order in orders:
        rows = np.empty(n, dtype=int)
        for target, source in zip(groups, order, strict=True):
            rows[target] = groups[source][0]
        yield rows


def permutation_test(
    candidates_by_seed: list[pd.DataFrame],
    labels: pd.DataFrame,
    *,
    n_perm: int,
    seed: int,
    match: bool = True,
    strata: pd.Series | None = None,
) -> pd.DataFrame:
    """Permutation test of the seed-averaged AUC, the matching redone in every draw.

    The same label permutations (rows kept whole, so co-occurring themes stay together; within
    each stratum of ``strata``, each paragraph's document) are applied to every seed's
    candidates; each seed is matched anew and the AUCs averaged over seeds, exactly as the observed
    statistic is made (a seed that leaves a theme unmatched counts at chance, 0.5, in both).
    Returns per theme the observed AUC, the null's mean and 95th percentile, the p-value
    ``(1 + #{null >= observed}) / (1 + n)`` (for whole documents with every order drawn once,
    the exact share ``#{null >= observed} / n``), its Monte Carlo standard error, the scheme, and
    the smallest p-value the scheme can give (``auc_p_min``).
    """
    rng = np.random.default_rng(seed)
    index = candidates_by_seed[0].index
    y = labels.loc[index].to_numpy().astype(bool)
    themes, columns = list(labels.columns), [list(c.columns) for c in candidates_by_seed]
    values = [c.loc[index].to_numpy(dtype=np.float64) for c in candidates_by_seed]
    design = null_design(y, None if strata is None else strata.loc[index].to_numpy())

    fixed = [fixed_columns(cols, themes, match) for cols in columns]
    ranks = [rankdata(v, axis=0) for v in values]  # the rows stay; only the labels are shuffled

    def statistic(rows_y: np.ndarray) -> np.ndarray:
        return matched_auc(values, fixed, rows_y.astype(float), ranks=ranks)

    observed = statistic(y)
    draws = np.stack([statistic(y[order]) for order in label_permutations(design, n_perm, rng, len(y))])
    exhaustive = design.scheme == "documents" and math.factorial(len(np.unique(design.strata))) <= n_perm
    finite = np.isfinite(draws)
    with np.errstate(invalid="ignore"):
        exceed = (draws >= observed - 1e-12) & finite
    n_valid = finite.sum(axis=0)
    if exhaustive:  # every order once, the observed one among them: the exact p-value
        p = np.divide(exceed.sum(axis=0), n_valid, out=np.full(len(themes), np.nan), where=n_valid > 0)
        se = np.zeros(len(themes))
        smallest = np.divide(1.0, n_valid, out=np.full(len(themes), np.nan), where=n_valid > 0)
    else:
        p = (1 + exceed.sum(axis=0)) / (1 + n_valid)
        se = np.sqrt(p * (1 - p) / np.maximum(n_valid, 1))
        smallest = design.smallest_p(n_perm)
    p = np.where(np.isfinite(observed), p, np.nan)
    return pd.DataFrame(
        {
            "theme": themes,
            "auc_observed": observed,
            "auc_null_mean": nanmean(draws),
            "auc_null_95": nanquantile(draws, 0.95),
            "auc_p": p,
            "auc_p_mc_se": np.where(np.isfinite(p), se, np.nan),
            "auc_p_min": smallest,
            "null": design.scheme,
        }
    )


def holm(p_values) -> np.ndarray:
    """Holm's step-down adjustment of a family of p-values (the themes of one model).

    A NaN p-value (a theme without both classes, so never tested) stays NaN and is not counted in
    the family.
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(len(p), np.nan)
    tested = np.flatnonzero(np.isfinite(p))
    order = tested[np.argsort(p[tested], kind="stable")]
    m = len(order)
    adjusted = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out[order] = np.minimum(adjusted, 1.0)
    return out


def smallest_holm_p(smallest: np.ndarray) -> float:
    """The smallest Holm-adjusted p-value a family can reach: its count times the smallest p-value
    any of its members can reach (the first step of Holm's procedure)."""
    tested = np.asarray(smallest, dtype=float)
    tested = tested[np.isfinite(tested)]
    return float(len(tested) * tested.min()) if len(tested) else np.nan
