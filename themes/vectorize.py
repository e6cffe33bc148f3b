"""Paragraphs to word matrices: tokens, stop words, stemming, phrases, counts and tf-idf.

:func:`vectorize` fits a vocabulary on the modelling corpus and returns a frozen
:class:`DocumentTermMatrix` that records every setting and can turn unseen text into the
same columns. Nothing is downloaded: the stop words are scikit-learn's, the stemmer is
snowballstemmer's, phrases are learnt by gensim from the corpus itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
import snowballstemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

from .errors import ModelError

# A word is a run of letters, optionally joined to further runs by a hyphen or an
# apostrophe: "al-naba", "ez-zor", "al-islam", "face-to-face" stay one token, so the
# Arabic article "al" is never a word of its own; digits never make a token.
WORD_PATTERN = r"[^\W\d_]+(?:[-'][^\W\d_]+)*"
# scikit-learn's default, used only by the naive baseline.
SKLEARN_PATTERN = r"(?u)\b\w\w+\b"
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_POSSESSIVE = re.compile(r"(?<=[^\W\d_])'s\b")
# English contractions become their words, so that the stop list sees "do not", not "don't";
# other inner apostrophes ("qa'im", "bay'a") belong to transliterated names and stay.
_CONTRACTIONS = [
    (re.compile(r"\b(won)'t\b"), "will not"),
    (re.compile(r"\b(can)'t\b"), "can not"),
    (re.compile(r"(?<=[^\W\d_])n't\b"), " not"),
    (re.compile(r"(?<=[^\W\d_])'(?:d|ll|re|ve|m)\b"), ""),
]


@dataclass(frozen=True)
class VectorizerSettings:
    """Every choice that turns paragraphs into a matrix.

    Parameters
    ----------
    token_pattern : str
        Regular expression for a word (:data:`WORD_PATTERN`, or scikit-learn's default).
    min_token_length : int
        Shorter tokens are dropped.
    stop_words : bool
        Drop scikit-learn's English stop-word list (318 words).
    stem : bool
        Reduce words to their Snowball (Porter 2) English stem, so that "deserters",
        "desertion" and "deserted" count as one term.
    phrases : bool
        Join frequent word pairs into one term with gensim ``Phrases`` ("sleeper_cell").
    phrase_min_count, phrase_threshold : float
        gensim ``Phrases`` settings; the default score (Mikolov et al. 2013).
    min_df : int or float
        Terms in fewer paragraphs (or a smaller share of them) are dropped: a term seen in
        one paragraph carries no co-occurrence for a topic model.
    max_df : float or int
        Terms in more paragraphs (or a larger share) are dropped.
    corpus_stop_doc_share, corpus_stop_min_df : float or None
        The corpus stop list: a term found in at least ``corpus_stop_doc_share`` of the
        source documents *and* in at least ``corpus_stop_min_df`` of the paragraphs is
        dropped. Such terms (the organisation's own name, "fighters") are spread over the
        whole corpus and tell paragraphs apart no better than "the" does. Set
        ``corpus_stop_min_df`` to None to keep them. The rule is applied only when the
        corpus has at least two documents.
    extra_stop_words : tuple of str
        Further words to drop, for a student's own corpus (empty here: the corpus stop
        list is made by the rule above, not by hand).
    """

    token_pattern: str = WORD_PATTERN
    min_token_length: int = 2
    stop_words: bool = True
    stem: bool = True
    phrases: bool = False
    phrase_min_count: int = 3
    phrase_threshold: float = 10.0
    min_df: int | float = 2
    max_df: int | float = 1.0
    corpus_stop_doc_share: float = 1.0
    corpus_stop_min_df: float | None = 0.25
    extra_stop_words: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return asdict(self)


NAIVE_SETTINGS = VectorizerSettings(
    token_pattern=SKLEARN_PATTERN, stem=False, min_df=1, max_df=1.0, corpus_stop_min_df=None
)
"""scikit-learn's ``CountVectorizer(stop_words='english')`` defaults: the naive baseline."""


def _identity(tokens):
    return tokens


@dataclass(frozen=True, eq=False)
class Analyzer:
    """Text to a list of terms (words, stems or phrases), the same for fitting and new text."""

    settings: VectorizerSettings
    phraser: object = field(default=None, repr=False)

    def words(self, text: str) -> list[tuple[str, str]]:
        """(term, surface word) pairs of a text before phrase joining."""
        s = self.settings
        text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
        text = _POSSESSIVE.sub("", text)
        for pattern, repl in _CONTRACTIONS:
            text = pattern.sub(repl, text)
        stop = (ENGLISH_STOP_WORDS if s.stop_words else frozenset()) | set(s.extra_stop_words)
        words = [w.strip("'-") for w in re.findall(s.token_pattern, text)]
        words = [w for w in words if len(w) >= s.min_token_length and w not in stop]
        terms = _STEMMER.stemWords(words) if s.stem else words
        return list(zip(terms, words, strict=True))

    def __call__(self, text: str) -> list[str]:
        terms = [t for t, _ in self.words(text)]
        if self.phraser is not None:
            terms = list(self.phraser[terms])
        return terms


_STEMMER = snowballstemmer.stemmer("english")


@dataclass(frozen=True, eq=False)
class DocumentTermMatrix:
    """A fitted vocabulary and the paragraphs' term counts.

    Attributes
    ----------
    counts : scipy.sparse.csr_matrix of shape (n_paragraphs, n_terms)
        Term counts.
    vocabulary : tuple of str, length n_terms
        The terms, in column order.
    labels : tuple of str, length n_terms
        A readable word for each term: its most frequent surface form ("deserters" for
        the stem "desert"); phrases join the labels of their parts.
    doc_ids : tuple of str, length n_paragraphs
        Paragraph ids, in row order.
    tokens : tuple of tuple of str
        Each paragraph's terms in text order, restricted to the vocabulary (the texts
        coherence is measured on).
    idf : numpy.ndarray of shape (n_terms,)
        Smoothed inverse document frequencies, fitted here and reused for new text.
    corpus_stop_words : tuple of str
        Terms removed by the corpus stop rule.
    settings : VectorizerSettings
    analyzer : Analyzer
    """

    counts: sp.csr_matrix
    vocabulary: tuple[str, ...]
    labels: tuple[str, ...]
    doc_ids: tuple[str, ...]
    tokens: tuple[tuple[str, ...], ...]
    idf: np.ndarray
    corpus_stop_words: tuple[str, ...]
    settings: VectorizerSettings
    analyzer: Analyzer = field(repr=False)

    @property
    def shape(self) -> tuple[int, int]:
        return self.counts.shape

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        """Counts of unseen texts over this vocabulary (unknown words are ignored)."""
        index = {t: j for j, t in enumerate(self.vocabulary)}
        rows, cols = [], []
        for i, text in enumerate(texts):
            for term in self.analyzer(text):
                if term in index:
                    rows.append(i)
                    cols.append(index[term])
        data = np.ones(len(rows), dtype=np.int64)
        return sp.csr_matrix((data, (rows, cols)), shape=(len(texts), len(self.vocabulary)), dtype=np.int64)

    def tfidf(self, counts: sp.spmatrix | None = None) -> sp.csr_matrix:
        """L2-normalised tf-idf of ``counts`` (default: the corpus) with the corpus idf."""
        counts = self.counts if counts is None else counts
        weighted = sp.csr_matrix(counts, dtype=np.float64) @ sp.diags(self.idf)
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1))).ravel()
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ weighted)

    def terms_of(self, word: str) -> list[str]:
        """The vocabulary terms a word maps to after the same analysis (for seed words)."""
        index = set(self.vocabulary)
        return [t for t, _ in self.analyzer.words(word) if t in index]

    def record(self) -> dict:
        """Settings and fitted facts, for a manifest."""
        return {
            "settings": self.settings.as_dict(),
            "n_paragraphs": self.shape[0],
            "n_terms": self.shape[1],
            "n_tokens": int(self.counts.sum()),
            "corpus_stop_words": list(self.corpus_stop_words),
        }


def vectorize(
    texts: list[str],
    *,
    doc_ids: list[str],
    groups: list[str] | None = None,
    settings: VectorizerSettings = VectorizerSettings(),
) -> DocumentTermMatrix:
    """Fit a vocabulary on paragraphs and count their terms.

    Parameters
    ----------
    texts : list of str
        The paragraphs' cleaned texts.
    doc_ids : list of str
        Paragraph ids, one per text.
    groups : list of str, optional
        The source document of each paragraph, for the corpus stop rule.
    settings : VectorizerSettings

    Returns
    -------
    DocumentTermMatrix

    Raises
    ------
    ModelError
        When the filters leave no term.
    """
    if len(texts) != len(doc_ids):
        raise ModelError(f"got {len(texts)} texts but {len(doc_ids)} ids.")
    if not texts:
        raise ModelError("there are no paragraphs to vectorize.")
    base = Analyzer(settings)
    pairs = [base.words(t) for t in texts]
    phraser = None
    if settings.phrases:
        from gensim.models.phrases import Phrases

        phraser = Phrases(
            [[t for t, _ in p] for p in pairs],
            min_count=settings.phrase_min_count,
            threshold=settings.phrase_threshold,
        ).freeze()
    analyzer = Analyzer(settings, phraser)
    docs = [analyzer(t) for t in texts]
    vectorizer = CountVectorizer(
        analyzer=_identity, min_df=settings.min_df, max_df=settings.max_df, dtype=np.int64
    )
    try:
        counts = vectorizer.fit_transform(docs)
    except ValueError:
        raise ModelError(
            f"no term is left after the filters (min_df={settings.min_df}, max_df={settings.max_df}) "
            f"on {len(texts)} paragraphs; lower min_df or add text."
        ) from None
    vocabulary = np.asarray(vectorizer.get_feature_names_out(), dtype=object)
    corpus_stop = _corpus_stop_terms(counts, vocabulary, groups, settings)
    keep = ~np.isin(vocabulary, corpus_stop)
    counts, vocabulary = sp.csr_matrix(counts[:, keep]), vocabulary[keep]
    if vocabulary.size == 0:
        raise ModelError(f"no term is left after the corpus stop rule on {len(texts)} paragraphs.")
    index = set(vocabulary)
    df = np.asarray((counts > 0).sum(axis=0)).ravel()
    n = counts.shape[0]
    idf = np.log((1 + n) / (1 + df)) + 1.0  # scikit-learn's smooth_idf formula
    return DocumentTermMatrix(
        counts=counts,
        vocabulary=tuple(vocabulary.tolist()),
        labels=_labels(vocabulary, pairs),
        doc_ids=tuple(doc_ids),
        tokens=tuple(tuple(t for t in d if t in index) for d in docs),
        idf=idf,
        corpus_stop_words=tuple(sorted(corpus_stop)),
        settings=settings,
        analyzer=analyzer,
    )


def _corpus_stop_terms(counts, vocabulary, groups, settings) -> list[str]:
    if settings.corpus_stop_min_df is None or groups is None or len(set(groups)) < 2:
        return []
    present = (counts > 0).astype(np.int64)
    par_share = np.asarray(present.mean(axis=0)).ravel()
    names = sorted(set(groups))
    member = sp.csr_matrix(np.array([[g == name for g in groups] for name in names], dtype=np.int64))
    in_doc = np.asarray(((member @ present) > 0).sum(axis=0)).ravel() / len(names)
    hit = (in_doc >= settings.corpus_stop_doc_share) & (par_share >= settings.corpus_stop_min_df)
    return sorted(vocabulary[hit].tolist())


def _labels(vocabulary, pairs) -> tuple[str, ...]:
    """Most frequent surface word per term (ties: alphabetical); phrases join their parts."""
    seen: dict[str, Counter] = {}
    for doc in pairs:
        for term, word in doc:
            seen.setdefault(term, Counter())[word] += 1

    def label(term: str) -> str:
        if term in seen:
            return min(seen[term].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        return "_".join(label(part) for part in term.split("_")) if "_" in term else term

    return tuple(label(t) for t in vocabulary)


def settings_effect(
    texts: list[str], *, doc_ids: list[str], groups: list[str], variants: dict[str, VectorizerSettings]
) -> pd.DataFrame:
    """Vocabulary size, tokens kept and corpus stop words under each named setting."""
    rows = []
    for name, settings in variants.items():
        dtm = vectorize(texts, doc_ids=doc_ids, groups=groups, settings=settings)
        rows.append(
            {
                "variant": name,
                "terms": dtm.shape[1],
                "tokens": int(dtm.counts.sum()),
                "tokens_per_paragraph": float(dtm.counts.sum(axis=1).mean()),
                "corpus_stop_words": " ".join(dtm.corpus_stop_words),
                "phrases": " ".join(t for t in dtm.vocabulary if "_" in t),
            }
        )
    return pd.DataFrame(rows)
