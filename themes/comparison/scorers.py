"""Theme scorers: a topic model, the seed words or a classifier turned into theme scores.

Every scorer gives each paragraph a score per theme (``scores``), decides "theme present"
by its own rule (``decide``), names that rule (``decision_rule``), and scores new text
(``predict``). The comparison treats all of them alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..models.topic_model import TopicModel
from ..text.matrix import DocumentTermMatrix
from ..text.vectorizer import Vectorizer
from . import baselines
from . import matching as alignment
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
        return not self.seeded

    """Seeded models keep their own theme topics; plain ones are matched on the labels."""

    @classmethod
    def from_model(
        cls, model: TopicModel, labels: pd.DataFrame, *, seeded: bool, rules: Rules = RULES
    ) -> TopicScorer:
        """Match themes to topics on the labels (seeded models keep their own topics)."""
        assoc = alignment.association(model, labels)
        matching = alignment.match_themes(assoc, seeded=seeded)
        return cls(model, assoc, matching, alignment.topic_theme_scores(model, matching), seeded, rules)

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
        return alignment.decisions(scores, self.rules.topic_threshold(self.model.k))

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
        return alignment.decisions(scores, self.rules.keyword_min_share, strict=True)

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
    ) -> SupervisedScorer:
        """``documents``: each paragraph's source document (the folds leave one out)."""
        scores = baselines.supervised_scores(dtm, labels, documents, seed=seed)
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
        return alignment.decisions(scores, self.rules.supervised_threshold)

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

    @classmethod
    def from_documents(cls, dtm: DocumentTermMatrix, labels: pd.DataFrame, *, rules: Rules = RULES):
        """One indicator per source document, matched one to one to the themes on the labels."""
        indicators = baselines.document_indicators(list(dtm.paragraph_ids), list(dtm.document_ids))
        y = labels.loc[indicators.index]
        assoc = pd.DataFrame(
            alignment.auc_matrix(indicators.to_numpy(), y.to_numpy()),
            index=indicators.columns,
            columns=labels.columns,
        )
        matching = alignment.match_themes(assoc)
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
        return alignment.decisions(scores, self.threshold)

    def predict(self, texts) -> pd.DataFrame:
        from ..errors import ModelError

        raise ModelError(
            f"the {self.name} baseline describes the study's paragraphs only; it scores no new text."
        )


ThemeScorer = TopicScorer | KeywordScorer | SupervisedScorer | ConfoundScorer
