"""Model backends: each estimator class the package fits, saves and loads, described once.

A :class:`Backend` names an estimator class and says what the rest of the package needs to know
about it: the matrix it is fitted on (counts, or tf-idf for factorisations), whether it takes seed
words, its family, and that it may be saved and loaded (only the classes of a backend are rebuilt
from a saved model: a model file cannot make the package construct anything else).

**Adding a backend** is one :class:`Backend`: either in :data:`BUILTIN_BACKENDS` (a backend of the
package), or, for a backend that lives in another package, an entry point of the group
``themes.backends`` that names the :class:`Backend` object::

    [project.entry-points."themes.backends"]
    toy = "toy_package:TOY_BACKEND"

From then on the estimator works in :func:`themes.models.fit_topics`, the K sweep
(:func:`themes.selection.run_sweep`), the comparison, saving and loading, ``themes score`` and the
explorer. ``tests/models/test_backends.py`` registers a toy backend that way and runs it
through all of them.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from types import MappingProxyType

from ..errors import ModelError

ENTRY_POINT_GROUP = "themes.backends"
MATRICES = ("counts", "tfidf")
FAMILIES = ("lda", "nmf", "keyatm", "other")


@dataclass(frozen=True)
class Backend:
    """One estimator class and how the package treats it.

    Attributes
    ----------
    name : str
        A short name (``"sklearn_nmf"``), unique among the backends.
    estimator : str
        The class's import path ``"module:Class"``, imported only when first needed.
    matrix : {"counts", "tfidf"}
        What the estimator is fitted on: term counts (LDA and its kin) or L2-normalised tf-idf
        (factorisations, whose weights are rescaled to shares by :func:`themes.models.nmf_shares`).
    takes_seed_words : bool
        The estimator has a ``seed_words`` parameter (theme -> words). A fit is *seeded* when it
        was given any: whether a model is seeded comes from the fitted estimator, never from its
        topic names.
    family : {"lda", "nmf", "keyatm", "other"}
    description : str
        One line for tables and the README.
    """

    name: str
    estimator: str
    matrix: str = "counts"
    takes_seed_words: bool = False
    family: str = "lda"
    description: str = ""

    def __post_init__(self):
        if self.matrix not in MATRICES:
            raise ModelError(f"backend {self.name!r}: matrix must be one of {', '.join(MATRICES)}.")
        if self.family not in FAMILIES:
            raise ModelError(f"backend {self.name!r}: family must be one of {', '.join(FAMILIES)}.")
        if self.estimator.count(":") != 1:
            raise ModelError(f"backend {self.name!r}: give the estimator as 'module:Class'.")

    @property
    def class_path(self) -> str:
        """``module.Class``, as a saved model records it."""
        return self.estimator.replace(":", ".")

    @property
    def estimator_class(self) -> type:
        """The estimator class, imported on first use."""
        module, _, name = self.estimator.partition(":")
        return getattr(importlib.import_module(module), name)


BUILTIN_BACKENDS = (
    Backend(
        "sklearn_lda",
        "sklearn.decomposition._lda:LatentDirichletAllocation",
        description="scikit-learn's variational LDA (batch or online)",
    ),
    Backend(
        "sklearn_nmf", "sklearn.decomposition._nmf:NMF", "tfidf", family="nmf", description="scikit-learn NMF"
    ),
    Backend(
        "sklearn_minibatch_nmf",
        "sklearn.decomposition._nmf:MiniBatchNMF",
        "tfidf",
        family="nmf",
        description="scikit-learn MiniBatchNMF",
    ),
    Backend("gensim_lda", "themes.models.gensim_lda:GensimLDA", description="gensim's variational LDA"),
    Backend(
        "seeded_lda",
        "themes.models.gensim_lda:SeededLDA",
        takes_seed_words=True,
        description="seeded LDA (seededlda's priors) on gensim",
    ),
    Backend(
        "seeded_nmf",
        "themes.models.seeded_nmf:SeededNMF",
        "tfidf",
        takes_seed_words=True,
        family="nmf",
        description="NMF with seed words fixed to their topic",
    ),
    Backend(
        "keyatm",
        "themes.models.keyatm:KeyATM",
        takes_seed_words=True,
        family="keyatm",
        description="keyword-assisted topic model (keyATM base), collapsed Gibbs",
    ),
    Backend(
        "tomotopy_lda",
        "themes.models.tomotopy_lda:TomotopyLDA",
        takes_seed_words=True,
        description="tomotopy's collapsed Gibbs LDA, plain or with seed words in the prior",
    ),
    Backend("online_lda", "themes.models.online_lda:OnlineLDA", description="scikit-learn's online LDA"),
)
"""The package's own backends."""


@functools.cache
def _plugin_backends() -> tuple[Backend, ...]:
    found = []
    for point in entry_points(group=ENTRY_POINT_GROUP):
        backend = point.load()
        if not isinstance(backend, Backend):
            raise ModelError(
                f"the entry point {point.name!r} of {ENTRY_POINT_GROUP} does not name a Backend."
            )
        found.append(backend)
    return tuple(found)


def available_backends() -> Mapping[str, Backend]:
    """Every backend by name: the package's own, then those other packages declare (read-only)."""
    out: dict[str, Backend] = {}
    for backend in (*BUILTIN_BACKENDS, *_plugin_backends()):
        if backend.name in out:
            raise ModelError(f"two backends are named {backend.name!r}; rename one.")
        out[backend.name] = backend
    return MappingProxyType(out)


def get_backend(name: str) -> Backend:
    """The backend of that name (one sentence naming the choices when there is none)."""
    backends = available_backends()
    if name not in backends:
        raise ModelError(f"unknown backend {name!r}; choose one of {', '.join(backends)}.")
    return backends[name]


def backend_of(estimator) -> Backend:
    """The backend of an estimator (instance or class): its class's, or the nearest parent's."""
    cls = estimator if isinstance(estimator, type) else type(estimator)
    by_path = {b.class_path: b for b in available_backends().values()}
    for klass in cls.__mro__:
        backend = by_path.get(f"{klass.__module__}.{klass.__qualname__}")
        if backend is not None:
            return backend
    raise ModelError(
        f"{cls.__name__} is not a backend of themes; describe it with a themes.models.Backend "
        f"(an entry point of the group {ENTRY_POINT_GROUP!r}) to fit, save and load it."
    )


def backend_by_class_path(path: str) -> Backend | None:
    """The backend whose class a saved model names (``module.Class``), or None."""
    return {b.class_path: b for b in available_backends().values()}.get(path)


def is_seeded(estimator) -> bool:
    """Whether an (unfitted or fitted) estimator was given seed words."""
    return backend_of(estimator).takes_seed_words and bool(estimator.get_params().get("seed_words"))
