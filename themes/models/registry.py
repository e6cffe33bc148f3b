"""The models of the study, each named once: estimator, settings, matrix, seeded or not.

One :class:`ModelSpec` per model replaces parallel lists of names. A spec makes an unfitted
estimator for a K and a seed; :class:`themes.TopicModel` fits it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import ModelError


@dataclass(frozen=True)
class ModelSpec:
    """How the study fits one named model.

    Attributes
    ----------
    name : str
        The model's name in every table.
    estimator : callable or str
        The estimator class, or its import path ``"module:Class"``, imported when the spec first
        makes an estimator (so that naming the models, as ``themes --help`` does, imports no
        scikit-learn, gensim or numba).
    settings : dict
        Fixed parameters besides ``n_components``, ``random_state`` and ``seed_words``.
    seeded : bool
        Takes the themes' seed words; K is the number of themes plus ``n_free``.
    vectorizer : {"study", "naive"}
        The study's analysis, or the naive baseline's (scikit-learn defaults).
    family : {"lda", "nmf", "keyatm"}
    description : str
        One line for tables and the README.
    """

    name: str
    estimator: Callable | str
    settings: dict = field(default_factory=dict)
    seeded: bool = False
    vectorizer: str = "study"
    family: str = "lda"
    description: str = ""

    def make(self, *, k: int, seed: int, seed_words: dict | None = None):
        """An unfitted estimator with K topics and the seed; seeded models get ``seed_words``."""
        params = {"n_components": k, "random_state": seed, **self.settings}
        if self.seeded:
            if not seed_words:
                raise ModelError(f"the model {self.name!r} needs seed words per theme.")
            params["seed_words"] = seed_words
        return self.estimator_class(**params)

    @property
    def estimator_class(self) -> Callable:
        """The estimator class (imported from :attr:`estimator` when that is a path)."""
        if not isinstance(self.estimator, str):
            return self.estimator
        module, _, name = self.estimator.partition(":")
        return getattr(importlib.import_module(module), name)


_SPECS = (
    ModelSpec(
        "lda_naive",
        "sklearn.decomposition:LatentDirichletAllocation",
        {"max_iter": 10, "evaluate_every": -1, "learning_method": "batch", "n_jobs": 1},
        vectorizer="naive",
        description="scikit-learn LDA as a newcomer runs it: "
        "CountVectorizer(stop_words='english'), K=5, defaults",
    ),
    ModelSpec(
        "lda_sklearn",
        "sklearn.decomposition:LatentDirichletAllocation",
        # batch variational Bayes until the perplexity, checked every 5 iterations, changes by
        # less than scikit-learn's default perp_tol
        {"learning_method": "batch", "max_iter": 300, "evaluate_every": 5, "perp_tol": 0.1, "n_jobs": 1},
        description="scikit-learn batch variational LDA",
    ),
    ModelSpec(
        "lda_gensim", "themes.models.gensim_lda:GensimLDA", description="gensim variational LDA, 50 passes"
    ),
    ModelSpec(
        "nmf_sklearn",
        "sklearn.decomposition:NMF",
        {"init": "nndsvda", "max_iter": 1000},
        family="nmf",
        description="scikit-learn NMF on tf-idf",
    ),
    ModelSpec(
        "nmf_minibatch",
        "sklearn.decomposition:MiniBatchNMF",
        {"init": "nndsvda", "max_iter": 1000},
        family="nmf",
        description="scikit-learn MiniBatchNMF on tf-idf",
    ),
    ModelSpec(
        "lda_seeded",
        "themes.models.gensim_lda:SeededLDA",
        seeded=True,
        description="seeded LDA (seededlda's priors) on gensim",
    ),
    ModelSpec(
        "nmf_seeded",
        "themes.models.seeded_nmf:SeededNMF",
        seeded=True,
        family="nmf",
        description="NMF with seed words fixed to their topic",
    ),
    ModelSpec(
        "keyatm",
        "themes.models.keyatm:KeyATM",
        seeded=True,
        family="keyatm",
        description="keyword-assisted topic model (keyATM base, Eshima, Imai & Sasaki 2024), "
        "collapsed Gibbs sampling, 1500 sweeps",
    ),
)
MODELS: dict[str, ModelSpec] = {spec.name: spec for spec in _SPECS}
"""Every topic model of the study, by name."""
BASELINES = ("keywords", "keywords_vocab", "document", "length", "supervised")
"""Scorers that are not topic models: seed-word counts (every seed word, and only those in the
topic models' vocabulary), the source document and the paragraph length (confounds), and a
cross-validated classifier."""
CONFOUNDS = ("document", "length")
"""Baselines that describe the study's paragraphs only (no saved model, no new text)."""


CORPUS_MODELS: dict[str, ModelSpec] = {
    **MODELS,
    **{
        spec.name: spec
        for spec in (
            ModelSpec(
                "lda_tomotopy",
                "themes.models.tomotopy_lda:TomotopyLDA",
                {"n_iter": 200, "workers": 1},
                description="tomotopy's collapsed Gibbs LDA, 200 sweeps, one thread (the fastest LDA here "
                "from thousands of paragraphs up)",
            ),
            ModelSpec(
                "lda_tomotopy_seeded",
                "themes.models.tomotopy_lda:TomotopyLDA",
                {"n_iter": 200, "workers": 1},
                seeded=True,
                description="tomotopy's Gibbs LDA with seed words raised in their topic's prior",
            ),
            ModelSpec(
                "lda_online",
                "themes.models.online_lda:OnlineLDA",
                description="scikit-learn's online variational LDA, one pass (for corpora counted in chunks)",
            ),
        )
    },
}
"""The models ``themes fit --corpus`` offers on any corpus: the study's, and backends for large
corpora that the study does not report (its 50 paragraphs do not need them)."""


def get_corpus_spec(name: str) -> ModelSpec:
    """The spec of a model of :data:`CORPUS_MODELS` (a one-line error names the choices)."""
    if name not in CORPUS_MODELS:
        raise ModelError(f"unknown model {name!r}; choose one of {', '.join(CORPUS_MODELS)}.")
    return CORPUS_MODELS[name]


def model_names() -> tuple[str, ...]:
    """Every model of the result tables: topic models, then baselines."""
    return (*MODELS, *BASELINES)


def get_spec(name: str) -> ModelSpec:
    """The spec of a named topic model (a one-line error names the choices)."""
    if name not in MODELS:
        raise ModelError(f"unknown model {name!r}; choose one of {', '.join(model_names())}.")
    return MODELS[name]


def seeded_models() -> tuple[str, ...]:
    return tuple(name for name, spec in MODELS.items() if spec.seeded)
