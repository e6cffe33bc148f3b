"""Theme scorers: a topic model, the seed words, a classifier or a confound turned into theme scores.

Every scorer gives each paragraph a score per theme (``scores``), says what the themes are
matched from (``candidates``, and whether they are matched on the labels: ``matched``), decides
"theme present" by its own rule (``decide``), names that rule (``decision_rule``), and scores new
text (``predict``). Those of a topic model also carry the ``model``, its topic-theme
``association`` and the ``matching``; the others have None there. :class:`ModelRuns` holds one
model's scorers over seeds: the unit the comparison (:mod:`themes.comparison.compare`) works on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import ModelError
from ..models.topic_model import TopicModel
from ..text.matrix import DocumentTermMatrix
from ..text.vectorizer import Vectorizer
from . import baselines
from .matching import association, auc_matrix, match_themes, topic_theme_scores
from .metrics import decisions
from .rules import RULES, Rules


@dataclass(frozen=True, eq=False)
class TopicScorer:
    """A topic model's themes: each theme's matched (or seeded) topic share.

    Attributes
    ----------
    model : TopicModel
    association : pandas.DataFrame
        Topics x themes ROC AUC.
    matching : dict of str to (str or None)
        Theme -> topic.
    scores : pandas.DataFrame
        Paragraphs x themes.
    """

    model: TopicModel
    association: pd.DataFrame
    matching: dict
    scores: pd.DataFrame
    seeded: bool
    rules: Rules = field(default=RULES, repr=False)
    kind = "topic"

    @property
    def candidates(self) -> pd.DataFrame:
        """What the themes are matched from (for the matching null): every topic's shares."""
        return self.model.document_topics

    @property
    def matched(self) -> bool:
        """Plain models' themes are matched on the labels; seeded models keep their own topics."""
        return not self.seeded

    @classmethod
    def from_model(
        cls, model: TopicModel, labels: pd.DataFrame, *, seeded: bool | None = None, rules: Rules = RULES
    ) -> TopicScorer:
        """Match themes to topics on the labels (a seeded model keeps its own topics).

        ``seeded`` defaults to the model's own (:attr:`themes.models.TopicModel.seeded`); False
        matches a seeded model's topics like a plain model's.
        """
        seeded = model.seeded if seeded is None else seeded
        assoc = association(model, labels)
        matching = match_themes(assoc, seeded=seeded)
        return cls(model, assoc, matching, topic_theme_scores(model, matching), seeded, rules)

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def seed(self) -> int | None:
        return self.model.seed

    @property
    def decision_rule(self) -> str:
        return self.rules.topic_rule

    def decide(self, scores: pd.DataFrame) -> pd.DataFrame:
        return decisions(scores, self.rules.topic_threshold(self.model.k))

    def predict(self, texts) -> pd.DataFrame:
        """Theme scores of new texts: the matched topics' shares (0 for an unmatched theme)."""
        shares = self.model.transform(texts)
        return pd.DataFrame(
            {t: shares[topic] if topic is not None else 0.0 for t, topic in self.matching.items()},
            index=shares.index,
        )


@dataclass(frozen=True, eq=False)
class KeywordScorer:
    """The seed words alone: each theme's share of a paragraph's seed-word occurrences."""

    vectorizer: Vectorizer
    seed_words: dict
    scores: pd.DataFrame
    rules: Rules = field(default=RULES, repr=False)
    vocabulary_only: bool = False
    kind = "keywords"
    seed = None
    matched = False
    model = association = matching = None

    @property
    def name(self) -> str:
        """``keywords`` (every seed word) or ``keywords_vocab`` (those in the models' vocabulary)."""
        return "keywords_vocab" if self.vocabulary_only else "keywords"

    @property
    def candidates(self) -> pd.DataFrame:
        return self.scores

    @classmethod
    def from_matrix(
        cls, dtm: DocumentTermMatrix, seed_words: dict, *, rules: Rules = RULES, vocabulary_only: bool = False
    ) -> KeywordScorer:
        scores = baselines.keyword_scores(
            list(dtm.texts),
            list(dtm.paragraph_ids),
            dtm.vectorizer,
            seed_words,
            vocabulary_only=vocabulary_only,
            stems=dtm.stem_counts,
        )
        return cls(dtm.vectorizer, seed_words, scores, rules, vocabulary_only)

    @property
    def decision_rule(self) -> str:
        return self.rules.keyword_rule

    def decide(self, scores: pd.DataFrame) -> pd.DataFrame:
        return decisions(scores, self.rules.keyword_min_share, strict=True)

    def predict(self, texts) -> pd.DataFrame:
        dtm = DocumentTermMatrix.from_paragraphs(self.vectorizer, texts)
        return baselines.keyword_scores(
            list(dtm.texts),
            list(dtm.paragraph_ids),
            self.vectorizer,
            self.seed_words,
            vocabulary_only=self.vocabulary_only,
        )


@dataclass(frozen=True, eq=False)
class SupervisedScorer:
    """A logistic regression per theme on tf-idf: leave-one-document-out scores, and one fit
    on all paragraphs for new text (a constant for a theme with one class only)."""

    vectorizer: Vectorizer
    classifiers: dict
    scores: pd.DataFrame
    seed: int
    rules: Rules = field(default=RULES, repr=False)
    name = "supervised"
    kind = "supervised"
    matched = False
    model = association = matching = None

    @property
    def candidates(self) -> pd.DataFrame:
        return self.scores

    @classmethod
    def from_matrix(
        cls,
        dtm: DocumentTermMatrix,
        labels: pd.DataFrame,
        documents: list[str],
        *,
        seed: int,
        rules: Rules = RULES,
        n_folds: int = 0,
    ) -> SupervisedScorer:
        """``documents``: each paragraph's source document (the folds leave one out, or with
        ``n_folds`` group the documents into that many folds)."""
        scores = baselines.supervised_scores(dtm, labels, documents, seed=seed, n_folds=n_folds)
        y_all = labels.loc[list(dtm.paragraph_ids)]
        fitted = {}
        for theme in labels.columns:
            y = y_all[theme].to_numpy()
            fitted[theme] = (
                baselines.supervised_classifier(seed).fit(dtm.tfidf, y)
                if y.min() != y.max()
                else float(y.mean())
            )
        return cls(dtm.vectorizer, fitted, scores, seed, rules)

    @property
    def decision_rule(self) -> str:
        return self.rules.supervised_rule

    def decide(self, scores: pd.DataFrame) -> pd.DataFrame:
        return decisions(scores, self.rules.supervised_threshold)

    def predict(self, texts) -> pd.DataFrame:
        dtm = DocumentTermMatrix.from_paragraphs(self.vectorizer, texts)
        X = dtm.tfidf
        columns = {
            theme: f.predict_proba(X)[:, 1] if not isinstance(f, float) else np.full(X.shape[0], f)
            for theme, f in self.classifiers.items()
        }
        return pd.DataFrame(columns, index=pd.Index(dtm.paragraph_ids, name="paragraph_id"))


@dataclass(frozen=True, eq=False)
class ConfoundScorer:
    """Scores without theme content: the source document (matched to themes like topics are)
    or the paragraph's length. A model that does no better has found the confound, not the theme.
    They describe the study's paragraphs only and score no new text.
    """

    name: str
    candidates: pd.DataFrame
    matching: dict
    scores: pd.DataFrame
    threshold: float
    matched: bool
    rules: Rules = field(default=RULES, repr=False)
    kind = "confound"
    seed = None
    model = association = None

    @classmethod
    def from_documents(cls, dtm: DocumentTermMatrix, labels: pd.DataFrame, *, rules: Rules = RULES):
        """One indicator per source document, matched one to one to the themes on the labels."""
        indicators = baselines.document_indicators(list(dtm.paragraph_ids), list(dtm.document_ids))
        y = labels.loc[indicators.index]
        assoc = pd.DataFrame(
            auc_matrix(indicators.to_numpy(), y.to_numpy()),
            index=indicators.columns,
            columns=labels.columns,
        )
        matching = match_themes(assoc)
        scores = pd.DataFrame(
            {t: indicators[d] if d is not None else 0.0 for t, d in matching.items()}, index=indicators.index
        )
        return cls("document", indicators, matching, scores, 0.5, True, rules)

    @classmethod
    def from_lengths(cls, dtm: DocumentTermMatrix, labels: pd.DataFrame, *, rules: Rules = RULES):
        """Every theme scored by paragraph length; present from the median length up."""
        scores = baselines.length_scores(dtm, list(labels.columns))
        first = scores.iloc[:, 0]
        return cls(
            "length",
            scores,
            {t: "length" for t in labels.columns},
            scores,
            float(first.median()),
            False,
            rules,
        )

    @property
    def decision_rule(self) -> str:
        return self.rules.document_rule if self.name == "document" else self.rules.length_rule

    def decide(self, scores: pd.DataFrame) -> pd.DataFrame:
        return decisions(scores, self.threshold)

    def predict(self, texts) -> pd.DataFrame:
        raise ModelError(
            f"the {self.name} baseline describes the study's paragraphs only; it scores no new text."
        )


ThemeScorer = TopicScorer | KeywordScorer | SupervisedScorer | ConfoundScorer


@dataclass(frozen=True, eq=False)
class ModelRuns:
    """One model's theme scorers, one per seed; the first is the reference seed's.

    Attributes
    ----------
    name : str
    runs : tuple of ThemeScorer
    """

    name: str
    runs: tuple

    def __post_init__(self):
        if not self.runs:
            raise ModelError(f"the model {self.name!r} has no runs to compare.")
        object.__setattr__(self, "runs", tuple(self.runs))

    @property
    def first(self) -> ThemeScorer:
        return self.runs[0]

    @property
    def model(self) -> TopicModel | None:
        """The reference seed's topic model (None for a baseline)."""
        return self.first.model

    @property
    def matched(self) -> bool:
        """Whether the themes are matched to candidates on the labels (plain models, the document)."""
        return self.first.matched

    def __len__(self) -> int:
        return len(self.runs)

    def __iter__(self):
        return iter(self.runs)

    @classmethod
    def of_models(cls, models, labels: pd.DataFrame, *, seeded: bool | None = None, rules: Rules = RULES):
        """A topic model's fits (one per seed, or one) as runs, their themes matched on ``labels``."""
        models = [models] if isinstance(models, TopicModel) else list(models)
        if not models:
            raise ModelError("give at least one fitted topic model to compare.")
        scorers = [TopicScorer.from_model(m, labels, seeded=seeded, rules=rules) for m in models]
        return cls(models[0].name, tuple(scorers))
