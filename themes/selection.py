"""Model selection: a grid of (model, K, seed) fits scored by coherence, diversity and stability.

Each fit is an independent joblib task (serial by default), so a larger corpus can fan the
same grid out to more cores or a cluster. K is chosen by a rule fixed before any fit is
compared with the reference labels: :func:`select_k`.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy.optimize import linear_sum_assignment

from .models import TopicModel, fit_topic_model
from .vectorize import DocumentTermMatrix

TOP_N = 10
"""Top words per topic for coherence, diversity and stability (Röder et al. 2015 use 10)."""
NPMI_WINDOW = 10
"""Sliding window of NPMI coherence (gensim's default for ``c_npmi``, Aletras & Stevenson 2013)."""
CV_WINDOW = 110
"""Sliding window of C_V coherence (gensim's default for ``c_v``, Röder et al. 2015)."""


def coherence(topics: list[list[str]], dtm: DocumentTermMatrix, *, measure: str) -> np.ndarray:
    """Per-topic coherence of top-term lists on the modelling corpus, through gensim.

    All topics go to one ``CoherenceModel``: the word co-occurrence counts are gathered
    once for every topic of every fit, which is what makes a large sweep affordable.

    Parameters
    ----------
    topics : list of list of str
        Each topic's top terms (vocabulary terms, not display labels).
    dtm : DocumentTermMatrix
        The reference texts are its paragraphs' terms (``dtm.tokens``).
    measure : {"c_npmi", "c_v"}
        NPMI with a window of :data:`NPMI_WINDOW`, or C_V with :data:`CV_WINDOW`.
    """
    from gensim.corpora import Dictionary
    from gensim.models import CoherenceModel

    texts = [list(t) for t in dtm.tokens]
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


def diversity(top_terms: list[list[int]]) -> float:
    """Share of distinct words among all topics' top words (Dieng et al. 2020); 1 = no overlap."""
    words = [w for topic in top_terms for w in topic]
    return len(set(words)) / len(words)


def match_topics(a: list[list[int]], b: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Match the topics of two runs one to one, maximising top-word Jaccard similarity.

    Returns the matched pairs' column indices (rows of ``a``, rows of ``b``) and the
    similarity matrix. Uses ``scipy.optimize.linear_sum_assignment``.
    """
    sim = np.array([[len(set(x) & set(y)) / len(set(x) | set(y)) for y in b] for x in a])
    rows, cols = linear_sum_assignment(sim, maximize=True)
    return np.stack([rows, cols]), sim


def matched_similarity(a: list[list[int]], b: list[list[int]]) -> float:
    """Mean top-word Jaccard similarity of two runs' topics after one-to-one matching."""
    (rows, cols), sim = match_topics(a, b)
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


def _fit(dtm, backend, name, k, seed, seed_words, params):
    return fit_topic_model(dtm, backend, k=k, seed=seed, name=name, seed_words=seed_words, **params)


def fit_grid(
    tasks: list[dict],
    dtm: DocumentTermMatrix,
    *,
    seed_words: dict | None = None,
    n_jobs: int = 1,
    progress=None,
) -> list[TopicModel]:
    """Fit every task (``name``, ``backend``, ``k``, ``seed``, ``params``) as a joblib job.

    The result does not depend on ``n_jobs``: each fit is seeded on its own and pins its
    thread pools to one thread.
    """
    jobs = (
        delayed(_fit)(dtm, t["backend"], t["name"], t["k"], t["seed"], seed_words, t.get("params", {}))
        for t in tasks
    )
    results = Parallel(n_jobs=n_jobs, return_as="generator")(jobs)
    out = []
    for model in results:
        out.append(model)
        if progress is not None:
            progress.update(1)
    return out


def score_fits(fits: list[TopicModel], dtm: DocumentTermMatrix) -> pd.DataFrame:
    """One row per fit: model, K, seed, NPMI and C_V coherence, diversity, stability."""
    tops = [f.top_terms(TOP_N) for f in fits]
    # NPMI and C_V do not depend on the order of a topic's top words, so each distinct
    # set is scored once (runs with different seeds often share topics).
    keys = [tuple(sorted(topic)) for top in tops for topic in top]
    unique = list(dict.fromkeys(keys))
    where = {key: i for i, key in enumerate(unique)}
    topics = [[dtm.vocabulary[j] for j in key] for key in unique]
    scores = {m: coherence(topics, dtm, measure=m)[[where[key] for key in keys]] for m in ("c_npmi", "c_v")}
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
    (rows, cols), sim = match_topics(a.top_terms(n), b.top_terms(n))
    wa, wb = a.top_words(n), b.top_words(n)
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
