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
from ..models import saved_checks as checks
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
    """Load a scorer saved by :func:`save_scorer` (its scores on new text are the saved one's).

    Everything the file says is checked before use (:mod:`themes.models.saved_checks`): its kind,
    its themes, the topic each theme is matched to, its seed words, its classifiers' shapes.
    """
    path = Path(path)
    record = persist.read_record(path, kind=SCORER_FORMAT, filename="scorer.json")
    what = "scorer.json"
    themes = checks.text_list(record.get("themes"), "themes", path)
    kind = checks.field(record, "kind", str, path, what=what)
    empty = pd.DataFrame(columns=themes)  # corpus scores are not saved; only new text is scored
    # JSON objects are written with sorted keys: mappings by theme are put back in theme order
    if kind == "topic":
        model = TopicModel.load(path)
        matching = _by_theme(
            checks.field(record, "matching", dict, path, what=what), themes, path, "matching"
        )
        if not all(t is None or t in model.topic_names for t in matching.values()):
            raise checks.refuse(path, "matches a theme to a topic the model does not have")
        return TopicScorer(model, pd.DataFrame(), matching, empty, checks.field(record, "seeded", bool, path))
    if kind not in ("keywords", "supervised"):
        raise checks.refuse(path, f"is a scorer of the unknown kind {kind[:40]!r}")
    vectorizer = persist.load_vectorizer(checks.field(record, "vectorizer", dict, path, what=what), path)
    if kind == "keywords":
        words = _by_theme(
            checks.field(record, "seed_words", dict, path, what=what), themes, path, "seed words"
        )
        seed_words = {t: checks.text_list(ws, f"seed words of {t}", path) for t, ws in words.items()}
        only = record.get("vocabulary_only", False)
        return KeywordScorer(vectorizer, seed_words, empty, vocabulary_only=bool(only))
    saved = _by_theme(checks.field(record, "classifiers", dict, path, what=what), themes, path, "classifiers")
    allowed = persist.allowed_classes(CLASSIFIER)
    classifiers = {}
    for i, (theme, c) in enumerate(saved.items()):
        if isinstance(c, dict) and "constant" in c:
            classifiers[theme] = checks.field(c, "constant", float, path, what=what)
        else:
            classifiers[theme] = persist.load_estimator(c, path, allowed=allowed, prefix=f"classifier{i}")
            checks.check_estimator(classifiers[theme], path, k=None, n_terms=len(vectorizer.vocabulary_))
    return SupervisedScorer(
        vectorizer, classifiers, empty, checks.field(record, "seed", (int, type(None)), path)
    )


def _by_theme(mapping: dict, themes: list[str], path: Path, what: str) -> dict:
    """A mapping of a saved scorer, one entry per theme in theme order."""
    if set(mapping) != set(themes):
        raise checks.refuse(path, f"has {what} for other themes than its own ({', '.join(themes)})")
    return {t: mapping[t] for t in themes}
