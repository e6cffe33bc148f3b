"""Theme scores without a topic model: the seed words alone, and a supervised classifier.

A topic model earns its place in a study only if it does better than counting the words its
seeds were chosen from; the supervised classifier, trained on the labels of the other source
documents, shows how far the labels can be learnt from the words at all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, LeaveOneGroupOut

from ..text.matrix import DocumentTermMatrix, stem_counts
from ..text.vectorizer import Vectorizer


def keyword_scores(
    texts: list[str],
    ids: list[str],
    vectorizer: Vectorizer,
    seed_words: dict[str, list[str]],
    *,
    vocabulary_only: bool = False,
    stems: tuple[sp.csr_matrix, dict[str, int]] | None = None,
) -> pd.DataFrame:
    """The seed words alone: each theme's share of a paragraph's seed-word occurrences.

    Words are analysed like the corpus (lower case, stems). By default they are not limited
    to the modelling vocabulary, so a seed word too rare for ``min_df`` still counts; with
    ``vocabulary_only`` only the seed words the topic models can use count (the baseline on
    equal terms with the seeded models). A paragraph with no seed word scores 0 on every theme.
    ``stems`` are the texts' :func:`stem_counts`, when already counted (the seed-word checks
    score some 200 variants of the seed words on the same paragraphs).
    """
    analyzer = vectorizer.analyzer_
    owner = {}
    for theme, words in seed_words.items():
        for word in words:
            for term in analyzer.stems(analyzer.words(word)):
                if not vocabulary_only or term in vectorizer.vocabulary_:
                    owner.setdefault(term, theme)
    X, column = stems if stems is not None else stem_counts(texts, vectorizer)
    counts = np.zeros((len(texts), len(seed_words)))
    for j, theme in enumerate(seed_words):
        columns = [column[t] for t, owned_by in owner.items() if owned_by == theme and t in column]
        if columns:
            counts[:, j] = np.asarray(X[:, columns].sum(axis=1), dtype=np.float64).ravel()
    total = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, total, out=np.zeros_like(counts), where=total > 0)
    return pd.DataFrame(shares, index=pd.Index(ids, name="paragraph_id"), columns=list(seed_words))


def supervised_classifier(seed: int) -> LogisticRegression:
    """The supervised reference point: L2 logistic regression with balanced class weights."""
    return LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000, random_state=seed)


def supervised_scores(
    dtm: DocumentTermMatrix, labels: pd.DataFrame, documents: list[str], *, seed: int, n_folds: int = 0
) -> pd.DataFrame:
    """Leave-one-document-out probabilities of a logistic regression on tf-idf, one theme at a time.

    With ``n_folds`` (0: one fold per document) and more documents than that, the documents are
    grouped into ``n_folds`` folds instead (scikit-learn's ``GroupKFold``: whole documents, folds of
    about equal size): a study of a thousand documents would otherwise fit a thousand classifiers per
    theme, each on nearly the whole corpus.

    Each source document's paragraphs are scored by a classifier trained on the other
    documents only, so nothing learnt from a document (its vocabulary, its themes) reaches
    its own scores; near-duplicates of one another stay on one side too, as the corpus stage
    keeps a duplicate group within one document. When the other documents hold a theme in
    one class only (every positive paragraph in the held-out document), nothing can be learnt:
    the held-out paragraphs get that class (0 or 1), which is what such a classifier would say.
    """
    X = dtm.tfidf
    y_all = labels.loc[list(dtm.paragraph_ids)]
    splitter = GroupKFold(n_splits=n_folds) if 0 < n_folds < len(set(documents)) else LeaveOneGroupOut()
    folds = list(splitter.split(X, groups=documents))
    out = {}
    for theme in labels.columns:
        y = y_all[theme].to_numpy()
        scores = np.empty(len(y))
        for train, test in folds:
            if y[train].min() == y[train].max():
                scores[test] = float(y[train][0])
            else:
                scores[test] = (
                    supervised_classifier(seed).fit(X[train], y[train]).predict_proba(X[test])[:, 1]
                )
        out[theme] = scores
    return pd.DataFrame(out, index=pd.Index(dtm.paragraph_ids, name="paragraph_id"))


def document_indicators(paragraph_ids: list[str], document_ids: list[str]) -> pd.DataFrame:
    """A 0/1 column per source document: which document each paragraph comes from.

    Matched to the themes like topics are, it shows how much of a score a model could get by
    telling the sources apart, without any theme content.
    """
    docs = sorted(set(document_ids))
    values = np.array([[float(d == doc) for doc in docs] for d in document_ids])
    return pd.DataFrame(
        values, index=pd.Index(paragraph_ids, name="paragraph_id"), columns=[f"document_{d}" for d in docs]
    )


def length_scores(dtm: DocumentTermMatrix, themes: list[str]) -> pd.DataFrame:
    """Every theme scored by the paragraph's length alone (analysed words over the longest's)."""
    analyzer = dtm.vectorizer.analyzer_
    words = np.array([len(analyzer.words(t)) for t in dtm.texts], dtype=float)
    share = words / words.max() if words.max() > 0 else words
    return pd.DataFrame(
        {theme: share for theme in themes}, index=pd.Index(dtm.paragraph_ids, name="paragraph_id")
    )
