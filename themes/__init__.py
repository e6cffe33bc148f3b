"""themes: thematic topic modelling checked against a labelled reference (coded by people or language models).

The few names a study needs, in the order it uses them::

    import themes as th
    paragraphs = th.read_corpus("my_texts/")                  # kept paragraphs, one row each
    vec = th.Vectorizer(min_df=2).fit(paragraphs)             # a scikit-learn transformer
    est = th.models.SeededNMF(n_components=7, seed_words=th.read_seed_words("seeds.yml"), random_state=0)
    topics = th.fit_topics(est, vec, paragraphs)              # one result type for every backend
    topics.top_words(10)                                      # DataFrame
    th.compare(topics, th.read_labels("labels.csv")).metrics  # AUC, interval, null, verdict per theme

Everything else lives in the sub-packages, one per stage of the data flow (raw text -> paragraphs
-> matrix -> fitted model -> comparison -> tables, figures, pages): ``th.corpus``,
``th.reference``, ``th.text``, ``th.models``, ``th.selection``, ``th.comparison``,
``th.validate``, ``th.report``, ``th.study``, ``th.verify`` (``docs/architecture.md``).
Importing the package does nothing beyond defining names: no I/O, no seeding, no matplotlib
settings, and no sub-package is loaded until it is used.
"""

import importlib

from ._lazy import lazy_names

__version__ = "0.1.0"

SUBPACKAGES = (
    "corpus",
    "reference",
    "text",
    "models",
    "selection",
    "comparison",
    "validate",
    "report",
    "study",
    "verify",
)
"""The stages, in the order data flows through them; each imports only those before it."""

# name -> module: the public names are imported on first use (PEP 562), so that importing one
# module of the package (``themes.corpus``) does not load gensim, numba and matplotlib.
_SOURCES = {
    "ThemesError": "errors",
    "read_corpus": "corpus.paragraphs",
    "read_labels": "reference.labels",
    "read_themes": "reference.labels",
    "read_seed_words": "reference.seed_words",
    "Vectorizer": "text.vectorizer",
    "DocumentTermMatrix": "text.matrix",
    "TopicModel": "models.topic_model",
    "fit_topics": "models.fitting",
    "run_sweep": "selection.sweep",
    "compare": "comparison.compare",
    "load_study": "study.inputs",
    "reproduce": "study.run",
    "run_record": "study.manifest",
}
__all__ = ["__version__", *sorted(_SOURCES), *SUBPACKAGES]

_getattr, _dir = lazy_names(__name__, _SOURCES)


def __getattr__(name: str):
    if name in SUBPACKAGES:
        return importlib.import_module(f".{name}", __name__)
    return _getattr(name)


def __dir__() -> list[str]:
    return sorted(set(_dir()) | set(SUBPACKAGES))
