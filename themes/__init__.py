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

from .alignment import Comparison, compare
from .corpus import CleaningRules
from .explore import explore_corpus
from .errors import (
    CorpusError,
    CorpusWarning,
    LabelError,
    ModelError,
    SeedWordsWarning,
    ThemesError,
)
from .gensim_lda import GensimLDA, SeededLDA
from .main_job import reproduce, run_study
from .manifest import run_record
from .models import TopicModel
from .reference import read_labels, read_seed_words, read_themes
from .registry import MODELS, ModelSpec
from .rules import RULES, Rules
from .seeded_nmf import SeededNMF
from .study import Study, StudyConfig, load_study, make_study, read_corpus, read_selection
from .sweep import Sweep, run_sweep
from .vectorize import DocumentTermMatrix, Vectorizer

__all__ = [
    "MODELS",
    "RULES",
    "CleaningRules",
    "Comparison",
    "CorpusError",
    "CorpusWarning",
    "DocumentTermMatrix",
    "GensimLDA",
    "LabelError",
    "ModelError",
    "ModelSpec",
    "Rules",
    "SeedWordsWarning",
    "SeededLDA",
    "SeededNMF",
    "Study",
    "StudyConfig",
    "Sweep",
    "ThemesError",
    "TopicModel",
    "Vectorizer",
    "__version__",
    "compare",
    "explore_corpus",
    "load_study",
    "make_study",
    "read_corpus",
    "read_labels",
    "read_seed_words",
    "read_selection",
    "read_themes",
    "reproduce",
    "run_record",
    "run_study",
    "run_sweep",
]
