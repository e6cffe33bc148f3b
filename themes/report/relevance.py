"""What the topic explorer shows, computed: topic prevalence, term relevance, the intertopic map.

Relevance ranks a topic's terms between their probability in the topic and their lift over the
corpus (lambda; Sievert & Shirley 2014, as pyLDAvis); the map places topics by classical
multidimensional scaling of their Jensen-Shannon distances; saliency (Chuang, Manning & Heer 2012)
ranks the corpus's terms before a topic is chosen.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.spatial.distance import pdist, squareform
from sklearn.manifold import ClassicalMDS

from ..models.topic_model import TopicModel

LAMBDAS = np.round(np.linspace(0.0, 1.0, 101), 2)
"""The slider's lambda values (steps of 0.01); the page ranks terms only at these."""


def topic_prevalence(model: TopicModel) -> np.ndarray:
    """Each topic's mean share of the paragraphs, shape (n_topics,); sums to one."""
    return model.doc_topic.mean(axis=0)


def term_marginal(model: TopicModel) -> np.ndarray:
    """p(w): each term's overall weight, the topics' term distributions mixed by prevalence.

    pyLDAvis uses corpus term frequencies; a :class:`TopicModel` keeps no counts, and this
    mixture is the corpus distribution the model itself implies, so p(t) p(w|t) <= p(w).
    Summed by numpy, not by a matrix product: BLAS kernels round a product's sums differently, and
    terms of equal weight in a topic (a Gibbs sampler's equal counts) would then rank in another
    order on another processor, and the explorer list other terms.
    """
    return (topic_prevalence(model)[:, None] * model.topic_term).sum(axis=0)


def term_topics(model: TopicModel) -> np.ndarray:
    """p(t|w): how each term's overall weight splits over the topics, shape (n_topics, n_terms).

    ``p(t) p(w|t) / p(w)``; each column sums to one (a term of zero weight gets zeros). The explorer
    sizes the map's circles by it while a term is hovered, as pyLDAvis does.
    """
    joint = topic_prevalence(model)[:, None] * model.topic_term
    total = joint.sum(axis=0)
    return np.divide(joint, total, out=np.zeros_like(joint), where=total > 0)


def saliency(model: TopicModel) -> np.ndarray:
    """Each term's saliency, shape (n_terms,): ``p(w) * KL(p(t|w) || p(t))`` (Chuang, Manning & Heer 2012).

    A frequent term spread over the topics as the topics themselves are has saliency near zero; a
    frequent term concentrated in a few topics ranks high. pyLDAvis lists the most salient terms
    before a topic is chosen.
    """
    given = term_topics(model)
    prior = topic_prevalence(model)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        kl = np.where(given > 0, given * np.log(given / prior), 0.0).sum(axis=0)
    return term_marginal(model) * kl


def salient_term_indices(model: TopicModel, n: int) -> list[int]:
    """Column indices of the ``n`` most salient terms, most salient first (ties: vocabulary order)."""
    return np.argsort(-saliency(model), kind="stable")[:n].tolist()


def log_terms(model: TopicModel) -> tuple[np.ndarray, np.ndarray]:
    """log p(w|t) and the log lift log(p(w|t) / p(w)), shape (n_topics, n_terms); -inf at zero."""
    phi = model.topic_term
    with np.errstate(divide="ignore", invalid="ignore"):
        log_p = np.where(phi > 0, np.log(phi), -np.inf)
        log_lift = np.where(phi > 0, log_p - np.log(term_marginal(model)), -np.inf)
    return log_p, log_lift


def relevance(model: TopicModel, lambda_: float, *, logs=None) -> np.ndarray:
    """Relevance of every term to every topic, shape (n_topics, n_terms).

    ``lambda * log p(w|t) + (1 - lambda) * log(p(w|t) / p(w))`` (Sievert & Shirley 2014): at
    lambda 1 the terms are ranked by probability, at 0 by lift. A term of zero weight is -inf.
    ``logs``, the result of :func:`log_terms`, saves computing them again.
    """
    log_p, log_lift = log_terms(model) if logs is None else logs
    with np.errstate(invalid="ignore"):
        # the same expression, operation for operation, as the page's script (identical floats)
        out = lambda_ * log_p + (1.0 - lambda_) * log_lift
    return np.where(np.isfinite(out), out, -np.inf)


def relevant_term_indices(model: TopicModel, lambda_: float, n: int) -> list[list[int]]:
    """Column indices of each topic's ``n`` most relevant terms (ties: vocabulary order)."""
    rel = relevance(model, lambda_)
    order = np.argsort(-rel, axis=1, kind="stable")
    return [[j for j in row[:n] if np.isfinite(r[j])] for row, r in zip(order, rel, strict=True)]


def relevant_words(model: TopicModel, lambda_: float, n: int = 10) -> list[list[str]]:
    """Each topic's ``n`` most relevant words (readable words), as the explorer lists them."""
    return [[model.words[j] for j in row] for row in relevant_term_indices(model, lambda_, n)]


def intertopic_map(model: TopicModel) -> pd.DataFrame:
    """Topics placed in two dimensions by the distances between their term distributions.

    Jensen-Shannon distances (base 2, so between 0 and 1) scaled to the plane by classical
    MDS (principal coordinates, an exact eigendecomposition, no random start), as pyLDAvis
    does. Returns one row per topic: ``x``, ``y`` and ``prevalence``.
    """
    k = model.k
    coords = np.zeros((k, 2))
    if k > 1:
        # scipy's JS distance takes no base in pdist; dividing by sqrt(ln 2) turns base e into base 2
        # subnormal weights (NMF leaves some) halve to zero in the mixture of two topics, which makes
        # the divergence infinite: they are flushed to zero first (they weigh under 1e-307)
        phi = np.where(model.topic_term < np.finfo(np.float64).tiny, 0.0, model.topic_term)
        dist = squareform(pdist(phi, metric="jensenshannon")) / np.sqrt(np.log(2))
        # a topic without any weight (an NMF component left at zero) has no distribution, so no
        # distance (NaN): it is drawn as far from every other topic as topics can be
        dist = np.nan_to_num(dist, nan=1.0)
        np.fill_diagonal(dist, 0.0)
        embedded = ClassicalMDS(n_components=min(2, k), metric="precomputed").fit_transform(dist)
        coords[:, : embedded.shape[1]] = embedded
    coords[np.abs(coords) < 1e-12] = 0.0  # no "-0.0" or rounding dust in the page
    return pd.DataFrame(
        {"x": coords[:, 0], "y": coords[:, 1], "prevalence": topic_prevalence(model)},
        index=pd.Index(model.topic_names, name="topic"),
    )


def term_candidates(model: TopicModel, n: int) -> list[list[int]]:
    """Per topic, every term that is among its ``n`` most relevant at some slider value.

    Relevance is linear in lambda, so the page can rank exactly at every slider step from
    these few terms and their two logarithms, without shipping the whole vocabulary.
    """
    logs, n = log_terms(model), min(n, model.topic_term.shape[1])
    found = np.zeros(model.topic_term.shape, dtype=bool)
    for lam in LAMBDAS:
        rel = relevance(model, float(lam), logs=logs)
        # the n-th largest value per topic; of the terms tied with it, the first in vocabulary
        # order, as a stable sort would take them (a full sort per step is too slow for big V)
        kth = -np.partition(-rel, n - 1, axis=1)[:, n - 1 : n]
        above, tied = rel > kth, rel == kth
        need = n - above.sum(axis=1, keepdims=True)
        found |= (above | (tied & (np.cumsum(tied, axis=1) <= need))) & np.isfinite(rel)
    return [np.flatnonzero(row).tolist() for row in found]
