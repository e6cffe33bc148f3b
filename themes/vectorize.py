"""Paragraphs to word matrices: tokens, stop words, stems, phrases, counts and tf-idf.

:class:`Vectorizer` is a scikit-learn transformer: ``fit`` learns the vocabulary (after the
corpus stop rule), ``transform`` counts the terms of any text with the same analysis.
:class:`DocumentTermMatrix` bundles a fitted vectorizer with the counts of the paragraphs it
describes, which is what the models are fitted on. Nothing is downloaded: the stop words are
scikit-learn's, the stemmer is Snowball's (PyStemmer, compiled), phrases are learnt by gensim.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from numbers import Integral

import numpy as np
import pandas as pd
import scipy.sparse as sp
import snowballstemmer
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfTransformer
from sklearn.utils.validation import check_is_fitted

from .errors import ModelError

# A word is a run of letters, optionally joined to further runs by a hyphen or an
# apostrophe: "al-naba", "ez-zor", "al-islam", "face-to-face" stay one token, so the
# Arabic article "al" is never a word of its own; digits never make a token.
WORD_PATTERN = r"[^\W\d_]+(?:[-'][^\W\d_]+)*"
# scikit-learn's default, used only by the naive baseline.
SKLEARN_PATTERN = r"(?u)\b\w\w+\b"
# Quote-like characters read as an apostrophe. Replaced one by one with str.replace, which
# scans in C: str.translate with a mapping looks up every character in Python and took a
# tenth of the vectorizer's time.
_QUOTES = ("\u2018", "\u2019", "\u02bc", "`", "\u00b4")
# Possessives are dropped and English contractions become their words, so that the stop list
# sees "do not", not "don't"; other inner apostrophes ("qa'im", "bay'a") belong to
# transliterated names and stay. One pattern, one pass over the text.
# The leading look-ahead changes no match (every match starts with one of these characters)
# but lets the engine pass over other positions without trying the look-behinds: 4x faster.
_SHORT_FORMS = re.compile(
    r"(?=['wcn])(?:"
    r"(?<=[^\W\d_])'s\b|\b(won|can)'t\b|(?<=[^\W\d_])(n)'t\b|(?<=[^\W\d_])'(?:d|ll|re|ve|m)\b"
    r")"
)
_LONG_FORMS = {"won": "will not", "can": "can not", "n": " not"}


def _long_form(match: re.Match) -> str:
    short = match.group(1) or match.group(2)
    return _LONG_FORMS[short] if short else ""


class Analyzer:
    """Text to words (:meth:`words`) and to terms (``__call__``: stems, then phrases).

    The same object analyses the fitting corpus and any new text, so both get the same
    terms. Stems are cached per distinct word: a corpus repeats its words, and the
    stemmer is then called once per word rather than once per token.
    """

    def __init__(self, vectorizer: Vectorizer, phraser=None):
        self.token_pattern = re.compile(vectorizer.token_pattern)
        self.min_token_length = vectorizer.min_token_length
        self.stop = (ENGLISH_STOP_WORDS if vectorizer.stop_words else frozenset()) | frozenset(
            vectorizer.extra_stop_words
        )
        self.stem = vectorizer.stem
        self._strip = vectorizer.token_pattern not in (WORD_PATTERN, SKLEARN_PATTERN)
        self.phraser = phraser
        self._stems: dict[str, str] = {}
        self._stemmer = snowballstemmer.stemmer("english")

    def __getstate__(self):  # the C stemmer cannot be pickled (joblib, Dask); it is rebuilt
        return {k: v for k, v in self.__dict__.items() if k != "_stemmer"}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._stemmer = snowballstemmer.stemmer("english")

    def words(self, text: str) -> list[str]:
        """The text's words: normalised, lower case, without stop words and short tokens."""
        text = unicodedata.normalize("NFKC", text)
        for quote in _QUOTES:
            if quote in text:
                text = text.replace(quote, "'")
        text = text.lower()
        if "'" in text:
            text = _SHORT_FORMS.sub(_long_form, text)
        stop, shortest = self.stop, self.min_token_length
        tokens = self.token_pattern.findall(text)
        if self._strip:  # the package's patterns never start or end a token with ' or -
            tokens = [w.strip("'-") for w in tokens]
        return [w for w in tokens if len(w) >= shortest and w not in stop]

    def stems(self, words: list[str]) -> list[str]:
        """Each word's term: its Snowball stem (or the word itself without stemming)."""
        if not self.stem:
            return list(words)
        cache = self._stems
        new = [w for w in dict.fromkeys(words) if w not in cache]
        if new:
            cache.update(zip(new, self._stemmer.stemWords(new), strict=True))
        return [cache[w] for w in words]

    def __call__(self, text: str) -> list[str]:
        terms = self.stems(self.words(text))
        return list(self.phraser[terms]) if self.phraser is not None else terms


def _texts_and_groups(paragraphs, groups) -> tuple[list[str], list | None]:
    """Texts from a paragraph table (its ``text``; ``doc_id`` as groups) or a sequence of str."""
    if isinstance(paragraphs, pd.DataFrame):
        if "text" not in paragraphs.columns:
            raise ModelError("the paragraph table has no 'text' column.")
        if groups is None and "doc_id" in paragraphs.columns:
            groups = paragraphs["doc_id"].tolist()
        paragraphs = paragraphs["text"]
    if isinstance(paragraphs, str):
        raise ModelError("give a list of texts (or a paragraph table), not a single string.")
    texts = [t if isinstance(t, str) else "" for t in paragraphs]
    if groups is not None and len(groups) != len(texts):
        raise ModelError(f"got {len(texts)} texts but {len(groups)} groups.")
    return texts, (list(groups) if groups is not None else None)


def _doc_count_bounds(min_df, max_df, n_docs: int) -> tuple[float, float]:
    # CountVectorizer's reading of min_df/max_df: an int is a number of documents, a float a share.
    low = min_df if isinstance(min_df, Integral) else min_df * n_docs
    high = max_df if isinstance(max_df, Integral) else max_df * n_docs
    return low, high


class Vectorizer(TransformerMixin, BaseEstimator):
    """Paragraphs to term counts, with the analysis this package uses for topic models.

    Parameters
    ----------
    token_pattern : str, default WORD_PATTERN
        Regular expression for a word: letters joined by hyphens or apostrophes, so that
        "al-Naba'" is one token and digits are never one.
    min_token_length : int, default 2
        Shorter words are dropped.
    stop_words : bool, default True
        Drop scikit-learn's English stop-word list (318 words).
    stem : bool, default True
        Reduce words to their Snowball (Porter 2) English stem: "deserters", "desertion"
        and "deserted" count as one term.
    phrases : bool, default False
        Join frequent word pairs into one term with gensim ``Phrases`` ("sleeper_cell").
    phrase_min_count, phrase_threshold : float, default 3 and 10.0
        gensim ``Phrases`` settings (its default score, Mikolov et al. 2013).
    min_df : int or float, default 2
        Terms in fewer paragraphs (int) or a smaller share of them (float) are dropped: a
        term seen in one paragraph carries no co-occurrence for a topic model.
    max_df : int or float, default 1.0
        Terms in more paragraphs (or a larger share) are dropped.
    corpus_stop_doc_share, corpus_stop_min_df : float or None, default 1.0 and 0.25
        The corpus stop rule: a term found in at least ``corpus_stop_doc_share`` of the
        source documents *and* in at least ``corpus_stop_min_df`` of the paragraphs is
        dropped. Such terms (the organisation's own name, "fighters") are spread over the
        whole corpus and tell paragraphs apart no better than "the" does. ``None`` keeps
        them; the rule needs the paragraphs' documents (``groups``) and at least two.
    extra_stop_words : tuple of str, default ()
        Further words to drop, for a corpus of one's own.

    Attributes
    ----------
    vocabulary_ : dict of str to int
        Term -> column, terms in alphabetical order (as ``CountVectorizer``).
    display_words_ : tuple of str, length n_terms
        A readable word per term: its most frequent surface form ("deserters" for the stem
        "desert"); a phrase joins the words of its parts.
    corpus_stop_words_ : tuple of str
        Terms removed by the corpus stop rule.
    idf_ : ndarray of shape (n_terms,)
        Smoothed inverse document frequencies (scikit-learn's ``TfidfTransformer``).
    phrases_ : gensim FrozenPhrases or None
    n_documents_ : int
        Paragraphs the vocabulary was fitted on.

    Examples
    --------
    >>> vec = Vectorizer(min_df=1, stem=False).fit(["Sleeper cells regroup.", "Cells hide."])
    >>> vec.get_feature_names_out().tolist()
    ['cells', 'hide', 'regroup', 'sleeper']
    """

    def __init__(
        self,
        *,
        token_pattern: str = WORD_PATTERN,
        min_token_length: int = 2,
        stop_words: bool = True,
        stem: bool = True,
        phrases: bool = False,
        phrase_min_count: int = 3,
        phrase_threshold: float = 10.0,
        min_df: int | float = 2,
        max_df: int | float = 1.0,
        corpus_stop_doc_share: float = 1.0,
        corpus_stop_min_df: float | None = 0.25,
        extra_stop_words: tuple[str, ...] = (),
    ):
        self.token_pattern = token_pattern
        self.min_token_length = min_token_length
        self.stop_words = stop_words
        self.stem = stem
        self.phrases = phrases
        self.phrase_min_count = phrase_min_count
        self.phrase_threshold = phrase_threshold
        self.min_df = min_df
        self.max_df = max_df
        self.corpus_stop_doc_share = corpus_stop_doc_share
        self.corpus_stop_min_df = corpus_stop_min_df
        self.extra_stop_words = extra_stop_words

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

    # ------------------------------------------------------------------ fitting

    def fit(self, paragraphs, y=None, *, groups=None) -> Vectorizer:
        """Learn the vocabulary of paragraphs (a list of texts or a table with ``text``).

        ``groups`` are the paragraphs' source documents, for the corpus stop rule; a table's
        ``doc_id`` column is used when it has one.
        """
        self.fit_transform(paragraphs, groups=groups)
        return self

    def fit_transform(self, paragraphs, y=None, *, groups=None) -> sp.csr_matrix:
        """Learn the vocabulary and return the paragraphs' counts, in one analysis pass."""
        texts, groups = _texts_and_groups(paragraphs, groups)
        if not texts:
            raise ModelError("there are no paragraphs to vectorize.")
        analyzer = Analyzer(self)
        if self.phrases:
            counts, terms, words, self.phrases_ = self._count_with_phrases(texts, analyzer)
        else:
            (counts, terms, words), self.phrases_ = self._count_words_then_terms(texts, analyzer), None
        counts, terms = self._limit(counts, terms, groups)
        self.vocabulary_ = {t: j for j, t in enumerate(terms)}
        self.display_words_ = tuple(words[t] if t in words else _phrase_word(t, words) for t in terms)
        self.tfidf_transformer_ = TfidfTransformer().fit(counts)
        self.idf_ = self.tfidf_transformer_.idf_
        self.n_documents_ = len(texts)
        self._counter = None
        return counts

    def _count_words_then_terms(self, texts, analyzer):
        """Count surface words with CountVectorizer, then add up the words of each stem.

        Stemming each distinct word once (not each token) and summing word columns into term
        columns gives the same counts as counting stems directly, and the surface counts
        name each term by its most frequent word.
        """
        words_vec = CountVectorizer(analyzer=analyzer.words, dtype=np.int64)
        try:
            word_counts = words_vec.fit_transform(texts)
        except ValueError:
            raise ModelError(
                f"no word is left in the {len(texts)} paragraphs after the stop words."
            ) from None
        words = words_vec.get_feature_names_out().tolist()
        stems = analyzer.stems(words)
        terms = sorted(set(stems))
        column = {t: j for j, t in enumerate(terms)}
        to_term = sp.csr_matrix(
            (np.ones(len(words), dtype=np.int64), (np.arange(len(words)), [column[s] for s in stems])),
            shape=(len(words), len(terms)),
        )
        counts = sp.csr_matrix(word_counts @ to_term)
        totals = np.asarray(word_counts.sum(axis=0)).ravel()
        best: dict[str, tuple[int, str]] = {}
        for word, stem, total in zip(words, stems, totals.tolist(), strict=True):
            # the most frequent word; on a tie the alphabetically first (words come sorted)
            if stem not in best or total > best[stem][0]:
                best[stem] = (total, word)
        return counts, terms, {t: w for t, (_, w) in best.items()}

    def _count_with_phrases(self, texts, analyzer):
        from collections import Counter

        from gensim.models.phrases import Phrases

        word_docs = [analyzer.words(t) for t in texts]
        term_docs = [analyzer.stems(ws) for ws in word_docs]
        phraser = Phrases(
            term_docs, min_count=self.phrase_min_count, threshold=self.phrase_threshold
        ).freeze()
        counter = CountVectorizer(analyzer=_identity, dtype=np.int64)
        counts = counter.fit_transform([list(phraser[d]) for d in term_docs])
        seen: dict[str, Counter] = {}
        for terms, words in zip(term_docs, word_docs, strict=True):
            for term, word in zip(terms, words, strict=True):
                seen.setdefault(term, Counter())[word] += 1
        words = {t: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for t, c in seen.items()}
        return sp.csr_matrix(counts), counter.get_feature_names_out().tolist(), words, phraser

    def _limit(self, counts, terms, groups):
        """Drop terms outside ``min_df``/``max_df``, then the corpus stop words."""
        n = counts.shape[0]
        low, high = _doc_count_bounds(self.min_df, self.max_df, n)
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        keep = (df >= low) & (df <= high)
        if not keep.any():
            raise ModelError(
                f"no term is left after the filters (min_df={self.min_df}, max_df={self.max_df}) "
                f"on {n} paragraphs; lower min_df or add text."
            )
        counts, terms = counts[:, keep], [t for t, k in zip(terms, keep, strict=True) if k]
        stop = self._corpus_stop_terms(counts, terms, groups)
        self.corpus_stop_words_ = tuple(stop)
        if stop:
            keep = ~np.isin(np.asarray(terms, dtype=object), stop)
            counts, terms = counts[:, keep], [t for t, k in zip(terms, keep, strict=True) if k]
        if not terms:
            raise ModelError(f"no term is left after the corpus stop rule on {n} paragraphs.")
        return sp.csr_matrix(counts), terms

    def _corpus_stop_terms(self, counts, terms, groups) -> list[str]:
        if self.corpus_stop_min_df is None or groups is None or len(set(groups)) < 2:
            return []
        present = (counts > 0).astype(np.int64)
        par_share = np.asarray(present.mean(axis=0)).ravel()
        names, member_of = np.unique(np.asarray(groups, dtype=str), return_inverse=True)
        member = sp.csr_matrix(
            (np.ones(len(groups), dtype=np.int64), (member_of, np.arange(len(groups)))),
            shape=(len(names), len(groups)),
        )
        in_doc = np.asarray(((member @ present) > 0).sum(axis=0)).ravel() / len(names)
        hit = (in_doc >= self.corpus_stop_doc_share) & (par_share >= self.corpus_stop_min_df)
        return sorted(t for t, h in zip(terms, hit, strict=True) if h)

    # ------------------------------------------------------------ fitted use

    @property
    def analyzer_(self) -> Analyzer:
        """The fitted analysis (stems, phrases), for new text."""
        check_is_fitted(self, "vocabulary_")
        return Analyzer(self, self.phrases_)

    def _count_vectorizer(self) -> CountVectorizer:
        if getattr(self, "_counter", None) is None:
            terms = self.get_feature_names_out().tolist()
            self._counter = CountVectorizer(analyzer=self.analyzer_, vocabulary=terms, dtype=np.int64)
        return self._counter

    def transform(self, paragraphs) -> sp.csr_matrix:
        """Counts of any texts over the fitted vocabulary (unknown words are ignored)."""
        check_is_fitted(self, "vocabulary_")
        texts, _ = _texts_and_groups(paragraphs, None)
        return sp.csr_matrix(self._count_vectorizer().transform(texts))

    def tfidf(self, counts) -> sp.csr_matrix:
        """L2-normalised tf-idf of counts, with the idf of the fitting corpus."""
        check_is_fitted(self, "tfidf_transformer_")
        return sp.csr_matrix(self.tfidf_transformer_.transform(counts))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """The vocabulary terms, in column order."""
        check_is_fitted(self, "vocabulary_")
        return np.asarray(sorted(self.vocabulary_, key=self.vocabulary_.get), dtype=object)

    def analyze(self, text: str) -> list[str]:
        """A text's terms in order (before the vocabulary filter)."""
        return self.analyzer_(text)

    def terms_of(self, word: str) -> list[str]:
        """The vocabulary terms a word (a seed word, say) maps to after the same analysis."""
        analyzer = self.analyzer_
        return [t for t in analyzer.stems(analyzer.words(word)) if t in self.vocabulary_]

    def token_sequences(self, texts: Iterable[str]) -> list[list[str]]:
        """Each text's vocabulary terms in text order (the texts coherence is measured on)."""
        analyzer, vocabulary = self.analyzer_, self.vocabulary_
        return [[t for t in analyzer(text) if t in vocabulary] for text in texts]

    def record(self) -> dict:
        """Settings and fitted facts, for a manifest."""
        return {
            "settings": self.get_params(),
            "n_terms": len(self.vocabulary_),
            "n_paragraphs": self.n_documents_,
            "corpus_stop_words": list(self.corpus_stop_words_),
        }


def _identity(tokens):
    return tokens


def _phrase_word(term: str, words: dict[str, str]) -> str:
    return "_".join(words.get(part, part) for part in term.split("_"))


NAIVE_VECTORIZER = dict(
    token_pattern=SKLEARN_PATTERN, stem=False, min_df=1, max_df=1.0, corpus_stop_min_df=None
)
"""Settings that mimic scikit-learn's ``CountVectorizer(stop_words='english')``: the naive baseline."""


@dataclass(frozen=True, eq=False, repr=False)
class DocumentTermMatrix:
    """A fitted vectorizer and the counts of the paragraphs it describes.

    Attributes
    ----------
    vectorizer : Vectorizer
        Fitted; its vocabulary names the columns.
    counts : scipy.sparse.csr_matrix of shape (n_paragraphs, n_terms)
    paragraph_ids : tuple of str, length n_paragraphs
    document_ids : tuple of str or None
        The source document of each paragraph.
    texts : tuple of str
        The paragraphs' texts (for coherence and for showing examples).
    """

    vectorizer: Vectorizer
    counts: sp.csr_matrix
    paragraph_ids: tuple[str, ...]
    document_ids: tuple[str, ...] | None = None
    texts: tuple[str, ...] = field(default=())

    @classmethod
    def from_paragraphs(cls, vectorizer: Vectorizer, paragraphs, *, fit: bool = False) -> DocumentTermMatrix:
        """Count a paragraph table (``paragraph_id``, ``text``, ``doc_id``) or a list of texts.

        With ``fit`` the vectorizer (unfitted or not) is fitted on these paragraphs first.
        """
        texts, groups = _texts_and_groups(paragraphs, None)
        if isinstance(paragraphs, pd.DataFrame) and "paragraph_id" in paragraphs.columns:
            ids = paragraphs["paragraph_id"].astype(str).tolist()
        elif isinstance(paragraphs, pd.Series | pd.DataFrame):
            ids = paragraphs.index.astype(str).tolist()
        else:
            ids = [str(i) for i in range(len(texts))]
        counts = vectorizer.fit_transform(texts, groups=groups) if fit else vectorizer.transform(texts)
        return cls(vectorizer, counts, tuple(ids), tuple(map(str, groups)) if groups else None, tuple(texts))

    @property
    def shape(self) -> tuple[int, int]:
        return self.counts.shape

    @property
    def vocabulary(self) -> tuple[str, ...]:
        return tuple(self.vectorizer.get_feature_names_out().tolist())

    @property
    def display_words(self) -> tuple[str, ...]:
        return self.vectorizer.display_words_

    @cached_property
    def tfidf(self) -> sp.csr_matrix:
        return self.vectorizer.tfidf(self.counts)

    @cached_property
    def stem_counts(self) -> tuple[sp.csr_matrix, dict[str, int]]:
        """Every stem of :attr:`texts`, vocabulary or not (:func:`themes.baselines.stem_counts`):
        what the seed-word counts are scored from, counted once per matrix."""
        from .baselines import stem_counts

        return stem_counts(list(self.texts), self.vectorizer)

    def __repr__(self) -> str:
        n, v = self.shape
        return f"DocumentTermMatrix({n} paragraphs x {v} terms, {int(self.counts.sum())} tokens)"


def settings_effect(paragraphs: pd.DataFrame, variants: dict[str, Vectorizer]) -> pd.DataFrame:
    """Vocabulary size, tokens kept and corpus stop words under each named vectorizer."""
    rows = []
    for name, vectorizer in variants.items():
        counts = vectorizer.fit_transform(paragraphs)
        terms = vectorizer.get_feature_names_out()
        rows.append(
            {
                "variant": name,
                "terms": counts.shape[1],
                "tokens": int(counts.sum()),
                "tokens_per_paragraph": float(counts.sum(axis=1).mean()),
                "corpus_stop_words": " ".join(vectorizer.corpus_stop_words_),
                "phrases": " ".join(t for t in terms if "_" in t),
            }
        )
    return pd.DataFrame(rows)
