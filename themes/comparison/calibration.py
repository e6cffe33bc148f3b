"""Calibrating the verdict by simulation: how often it recovers a theme that is not there, and how
often it finds one that is.

A synthetic study is drawn from a topic model's generative process with source documents whose
topics, and whose themes, are concentrated by document, as in real corpora: each document has its
own topic mixture and its own share of each theme. Under the **null** a paragraph's labels depend on
its document only (independent of its topics given the document); under the **alternative** one
theme is tied to a planted topic (the more of the topic a paragraph holds, the likelier the label).
A topic model (NMF on tf-idf) is fitted to each study and compared with its labels by the study's
own :func:`~themes.comparison.theme_table.theme_table`, with the null permuting labels within
documents (the rule) or across the whole corpus (the earlier rule).
``benchmarks/calibration.py`` runs the grid; ``tests/comparison/test_calibration.py`` a small one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from joblib import Parallel, delayed
from scipy.special import expit, logit
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfTransformer

from ..models.base import normalise_rows
from .matching import assign, auc_matrix
from .scorers import ConfoundScorer, ModelRuns
from .theme_table import Inference, theme_table


@dataclass(frozen=True)
class Design:
    """One synthetic study's shape.

    Attributes
    ----------
    n_documents, paragraphs_per_document : int
    n_topics : int
        Topics of the generative process (and of the fitted model).
    n_themes : int
    vocabulary : int
    words_per_paragraph : int
    prevalence : float
        Each theme's average share of the paragraphs.
    clustering : float
        How strongly themes cluster by document: the spread (on the logit scale) of a theme's share
        across documents; 0 gives every document the same share.
    topic_concentration : float
        The Dirichlet concentration of documents' topic mixtures (small: each document dwells on a
        few topics of its own, so topics also tell documents apart).
    effect : float
        Under the alternative, the logit change per unit of the planted topic's share of a paragraph
        (0: the null).
    """

    n_documents: int = 4
    paragraphs_per_document: int = 12
    n_topics: int = 6
    n_themes: int = 3
    vocabulary: int = 400
    words_per_paragraph: int = 60
    prevalence: float = 0.25
    clustering: float = 1.5
    topic_concentration: float = 0.3
    effect: float = 0.0


def simulate(design: Design, seed: int) -> tuple[sp.csr_matrix, pd.DataFrame, pd.Series, np.ndarray]:
    """A synthetic study: word counts, labels (paragraphs x themes), each paragraph's document, and
    the true topic shares. Theme 0 is tied to topic 0 when ``design.effect`` is not 0."""
    rng = np.random.default_rng(seed)
    d, p, k, v = design.n_documents, design.paragraphs_per_document, design.n_topics, design.vocabulary
    topics = rng.dirichlet(np.full(v, 0.05), size=k)  # sparse topics: few words each
    doc_mix = rng.dirichlet(np.full(k, design.topic_concentration), size=d)
    theta = np.vstack([rng.dirichlet(5.0 * doc_mix[i] + 0.05, size=p) for i in range(d)])
    words = theta @ topics
    counts = np.vstack([rng.multinomial(design.words_per_paragraph, w / w.sum()) for w in words])
    documents = np.repeat([f"doc{i:02d}" for i in range(d)], p)
    doc_shift = rng.normal(0.0, design.clustering, size=(d, design.n_themes))
    logits = logit(design.prevalence) + np.repeat(doc_shift, p, axis=0)
    if design.effect:
        planted = theta[:, 0]
        logits[:, 0] += design.effect * (planted - planted.mean())
    labels = (rng.random(logits.shape) < expit(logits)).astype(int)
    ids = [f"p{i:04d}" for i in range(d * p)]
    frame = pd.DataFrame(
        labels, index=pd.Index(ids, name="paragraph_id"), columns=[f"t{j}" for j in range(design.n_themes)]
    )
    return sp.csr_matrix(counts), frame, pd.Series(documents, index=frame.index), theta


def verdicts(
    design: Design, seed: int, *, n_perm: int = 200, within: tuple[str, ...] = ("document", "corpus")
) -> dict:
    """Fit NMF to one synthetic study and give each theme's verdict under each null."""
    counts, labels, documents, _ = simulate(design, seed)
    keep = np.asarray(counts.sum(axis=0)).ravel() > 0
    tfidf = TfidfTransformer().fit_transform(counts[:, keep])
    nmf = NMF(n_components=design.n_topics, init="nndsvda", max_iter=400, random_state=seed)
    shares = pd.DataFrame(normalise_rows(nmf.fit_transform(tfidf)), index=labels.index)
    shares.columns = [f"topic_{j + 1:02d}" for j in range(design.n_topics)]
    runs = matched_runs(shares, labels)
    out = {}
    for null_within in within:
        inference = Inference(n_boot=0, n_perm=n_perm, seed=seed, null_within=null_within)
        table = theme_table(runs, labels, documents, inference=inference).table
        out[null_within] = table.set_index("theme")["verdict"].to_dict()
    return out


def matched_runs(shares: pd.DataFrame, labels: pd.DataFrame) -> ModelRuns:
    """A fitted model's topic shares as the runs of a plain model: themes matched to topics on the labels."""
    auc = auc_matrix(shares.to_numpy(), labels.loc[shares.index].to_numpy())
    rows, cols = assign(auc)
    matching = {t: None for t in labels.columns}
    for r, c in zip(rows, cols, strict=True):
        matching[labels.columns[c]] = shares.columns[r]
    scores = pd.DataFrame({t: shares[c] if c else 0.0 for t, c in matching.items()}, index=shares.index)
    return ModelRuns("nmf", (ConfoundScorer("nmf", shares, matching, scores, 0.5, True),))


def rates(design: Design, seeds, *, n_perm: int = 200, n_jobs: int = 1) -> pd.DataFrame:
    """Over ``seeds`` synthetic studies of ``design``: per null, the share of studies with any theme
    recovered (the family-wise rate Holm controls), the share of themes recovered, and theme 0's
    recovery rate (the power, when it is planted), each with its Monte Carlo standard error."""
    results = Parallel(n_jobs=n_jobs)(delayed(verdicts)(design, s, n_perm=n_perm) for s in seeds)
    rows = []
    for null_within in ("document", "corpus"):
        got = np.array([[v == "recovered" for v in r[null_within].values()] for r in results])
        n = len(got)
        any_theme, theme0 = got.any(axis=1).mean(), got[:, 0].mean()
        rows.append(
            {
                **asdict(design),
                "null_within": null_within,
                "studies": n,
                "any_recovered": any_theme,
                "any_recovered_se": np.sqrt(any_theme * (1 - any_theme) / n),
                "themes_recovered": got.mean(),
                "theme0_recovered": theme0,
                "theme0_recovered_se": np.sqrt(theme0 * (1 - theme0) / n),
            }
        )
    return pd.DataFrame(rows)
