"""Paragraphs to word matrices: tokens, stop words, stems, phrases, counts and tf-idf.

:class:`Vectorizer` is a scikit-learn transformer: ``fit`` learns the vocabulary (after the
corpus stop rule), ``transform`` counts the terms of any text with the same analysis
(:class:`themes.text.analyzer.Analyzer`). Nothing is downloaded: the stop words are
scikit-learn's, the stemmer is Snowball's (PyStemmer, compiled), phrases are learnt by gensim.
"""

from __future__ import annotations

from collections.abc import Iterable
from numbers import Integral

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.utils.validation import check_is_fitted

from ..errors import ModelError
from .analyzer import SKLEARN_PATTERN, WORD_PATTERN, Analyzer


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
        self.set_vocabulary(
            terms,
            display_words=[words[t] if t in words else _phrase_word(t, words) for t in terms],
            corpus_stop_words=self.corpus_stop_words_,
            n_documents=len(texts),
            idf=TfidfTransformer().fit(counts).idf_,
            phrases=self.phrases_,
        )
        return counts

    def set_vocabulary(
        self, terms, *, display_words, corpus_stop_words, n_documents: int, idf, phrases=None
    ) -> Vectorizer:
        """Set the fitted state: the vocabulary (``terms`` in column order) and what goes with it.

        :meth:`fit` ends here; so do counting a corpus in chunks
        (:func:`themes.text.streaming.fit_transform_chunks`) and loading a saved model, which learn
        the same facts elsewhere. ``idf`` is the tf-idf weight of each term; ``phrases`` gensim's
        frozen phrase model or None.
        """
        terms = list(terms)
        if not len(display_words) == len(idf) == len(terms):
            raise ModelError(
                f"a vocabulary of {len(terms)} terms needs as many display words and idf weights "
                f"(got {len(display_words)} and {len(idf)})."
            )
        tfidf = TfidfTransformer()
        tfidf.idf_ = np.asarray(idf, dtype=np.float64)
        tfidf.n_features_in_ = len(terms)
        self.vocabulary_ = {t: j for j, t in enumerate(terms)}
        self.display_words_ = tuple(display_words)
        self.corpus_stop_words_ = tuple(corpus_stop_words)
        self.n_documents_ = int(n_documents)
        self.tfidf_transformer_, self.idf_ = tfidf, tfidf.idf_
        self.phrases_ = phrases
        self._counter = None
        return self

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
