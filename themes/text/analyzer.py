"""Text to words and terms: the package's tokens, stop words, contractions and Snowball stems.

One :class:`Analyzer` analyses the fitting corpus and any new text alike, so both get the same
terms; :class:`themes.text.vectorizer.Vectorizer` builds it from its settings.
"""

from __future__ import annotations

import re
import unicodedata

import snowballstemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

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

    def __init__(self, vectorizer, phraser=None):
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
