"""What every topic estimator of the package shares: the scikit-learn conventions and seed words.

Our estimators (gensim LDA, seeded LDA and NMF, keyATM, tomotopy LDA) follow scikit-learn's
rules: ``__init__`` only stores parameters, ``fit`` returns ``self``, learned attributes end in
``_`` (``components_`` of shape (n_topics, n_terms)), ``random_state`` is resolved inside ``fit``,
and they take an ordinary non-negative (sparse) matrix. A keyword-assisted estimator takes
``seed_words``, a mapping ``theme -> words``; a word is a column index or a vocabulary term,
found in the ``feature_names`` given to ``fit``. :class:`themes.TopicModel` resolves a
student's plain words (``"deserters"``) to the vectorizer's terms (``"desert"``) first.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, check_random_state, validate_data

from ..errors import ModelError, SeedWordsWarning

SeedWords = Mapping[str, Sequence[str | int]]


class TopicEstimator(TransformerMixin, BaseEstimator):
    """Base of the package's topic estimators: input checks, tags and topic names.

    Subclasses implement ``fit`` and ``transform``; ``transform`` returns each document's
    topic shares, shape (n_documents, n_components), rows summing to one.
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.positive_only = True
        return tags

    def _validate_counts(self, X, *, reset: bool):
        """A finite, non-negative float64 CSR matrix (or array), checked against the fit."""
        X = validate_data(
            self, X, reset=reset, accept_sparse="csr", dtype=[np.float64, np.float32], ensure_min_samples=1
        )
        values = X.data if hasattr(X, "data") and not isinstance(X, np.ndarray) else X
        if np.any(values < 0):
            # scikit-learn's wording ("Negative values in data"), which its estimator checks expect
            raise ModelError(
                f"Negative values in data passed to {type(self).__name__}: it needs counts or weights."
            )
        return X

    def _check_n_components(self, n_samples: int) -> int:
        k = self.n_components
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
            raise ModelError(f"n_components must be a whole number of at least 1 (got {k!r}).")
        return int(k)

    def get_feature_names_out(self, input_features=None):
        """Output column names: the topic names."""
        check_is_fitted(self)
        return np.asarray(self.topic_names_, dtype=object)


def seed_from_random_state(random_state) -> int:
    """An integer seed for a library that wants one (gensim, tomotopy, a compiled sampler).

    An int is passed on unchanged, so ``random_state=0`` seeds the library with 0; ``None``
    or a ``RandomState`` draws one.
    """
    if isinstance(random_state, int | np.integer) and not isinstance(random_state, bool):
        return int(random_state)
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def resolve_seed_columns(
    seed_words: SeedWords | None, *, n_features: int, feature_names=None, owner: str = "the model"
) -> tuple[dict[str, list[int]], dict[str, list[str]]]:
    """Vocabulary columns of each theme's seed words, and the words not in the vocabulary.

    Parameters
    ----------
    seed_words : mapping of str to sequence of (str or int)
        Theme -> seed words, each a column index or a vocabulary term. An empty mapping means
        no seeding at all: the estimator runs with the same start and solver, every topic free
        (the control of ``themes.seed_checks``).
    n_features : int
        Number of columns of the matrix.
    feature_names : sequence of str, optional
        The vocabulary, needed when seed words are terms.
    owner : str
        The estimator's name, for messages.

    Returns
    -------
    columns : dict of str to list of int
        Each theme's columns, in the order given, without repeats.
    missing : dict of str to list of str
        Seed words absent from the vocabulary, per theme (a warning lists them).

    Raises
    ------
    ModelError
        When there are no seed words, a word is a term but no ``feature_names`` were given,
        an index is out of range, a word is under two themes, or a theme has no word left.
    """
    if seed_words is None or (not seed_words and not isinstance(seed_words, Mapping)):
        raise ModelError(f"{owner} needs seed words: a mapping of each theme to a list of words.")
    index = None if feature_names is None else {str(t): j for j, t in enumerate(feature_names)}
    columns: dict[str, list[int]] = {}
    missing: dict[str, list[str]] = {}
    owner_of: dict[int, str] = {}
    for theme, words in seed_words.items():
        if isinstance(words, str | bytes) or not isinstance(words, Sequence):
            raise ModelError(f"the seed words of theme {theme!r} must be a list of words.")
        cols: list[int] = []
        for word in words:
            if isinstance(word, int | np.integer) and not isinstance(word, bool):
                if not 0 <= word < n_features:
                    raise ModelError(
                        f"seed word column {word} of theme {theme!r} is outside the {n_features} columns."
                    )
                j = int(word)
            elif index is None:
                raise ModelError(
                    f"{owner} got the seed word {word!r} but no feature_names to find it in; "
                    "pass fit(X, feature_names=...) or give column indices."
                )
            elif str(word) in index:
                j = index[str(word)]
            else:
                missing.setdefault(theme, []).append(str(word))
                continue
            if owner_of.get(j, theme) != theme:
                raise ModelError(f"seed word column {j} is listed under both {owner_of[j]!r} and {theme!r}.")
            owner_of[j] = theme
            if j not in cols:
                cols.append(j)
        columns[theme] = cols
    if missing:
        listed = "; ".join(f"{t}: {', '.join(ws)}" for t, ws in missing.items())
        warnings.warn(f"seed words not in the vocabulary, ignored: {listed}", SeedWordsWarning, stacklevel=3)
    empty = [t for t, cols in columns.items() if not cols]
    if empty:
        raise ModelError(
            f"no seed word of theme(s) {', '.join(empty)} is in the vocabulary; "
            "add seed words that occur in at least min_df paragraphs."
        )
    return columns, missing


def seeded_topic_names(themes: Sequence[str], n_components: int) -> tuple[str, ...]:
    """The themes' topics first, then ``free_1``, ``free_2``, ... (raises when K < themes)."""
    if n_components < len(themes):
        raise ModelError(
            f"a seeded model needs n_components of at least the {len(themes)} themes (got {n_components})."
        )
    return tuple(themes) + tuple(f"free_{i + 1}" for i in range(n_components - len(themes)))


def plain_topic_names(n_components: int) -> tuple[str, ...]:
    """``topic_01``, ``topic_02``, ...: names of topics that no theme seeded."""
    return tuple(f"topic_{i + 1:02d}" for i in range(n_components))


def normalise_rows(matrix) -> np.ndarray:
    """Rows scaled to sum to one; a row without weight becomes uniform."""
    matrix = np.asarray(matrix, dtype=np.float64)
    sums = matrix.sum(axis=1, keepdims=True)
    uniform = np.full_like(matrix, 1.0 / matrix.shape[1])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(sums > 0, matrix / np.where(sums > 0, sums, 1.0), uniform)


RANK_DECIMALS = 12
"""Shares equal to this many decimals rank as ties (see :func:`rank_descending`)."""


def rank_descending(shares: np.ndarray) -> np.ndarray:
    """Indices ordering each row of ``shares`` (values in [0, 1]) from largest to smallest.

    Two shares equal to :data:`RANK_DECIMALS` decimals are a tie, kept in index (vocabulary)
    order. Words with the same counts in every paragraph get shares that differ only in the
    15th or 16th digit, where BLAS kernels round differently; ranked on the raw values their
    order, and so a topic's top words, would depend on the processor.
    """
    return np.argsort(-np.round(shares, RANK_DECIMALS), axis=-1, kind="stable")


def nmf_shares(W, H) -> tuple[np.ndarray, np.ndarray]:
    """Scale NMF factors so that topics are distributions and paragraphs get topic shares."""
    scale = np.asarray(H, dtype=np.float64).sum(axis=1)
    scale[scale == 0] = 1.0
    return normalise_rows(np.asarray(W) * scale), np.asarray(H) / scale[:, None]
