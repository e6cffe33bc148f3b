"""Saving and loading theme scorers: a topic model with its matching, the seed words, a classifier.

``themes reproduce`` saves each model's first-seed scorer in ``results/models/<name>/`` and
``themes score`` loads it to score new text without refitting. No pickle: the topic model through
:meth:`themes.models.TopicModel.record`, everything else through :mod:`themes.models.persist`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..environment import library_versions
from ..models import persist
from ..models.topic_model import TopicModel
from .scorers import KeywordScorer, SupervisedScorer, TopicScorer

SCORER_FORMAT = "themes.Scorer"
CLASSIFIER = "sklearn.linear_model._logistic.LogisticRegression"
"""The supervised baseline's classifier, the one estimator saved that is not a topic backend."""


def save_scorer(scorer, path) -> Path:
    """Save a theme scorer (topic model with its matching, keywords or supervised) to a folder."""
    record = {
        **persist.record_header(SCORER_FORMAT, library_versions()),
        "kind": scorer.kind,
        "name": scorer.name,
    }
    records, arrays = {}, {}
    if scorer.kind == "topic":
        model_record, arrays = scorer.model.record()
        records["model.json"] = model_record
        record.update(matching=scorer.matching, seeded=scorer.seeded)
    else:
        record["vectorizer"], arrays = persist.vectorizer_record(scorer.vectorizer)
    if scorer.kind == "keywords":
        record["seed_words"] = scorer.seed_words
        record["vocabulary_only"] = scorer.vocabulary_only
    if scorer.kind == "supervised":
        record["seed"] = scorer.seed
        record["classifiers"] = {}
        for i, (theme, clf) in enumerate(scorer.classifiers.items()):
            if isinstance(clf, float):
                record["classifiers"][theme] = {"constant": clf}
            else:
                clf_record, clf_arrays = persist.estimator_record(
                    clf, f"classifier{i}", allowed=persist.allowed_classes(CLASSIFIER)
                )
                record["classifiers"][theme] = clf_record
                arrays.update(clf_arrays)
    record["themes"] = list(scorer.scores.columns)
    records["scorer.json"] = record
    return persist.write_folder(path, records, arrays)


def load_scorer(path):
    """Load a scorer saved by :func:`save_scorer` (its scores on new text are the saved one's)."""
    path = Path(path)
    record = persist.read_record(path, kind=SCORER_FORMAT, filename="scorer.json")
    themes = record["themes"]
    empty = pd.DataFrame(columns=themes)  # corpus scores are not saved; only new text is scored
    # JSON objects are written with sorted keys: mappings by theme are put back in theme order
    if record["kind"] == "topic":
        model = TopicModel.load(path)
        matching = {t: record["matching"][t] for t in themes}
        return TopicScorer(model, pd.DataFrame(), matching, empty, record["seeded"])
    vectorizer = persist.load_vectorizer(record["vectorizer"], path)
    if record["kind"] == "keywords":
        seed_words = {t: record["seed_words"][t] for t in themes}
        return KeywordScorer(
            vectorizer, seed_words, empty, vocabulary_only=record.get("vocabulary_only", False)
        )
    classifiers = {
        theme: (
            c["constant"]
            if "constant" in c
            else persist.load_estimator(c, path, allowed=persist.allowed_classes(CLASSIFIER))
        )
        for theme in themes
        for c in [record["classifiers"][theme]]
    }
    return SupervisedScorer(vectorizer, classifiers, empty, record["seed"])
