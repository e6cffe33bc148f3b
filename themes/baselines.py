"""Theme scores without a topic model: the seed words alone, and a supervised classifier.

A topic model earns its place in a study only if it does better than counting the words its
seeds were chosen from; the supervised classifier, trained on the labels it is scored
against (out of fold), shows how far the labels can be learnt from the words at all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict

from .vectorize import DocumentTermMatrix, Vectorizer


def keyword_scores(
    texts: list[str],
    ids: list[str],
    vectorizer: Vectorizer,
    seed_words: dict[str, list[str]],
    *,
    vocabulary_only: bool = False,
) -> pd.DataFrame:
    """The seed words alone: each theme's share of a paragraph's seed-word occurrences.

    Words are analysed like the corpus (lower case, stems). By default they are not limited
    to the modelling vocabulary, so a seed word too rare for ``min_df`` still counts; with
    ``vocabulary_only`` only the seed words the topic models can use count (the baseline on
    equal terms with the seeded models). A paragraph with no seed word scores 0 on every theme.
    """
    analyzer = vectorizer.analyzer_
    owner = {}
    for theme, words in seed_words.items():
        for word in words:
            for term in analyzer.stems(analyzer.words(word)):
                if not vocabulary_only or term in vectorizer.vocabulary_:
                    owner.setdefault(term, theme)
    counts = np.zeros((len(texts), len(seed_words)))
    index = {t: j for j, t in enumerate(seed_words)}
    for i, text in enumerate(texts):
        for term in analyzer.stems(analyzer.words(text)):
            if term in owner:
                counts[i, index[owner[term]]] += 1
    total = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, total, out=np.zeros_like(counts), where=total > 0)
    return pd.DataFrame(shares, index=pd.Index(ids, name="paragraph_id"), columns=list(seed_words))


def supervised_classifier(seed: int) -> LogisticRegression:
    """The supervised reference point: L2 logistic regression with balanced class weights."""
    return LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000, random_state=seed)


def supervised_scores(
    dtm: DocumentTermMatrix, labels: pd.DataFrame, groups: list[str], *, seed: int, n_splits: int = 5
) -> pd.DataFrame:
    """Out-of-fold probabilities of a logistic regression on tf-idf, one theme at a time.

    Folds come from ``StratifiedGroupKFold`` on ``groups``: a paragraph and its
    near-duplicates share a group, so they never sit on both sides of a split. Each theme
    is stratified on its own labels; ``seed`` shuffles the folds.
    """
    X = dtm.tfidf
    y_all = labels.loc[list(dtm.paragraph_ids)]
    out = {}
    for theme in labels.columns:
        y = y_all[theme].to_numpy()
        splits = min(n_splits, int(y.sum()), int((1 - y).sum()))
        if splits < 2:
            out[theme] = np.full(len(y), y.mean())
            continue
        cv = StratifiedGroupKFold(n_splits=splits, shuffle=True, random_state=seed)
        out[theme] = cross_val_predict(
            supervised_classifier(seed), X, y, groups=groups, cv=cv, method="predict_proba"
        )[:, 1]
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
