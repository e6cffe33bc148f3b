"""A study's design: the topic models it fits and reports, each named once with its settings.

A :class:`ModelSpec` is a named model of a study: a backend (:mod:`themes.models.backends`), its
fixed settings, the matrix it is fitted on (the study's analysis or the naive baseline's), and
whether it takes the study's seed words. :data:`DEFAULT_MODELS` is the method's default design,
which ``themes init`` studies and the seed study use; a study folder may name another
(``study/settings.yml``: :mod:`themes.study.settings`). :data:`CORPUS_MODELS` adds the backends
for large corpora that ``themes fit --corpus`` offers.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from ..errors import ModelError
from ..models.backends import Backend, get_backend


@dataclass(frozen=True)
class ModelSpec:
    """How a study fits one named model.

    Attributes
    ----------
    name : str
        The model's name in every table.
    backend : str
        The name of its backend (:func:`themes.models.available_backends`).
    settings : dict
        Fixed parameters besides ``n_components``, ``random_state`` and ``seed_words``.
    seeded : bool
        Takes the themes' seed words; K is the number of themes plus the free topics.
    vectorizer : {"study", "naive"}
        The study's analysis, or the naive baseline's (scikit-learn defaults).
    description : str
        One line for tables and the README.
    """

    name: str
    backend: str
    settings: dict = field(default_factory=dict)
    seeded: bool = False
    vectorizer: str = "study"
    description: str = ""

    def __post_init__(self):
        if self.seeded and not self.backend_spec.takes_seed_words:
            raise ModelError(
                f"the model {self.name!r} is seeded, but its backend {self.backend!r} takes no seed words."
            )

    @property
    def backend_spec(self) -> Backend:
        return get_backend(self.backend)

    @property
    def family(self) -> str:
        return self.backend_spec.family

    def prototype(self, *, seed_words: dict | None = None):
        """The unfitted estimator with the model's settings (and the seed words of a seeded model);
        K and the seed are set for each fit (:func:`themes.selection.sweep.grid_task`)."""
        params = dict(self.settings)
        if self.seeded:
            if not seed_words:
                raise ModelError(f"the model {self.name!r} needs seed words per theme.")
            params["seed_words"] = seed_words
        return self.backend_spec.estimator_class(**params)

    def make(self, *, k: int, seed: int, seed_words: dict | None = None):
        """An unfitted estimator with K topics and the seed; seeded models get ``seed_words``."""
        return self.prototype(seed_words=seed_words).set_params(n_components=k, random_state=seed)


_DEFAULT_SPECS = (
    ModelSpec(
        "lda_naive",
        "sklearn_lda",
        {"max_iter": 10, "evaluate_every": -1, "learning_method": "batch", "n_jobs": 1},
        vectorizer="naive",
        description="scikit-learn LDA as a newcomer runs it: "
        "CountVectorizer(stop_words='english'), K=5, defaults",
    ),
    ModelSpec(
        "lda_sklearn",
        "sklearn_lda",
        # batch variational Bayes until the perplexity, checked every 5 iterations, changes by
        # less than scikit-learn's default perp_tol
        {"learning_method": "batch", "max_iter": 300, "evaluate_every": 5, "perp_tol": 0.1, "n_jobs": 1},
        description="scikit-learn batch variational LDA",
    ),
    ModelSpec("lda_gensim", "gensim_lda", description="gensim variational LDA, 50 passes"),
    ModelSpec(
        "nmf_sklearn",
        "sklearn_nmf",
        {"init": "nndsvda", "max_iter": 1000},
        description="scikit-learn NMF on tf-idf",
    ),
    ModelSpec(
        "nmf_minibatch",
        "sklearn_minibatch_nmf",
        {"init": "nndsvda", "max_iter": 1000},
        description="scikit-learn MiniBatchNMF on tf-idf",
    ),
    ModelSpec(
        "lda_seeded", "seeded_lda", seeded=True, description="seeded LDA (seededlda's priors) on gensim"
    ),
    ModelSpec(
        "nmf_seeded", "seeded_nmf", seeded=True, description="NMF with seed words fixed to their topic"
    ),
    ModelSpec(
        "keyatm",
        "keyatm",
        seeded=True,
        description="keyword-assisted topic model (keyATM base, Eshima, Imai & Sasaki 2024), "
        "collapsed Gibbs sampling, 1500 sweeps",
    ),
)
DEFAULT_MODELS: Mapping[str, ModelSpec] = MappingProxyType({spec.name: spec for spec in _DEFAULT_SPECS})
"""The method's default design, by name (read-only): a naive baseline, plain LDA and NMF whose K
the sweep chooses, and seeded and keyword-assisted models."""
DEFAULT_SWEPT = ("lda_gensim", "lda_tomotopy", "lda_sklearn", "nmf_sklearn", "nmf_minibatch")
"""The default designs' plain models whose K the sweep chooses (each design has one LDA of the first two)."""
LARGE_CHANGES = (
    "lda_tomotopy (tomotopy's collapsed Gibbs sampler, 200 sweeps) in place of lda_gensim "
    "(gensim's variational Bayes, 50 passes: about 75 s a fit at 2,000 paragraphs)",
    "lda_sklearn left out (scikit-learn's batch variational LDA: about 85 s a fit at 2,000 paragraphs)",
    "lda_seeded by tomotopy's Gibbs sampler with the same seededlda priors, 200 sweeps (gensim's variational "
    "Bayes: about 47 s a fit at 2,000 paragraphs)",
    "nmf_minibatch stops after 50 passes (max_iter 50 instead of 1000)",
    "keyatm runs 500 Gibbs sweeps instead of 1500",
)
"""What the design for large corpora (:func:`design_for` with ``scale="large"``) changes, in words."""


LDA_TOMOTOPY = ModelSpec(
    "lda_tomotopy",
    "tomotopy_lda",
    {"n_iter": 200, "workers": 1},
    description="tomotopy's collapsed Gibbs LDA, 200 sweeps, one thread",
)


@functools.cache
def design_for(scale: str) -> Mapping[str, ModelSpec]:
    """The default design for a corpus of this scale: ``"small"`` is :data:`DEFAULT_MODELS`;
    ``"large"`` makes the changes of :data:`LARGE_CHANGES`, so that the study's cost follows the
    corpus (every fit of the sweep and of the other models grows with the paragraphs)."""
    if scale == "small":
        return DEFAULT_MODELS
    specs = {}
    for name, spec in DEFAULT_MODELS.items():
        if name == "lda_gensim":
            specs["lda_tomotopy"] = LDA_TOMOTOPY
        elif name != "lda_sklearn":
            specs[name] = spec
    specs["nmf_minibatch"] = replace(
        specs["nmf_minibatch"],
        settings={**specs["nmf_minibatch"].settings, "max_iter": 50},
        description="scikit-learn MiniBatchNMF on tf-idf, at most 50 passes",
    )
    specs["lda_seeded"] = ModelSpec(
        "lda_seeded",
        "tomotopy_lda",
        {"n_iter": 200, "workers": 1},
        seeded=True,
        description="seeded LDA (seededlda's priors) by tomotopy's collapsed Gibbs sampler, 200 sweeps",
    )
    specs["keyatm"] = replace(
        specs["keyatm"],
        settings={**specs["keyatm"].settings, "n_iter": 500},
        description=specs["keyatm"].description.replace("1500 sweeps", "500 sweeps"),
    )
    return MappingProxyType(specs)


BASELINES = ("keywords", "keywords_vocab", "document", "length", "supervised")
"""Scorers that are not topic models: seed-word counts (every seed word, and only those in the
topic models' vocabulary), the source document and the paragraph length (confounds), and a
cross-validated classifier."""
CONFOUNDS = ("document", "length")
"""Baselines that describe the study's paragraphs only (no saved model, no new text)."""

CORPUS_MODELS: Mapping[str, ModelSpec] = MappingProxyType(
    {
        **DEFAULT_MODELS,
        **{
            spec.name: spec
            for spec in (
                LDA_TOMOTOPY,
                ModelSpec(
                    "lda_tomotopy_seeded",
                    "tomotopy_lda",
                    {"n_iter": 200, "workers": 1},
                    seeded=True,
                    description="tomotopy's Gibbs LDA with seed words raised in their topic's prior",
                ),
                ModelSpec(
                    "lda_online",
                    "online_lda",
                    description="scikit-learn's online variational LDA, one pass (for corpora counted "
                    "in chunks)",
                ),
            )
        },
    }
)
"""The models ``themes fit --corpus`` offers on any corpus: the default design's, and backends for
large corpora that the seed study does not report (its 50 paragraphs do not need them)."""


def get_corpus_spec(name: str) -> ModelSpec:
    """The spec of a model of :data:`CORPUS_MODELS` (a one-line error names the choices)."""
    if name not in CORPUS_MODELS:
        raise ModelError(f"unknown model {name!r}; choose one of {', '.join(CORPUS_MODELS)}.")
    return CORPUS_MODELS[name]


def model_names(models: Mapping[str, ModelSpec] = DEFAULT_MODELS) -> tuple[str, ...]:
    """Every model of a design's result tables: topic models, then baselines."""
    return (*models, *BASELINES)


def get_spec(name: str, models: Mapping[str, ModelSpec] = DEFAULT_MODELS) -> ModelSpec:
    """The spec of a named topic model of a design (a one-line error names the choices)."""
    if name not in models:
        raise ModelError(f"unknown model {name!r}; choose one of {', '.join(model_names(models))}.")
    return models[name]


def seeded_models(models: Mapping[str, ModelSpec] = DEFAULT_MODELS) -> tuple[str, ...]:
    """The design's models that take seed words."""
    return tuple(name for name, spec in models.items() if spec.seeded)


def model_roles(models: Mapping[str, ModelSpec] = DEFAULT_MODELS) -> dict[str, str]:
    """Each topic model's role in the report: ``naive`` (the naive analysis), ``seeded`` or ``plain``."""
    return {
        name: "naive" if spec.vectorizer == "naive" else "seeded" if spec.seeded else "plain"
        for name, spec in models.items()
    }
