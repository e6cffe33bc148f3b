"""Model selection measures: coherence, diversity, stability across seeds, and the K rule.

Fits are scored without the reference labels; K is chosen by a rule fixed before any fit is
compared with them (:func:`select_k`). :mod:`themes.selection.sweep` runs the grid of fits.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from ..models.topic_model import TopicModel
from ..text.matrix import DocumentTermMatrix
from .cache import active_cache, texts_digest

TOP_N = 10
"""Top words per topic for coherence, diversity and stability (Röder et al. 2015 use 10)."""
NPMI_WINDOW = 10
"""Sliding window of NPMI coherence (gensim's default for ``c_npmi``, Aletras & Stevenson 2013)."""
CV_WINDOW = 110
"""Sliding window of C_V coherence (gensim's default for ``c_v``, Röder et al. 2015)."""
COHERENCE_SAMPLE = 5_000
"""Coherence is measured on at most this many paragraphs, drawn with :data:`COHERENCE_SEED`
(all of them when the corpus is smaller): the co-occurrence counts of thousands of paragraphs rank
topics as well as those of a million, and every fit of a sweep is scored on them (on 20,000
paragraphs, scoring a sweep on all of them took longer than fitting it)."""
COHERENCE_SEED = 0


def coherence_texts(dtm: DocumentTermMatrix) -> list[list[str]]:
    """The token sequences coherence is measured on: every paragraph, or a fixed sample."""
    texts = list(dtm.texts)
    if len(texts) > COHERENCE_SAMPLE:
        rng = np.random.default_rng(COHERENCE_SEED)
        texts = [texts[i] for i in np.sort(rng.choice(len(texts), COHERENCE_SAMPLE, replace=False))]
    return dtm.vectorizer.token_sequences(texts)


def coherence(topics: list[list[str]], texts: list[list[str]], *, measure: str) -> np.ndarray:
    """Per-topic coherence of top-term lists on the modelling corpus, through gensim.

    All topics go to one ``CoherenceModel``: the word co-occurrence counts are gathered
    once for every topic of every fit, which is what makes a large sweep affordable.

    Parameters
    ----------
    topics : list of list of str
        Each topic's top terms (vocabulary terms, not display words).
    texts : list of list of str
        The paragraphs' terms in order (:func:`coherence_texts`).
    measure : {"c_npmi", "c_v"}
        NPMI with a window of :data:`NPMI_WINDOW`, or C_V with :data:`CV_WINDOW`.
    """
    from gensim.corpora import Dictionary
    from gensim.models import CoherenceModel

    window = {"c_npmi": NPMI_WINDOW, "c_v": CV_WINDOW}[measure]
    model = CoherenceModel(
        topics=topics,
        texts=texts,
        dictionary=Dictionary(texts),
        coherence=measure,
        window_size=window,
        topn=max(len(t) for t in topics),
        processes=1,
    )
    return np.asarray(model.get_coherence_per_topic(), dtype=np.float64)


def coherence_in_parts(
    topics: list[list[str]], texts: list[list[str]], *, measure: str, n_jobs: int = 1
) -> np.ndarray:
    """:func:`coherence` with the topics split over ``n_jobs`` local worker processes.

    A topic's coherence depends on the counts of its own words only (windows slide over the
    whole text whichever words are tracked), so each part gives the numbers the whole would.
    """
    from joblib import Parallel, delayed, effective_n_jobs

    parts = min(effective_n_jobs(n_jobs), max(1, len(topics) // 50))
    if parts == 1:
        return coherence(topics, texts, measure=measure)
    bounds = np.linspace(0, len(topics), parts + 1).astype(int)
    chunks = Parallel(n_jobs=parts, backend="loky")(
        delayed(coherence)(topics[a:b], texts, measure=measure)
        for a, b in zip(bounds[:-1], bounds[1:], strict=True)
    )
    return np.concatenate(chunks)


def cached_coherence(
    topics: list[list[str]], texts: list[list[str]], *, measure: str, n_jobs: int = 1
) -> np.ndarray:
    """:func:`coherence_in_parts`, reading and filling the active study cache
    (:func:`themes.selection.cache.use_cache`): only topics not scored before on these texts are scored."""
    cache = active_cache()
    if cache is None:
        return coherence_in_parts(topics, texts, measure=measure, n_jobs=n_jobs)
    window = {"c_npmi": NPMI_WINDOW, "c_v": CV_WINDOW}[measure]
    texts_key = texts_digest(texts)
    stored = cache.coherence(texts_key, measure, window)
    names = [" ".join(t) for t in topics]
    new = [i for i, name in enumerate(names) if name not in stored]
    if new:
        values = coherence_in_parts([topics[i] for i in new], texts, measure=measure, n_jobs=n_jobs)
        fresh = {names[i]: float(v) for i, v in zip(new, values, strict=True)}
        cache.store_coherence(texts_key, measure, window, fresh)
        stored = {**stored, **fresh}
    return np.array([stored[name] for name in names], dtype=np.float64)


def diversity(top_terms: list[list[int]]) -> float:
    """Share of distinct words among all topics' top words (Dieng et al. 2020); 1 = no overlap."""
    words = [w for topic in top_terms for w in topic]
    return len(set(words)) / len(words)


def match_runs(a: list[list[int]], b: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Match the topics of two runs one to one, maximising top-word Jaccard similarity.

    Returns the matched pairs' column indices (rows of ``a``, rows of ``b``) and the
    similarity matrix. Uses ``scipy.optimize.linear_sum_assignment``.
    """
    sim = np.array([[len(set(x) & set(y)) / len(set(x) | set(y)) for y in b] for x in a])
    rows, cols = linear_sum_assignment(sim, maximize=True)
    return np.stack([rows, cols]), sim


def matched_similarity(a: list[list[int]], b: list[list[int]]) -> float:
    """Mean top-word Jaccard similarity of two runs' topics after one-to-one matching."""
    (rows, cols), sim = match_runs(a, b)
    return float(sim[rows, cols].mean())


def stability(runs: list[list[list[int]]]) -> np.ndarray:
    """Each run's mean matched similarity to every other run of the same model and K.

    Greene, O'Callaghan & Cunningham (2014) measure stability as agreement between the
    top-word lists of runs; here topics are matched by the Hungarian algorithm on top-word
    Jaccard similarity. NaN for a single run.
    """
    n = len(runs)
    if n < 2:
        return np.full(n, np.nan)
    pair = np.zeros((n, n))
    for i, j in combinations(range(n), 2):
        pair[i, j] = pair[j, i] = matched_similarity(runs[i], runs[j])
    return pair.sum(axis=1) / (n - 1)


def score_fits(fits: list[TopicModel], dtm: DocumentTermMatrix, *, n_jobs: int = 1) -> pd.DataFrame:
    """One row per fit: model, K, seed, NPMI and C_V coherence, diversity, stability.

    Coherence is computed in ``n_jobs`` local worker processes (:func:`coherence_in_parts`).
    """
    tops = [f.top_term_indices(TOP_N) for f in fits]
    # NPMI and C_V do not depend on the order of a topic's top words, so each distinct
    # set is scored once (runs with different seeds often share topics).
    keys = [tuple(sorted(topic)) for top in tops for topic in top]
    unique = list(dict.fromkeys(keys))
    where = {key: i for i, key in enumerate(unique)}
    vocabulary = dtm.vocabulary
    topics = [[vocabulary[j] for j in key] for key in unique]
    texts = coherence_texts(dtm)
    scores = {
        m: cached_coherence(topics, texts, measure=m, n_jobs=n_jobs)[[where[key] for key in keys]]
        for m in ("c_npmi", "c_v")
    }
    bounds = np.cumsum([0] + [f.k for f in fits])
    table = pd.DataFrame(
        {
            "model": [f.name for f in fits],
            "K": [f.k for f in fits],
            "seed": [f.seed for f in fits],
            "coherence_npmi": [
                scores["c_npmi"][a:b].mean() for a, b in zip(bounds[:-1], bounds[1:], strict=True)
            ],
            "coherence_cv": [scores["c_v"][a:b].mean() for a, b in zip(bounds[:-1], bounds[1:], strict=True)],
            "diversity": [diversity(t) for t in tops],
        }
    )
    table["stability"] = np.nan
    for _, idx in table.groupby(["model", "K"], sort=False).groups.items():
        idx = list(idx)
        table.loc[idx, "stability"] = stability([tops[i] for i in idx])
    return table


def summarise_sweep(table: pd.DataFrame) -> pd.DataFrame:
    """Per model and K: mean and standard error over seeds of every score."""
    metrics = ["coherence_npmi", "coherence_cv", "diversity", "stability"]
    grouped = table.groupby(["model", "K"], sort=True)[metrics]
    mean = grouped.mean().add_suffix("_mean")
    se = grouped.sem(ddof=1).add_suffix("_se")
    out = pd.concat([mean, se], axis=1)
    out.insert(0, "seeds", grouped.size())
    return out[["seeds"] + [f"{m}_{s}" for m in metrics for s in ("mean", "se")]].reset_index()


SELECTION_RULE = (
    "one-standard-error rule on NPMI coherence: the smallest K whose mean NPMI over seeds is at "
    "least the best mean NPMI minus the standard error at the best K (Hastie, Tibshirani & Friedman 2009, "
    "sec. 7.10, applied to coherence)"
)


def select_k(summary: pd.DataFrame) -> pd.DataFrame:
    """Choose K per model by :data:`SELECTION_RULE`, stated before any fit was scored.

    Coherence rewards topics whose top words co-occur in the corpus; the one-standard-error
    rule prefers the simplest model that is not clearly worse, because on a corpus this
    small a larger K mostly splits paragraphs of one document into their own topics.
    """
    rows = []
    for model, group in summary.groupby("model", sort=False):
        group = group.sort_values("K")
        best = group.loc[group["coherence_npmi_mean"].idxmax()]
        bar = best["coherence_npmi_mean"] - (
            0.0 if np.isnan(best["coherence_npmi_se"]) else best["coherence_npmi_se"]
        )
        chosen = group[group["coherence_npmi_mean"] >= bar].iloc[0]
        rows.append(
            {
                "model": model,
                "K": int(chosen["K"]),
                "K_best_npmi": int(best["K"]),
                "npmi_best": best["coherence_npmi_mean"],
                "npmi_bar": bar,
                "npmi_chosen": chosen["coherence_npmi_mean"],
                "rule": SELECTION_RULE,
            }
        )
    return pd.DataFrame(rows)


def topic_correspondence(a: TopicModel, b: TopicModel, *, n: int = TOP_N) -> pd.DataFrame:
    """Topics of two models matched one to one on top-word Jaccard similarity (terms shared
    through the same vocabulary), with each side's top words; best matches first."""
    (rows, cols), sim = match_runs(a.top_term_indices(n), b.top_term_indices(n))
    wa, wb = a.top_word_lists(n), b.top_word_lists(n)
    out = pd.DataFrame(
        {
            f"{a.name}_topic": [a.topic_names[i] for i in rows],
            f"{b.name}_topic": [b.topic_names[j] for j in cols],
            "jaccard": sim[rows, cols],
            f"{a.name}_words": [" ".join(wa[i]) for i in rows],
            f"{b.name}_words": [" ".join(wb[j]) for j in cols],
        }
    )
    return out.sort_values("jaccard", ascending=False, kind="stable").reset_index(drop=True)
