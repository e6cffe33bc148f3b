"""Scores on held-out source documents: every choice made on the labels, made without them.

Matching picks each theme's topic on the same labels it is then scored against, which
flatters the AUC (the permutation null measures by how much). Leaving one source document
out asks the plainer question a reader has: chosen on the other documents, does the topic
still find the theme in a document it has not seen? The supervised baseline is held out the
same way (``themes.comparison.baselines.supervised_scores``). The held-out scores are compared within
each document only, so the AUC cannot be earned by telling the sources apart (the confound a
document indicator exploits) and scores of different folds are never ranked against each other.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .intervals import nanmean
from .matching import assign, fixed_columns


def held_out_scores(values: np.ndarray, y: np.ndarray, documents: np.ndarray, *, fixed) -> np.ndarray:
    """Paragraphs x themes scores, each document's taken from the columns matched without it.

    ``values`` holds the candidates (paragraphs x topics); for every document, themes are
    matched to columns on the other documents' paragraphs (:func:`themes.comparison.matching.assign`, the
    study's one matching rule), and the document's paragraphs get the matched
    column's values. A theme matched to no column in a fold scores 0 there, as an unmatched
    theme does in the study; so does a theme the other documents hold in one class only
    (nothing to choose its topic on: any choice would be a guess, and a tie broken by column
    order could land on the held-out document's own indicator). With ``fixed`` columns (no
    matching) the scores are those columns.
    """
    n, n_themes = y.shape
    if fixed is not None:
        return np.where(fixed >= 0, values[:, np.maximum(fixed, 0)], 0.0)
    out = np.zeros((n, n_themes))
    doc_ids, doc_of = np.unique(documents, return_inverse=True)
    auc_without, learnable_without = _auc_without_each_document(values, y.astype(bool), doc_of)
    for d in range(len(doc_ids)):
        learnable = np.flatnonzero(learnable_without[d])
        if not len(learnable):
            continue
        rows, picked = assign(auc_without[d][:, learnable])
        test = doc_of == d
        out[np.ix_(test, learnable[picked])] = values[np.ix_(test, rows)]
    return out


def _auc_without_each_document(values: np.ndarray, y: np.ndarray, doc_of: np.ndarray):
    """For every document d: the AUC of every column for every theme on the other documents'
    paragraphs (documents x columns x themes), and which themes those paragraphs hold in both
    classes (documents x themes).

    Written by hand because no library leaves groups out of a rank statistic: ranking the rest of
    the corpus once per document cost minutes on a thousand documents. The Mann-Whitney U of the
    other documents is the corpus's U less the pairs with a positive or a negative of d, plus
    those with both in d (counted twice above), which one sort of each column gives for every
    document at once. Counts are doubled so that ties (one half) stay whole numbers: the AUC is
    the same number :func:`themes.comparison.matching.auc_matrix` gives on those rows.
    """
    n_docs, n_cols, n_themes = doc_of.max() + 1, values.shape[1], y.shape[1]
    pos_in = np.stack([np.bincount(doc_of, y[:, t], n_docs) for t in range(n_themes)], axis=1)
    size = np.bincount(doc_of, minlength=n_docs)[:, None]
    pos_out = y.sum(axis=0) - pos_in
    neg_out = (len(y) - y.sum(axis=0)) - (size - pos_in)
    u2 = np.zeros((n_docs, n_cols, n_themes))
    for c in range(n_cols):
        v = values[:, c]
        ranks2 = _doubled_ranks_within(v, doc_of)
        for t in range(n_themes):
            positive = y[:, t]
            vp, vn = v[positive], v[~positive]
            pos, neg = np.sort(vp), np.sort(vn)
            # doubled U contributions: each positive against all negatives, each negative against
            # all positives (ties one half, so doubled: 2 x below + 1 x equal)
            a2 = np.searchsorted(neg, vp, "left") + np.searchsorted(neg, vp, "right")
            b2 = 2 * len(pos) - np.searchsorted(pos, vn, "left") - np.searchsorted(pos, vn, "right")
            pos_a2 = np.bincount(doc_of[positive], a2, n_docs)
            neg_b2 = np.bincount(doc_of[~positive], b2, n_docs)
            within = _doubled_u_within(ranks2, positive, doc_of, n_docs)
            u2[:, c, t] = a2.sum() - pos_a2 - neg_b2 + within
    learnable = (pos_out > 0) & (neg_out > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        auc = (u2 / 2) / (pos_out * neg_out)[:, None, :]
    return np.where(learnable[:, None, :], auc, 0.5), learnable


def _doubled_ranks_within(values: np.ndarray, doc_of: np.ndarray) -> np.ndarray:
    """Twice each value's mid-rank among its own document's values (whole numbers)."""
    order = np.lexsort((values, doc_of))
    d, v = doc_of[order], values[order]
    n = len(v)
    new_doc = np.r_[True, d[1:] != d[:-1]]
    doc_start = np.maximum.accumulate(np.where(new_doc, np.arange(n), 0))
    new_tie = new_doc | np.r_[True, v[1:] != v[:-1]]
    tie_start = np.maximum.accumulate(np.where(new_tie, np.arange(n), 0))
    tie_end = np.minimum.accumulate(np.where(np.r_[new_tie[1:], True], np.arange(n), n)[::-1])[::-1]
    out = np.empty(n)
    out[order] = (tie_start - doc_start + 1) + (tie_end - doc_start + 1)
    return out


def _doubled_u_within(
    ranks2: np.ndarray, positive: np.ndarray, doc_of: np.ndarray, n_docs: int
) -> np.ndarray:
    """Twice each document's Mann-Whitney U of its positives against its negatives, from the doubled
    mid-ranks within documents (:func:`_doubled_ranks_within`): twice the positives' rank sum less
    n_pos (n_pos + 1)."""
    n_pos = np.bincount(doc_of, positive, n_docs)
    return np.bincount(doc_of[positive], ranks2[positive], n_docs) - n_pos * (n_pos + 1)


def within_document_auc(scores: np.ndarray, y: np.ndarray, documents: np.ndarray) -> np.ndarray:
    """ROC AUC of each score column for its theme over pairs of paragraphs from one document.

    Only pairs of a positive and a negative paragraph of the same document count (ties one
    half), pooled over documents: the share of such pairs ranked the right way round. A score
    that only tells documents apart gets 0.5, and scores from different held-out folds are never
    compared with one another (each fold's scorer is fitted on other data, so its scale can
    differ; pooling across folds is biased, downwards when a document's prevalence differs
    from the rest). NaN for a theme no document holds in both classes.
    """
    y = np.asarray(y).astype(bool)
    doc_of = np.unique(documents, return_inverse=True)[1]
    n_docs = doc_of.max() + 1
    size = np.bincount(doc_of, minlength=n_docs)
    wins2 = np.zeros(y.shape[1])  # twice the pairs ranked the right way round, ties one half
    pairs = np.zeros(y.shape[1])
    for t in range(y.shape[1]):
        ranks2 = _doubled_ranks_within(scores[:, t], doc_of)
        wins2[t] = _doubled_u_within(ranks2, y[:, t], doc_of, n_docs).sum()
        n_pos = np.bincount(doc_of, y[:, t], n_docs)
        pairs[t] = (n_pos * (size - n_pos)).sum()
    return np.divide(wins2 / 2, pairs, out=np.full(len(pairs), np.nan), where=pairs > 0)


def leave_one_document_out_auc(
    candidates_by_seed: list[pd.DataFrame], labels: pd.DataFrame, documents: pd.Series, *, match: bool = True
) -> pd.DataFrame:
    """Per theme, the seed-averaged within-document ROC AUC of the held-out scores.

    Each document's scores come from :func:`held_out_scores` (topics matched on the other
    documents) and are compared only with its own paragraphs (:func:`within_document_auc`).
    Returns ``theme`` and ``auc_lodo``.
    """
    index = candidates_by_seed[0].index
    y = labels.loc[index].to_numpy().astype(float)
    docs = documents.loc[index].to_numpy()
    themes = list(labels.columns)
    per_seed = []
    for candidates in candidates_by_seed:
        fixed = fixed_columns(list(candidates.columns), themes, match)
        scores = held_out_scores(candidates.loc[index].to_numpy(dtype=np.float64), y, docs, fixed=fixed)
        auc = within_document_auc(scores, y, docs)
        if fixed is not None:
            auc[fixed < 0] = np.nan
        per_seed.append(auc)
    return pd.DataFrame({"theme": themes, "auc_lodo": nanmean(np.array(per_seed))})
