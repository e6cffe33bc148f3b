"""themes: thematic topic modelling checked against a hand-labelled reference.

The public API, in the order a study uses it::

    import themes as th
    paragraphs = th.read_corpus("my_texts/")                  # kept paragraphs, one row each
    vec = th.Vectorizer(min_df=2).fit(paragraphs)             # a scikit-learn transformer
    est = th.SeededNMF(n_components=7, seed_words=th.read_seed_words("seeds.yml"), random_state=0)
    topics = th.TopicModel.fit(est, vec, paragraphs)          # one result type for every backend
    topics.top_words(10)                                      # DataFrame
    th.compare(topics, th.read_labels("labels.csv")).metrics  # AUC, F1, ... per theme

Estimators follow scikit-learn's conventions; scikit-learn's own ``LatentDirichletAllocation``,
``NMF`` and ``MiniBatchNMF`` work with :class:`TopicModel` as they are. Importing the package does
nothing beyond defining names: no I/O, no seeding, no matplotlib settings.
"""

__version__ = "0.1.0"

# name -> module: the public names are imported on first use (PEP 562), so that importing one
# module of the package (``themes.corpus``) does not load gensim, numba and matplotlib.
_SOURCES = {
    "Comparison": "comparison.matching",
    "compare": "comparison.matching",
    "association": "comparison.matching",
    "match_themes": "comparison.matching",
    "CleaningRules": "corpus.paragraphs",
    "CorpusError": "errors",
    "CorpusWarning": "errors",
    "LabelError": "errors",
    "ModelError": "errors",
    "SeedWordsWarning": "errors",
    "ThemesError": "errors",
    "explore_corpus": "report.examples",
    "GensimLDA": "models.gensim_lda",
    "SeededLDA": "models.gensim_lda",
    "KeyATM": "models.keyatm",
    "reproduce": "study.run",
    "run_study": "study.run",
    "run_record": "study.manifest",
    "TopicModel": "models.topic_model",
    "OnlineLDA": "models.online_lda",
    "read_labels": "reference.labels",
    "read_seed_words": "reference.labels",
    "read_themes": "reference.labels",
    "MODELS": "models.registry",
    "ModelSpec": "models.registry",
    "RULES": "comparison.rules",
    "Rules": "comparison.rules",
    "SeededNMF": "models.seeded_nmf",
    "Study": "study.inputs",
    "StudyConfig": "study.inputs",
    "load_study": "study.inputs",
    "make_study": "study.inputs",
    "read_corpus": "study.inputs",
    "read_selection": "study.inputs",
    "fit_transform_chunks": "text.streaming",
    "read_paragraph_chunks": "text.streaming",
    "Sweep": "selection.sweep",
    "run_sweep": "selection.sweep",
    "TomotopyLDA": "models.tomotopy_lda",
    "DocumentTermMatrix": "text.vectorizer",
    "Vectorizer": "text.vectorizer",
}

__all__ = [
    "MODELS",
    "RULES",
    "CleaningRules",
    "Comparison",
    "CorpusError",
    "CorpusWarning",
    "DocumentTermMatrix",
    "GensimLDA",
    "KeyATM",
    "LabelError",
    "ModelError",
    "ModelSpec",
    "OnlineLDA",
    "Rules",
    "SeedWordsWarning",
    "SeededLDA",
    "SeededNMF",
    "Study",
    "StudyConfig",
    "Sweep",
    "ThemesError",
    "TomotopyLDA",
    "TopicModel",
    "Vectorizer",
    "__version__",
    "association",
    "compare",
    "explore_corpus",
    "fit_transform_chunks",
    "load_study",
    "make_study",
    "match_themes",
    "read_corpus",
    "read_labels",
    "read_paragraph_chunks",
    "read_seed_words",
    "read_selection",
    "read_themes",
    "reproduce",
    "run_record",
    "run_study",
    "run_sweep",
]


def __getattr__(name: str):
    if name in _SOURCES:
        import importlib

        value = getattr(importlib.import_module(f".{_SOURCES[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'themes' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
