"""Topics against the themes: matching, metrics, intervals, the null, held-out scores, baselines.

Owns the comparison with the reference, written once: ``matching`` (association and the one
matching rule), ``metrics`` (AUC, average precision, F1, alpha), ``intervals`` (bootstrap over
paragraphs and documents), ``null`` (the permutation null of the matching, Holm), ``held_out``
(matching on the other documents), ``baselines`` and ``scorers`` (topic models, seed words, a
classifier and confounds as theme scorers alike), ``rules`` (thresholds and the verdict, fixed in
advance), ``theme_table`` (one model's comparison: the study's ``alignment.csv`` rows),
``compare`` (:func:`compare`, the same on a student's own fits), ``robustness`` (what the seed
words add, and how far results rest on single words), ``keyword_topics`` (whether seeded topics
hold their seed words), ``calibration`` (the verdict's false-recovery rate and power on simulated
studies), ``saved_scorers``. It may import
``themes.selection``, ``themes.models``, ``themes.text``, ``themes.reference`` and the floor.
"""

from .._lazy import lazy_names

_SOURCES = {
    "Comparison": "compare",
    "Inference": "theme_table",
    "compare": "compare",
    "summary_table": "theme_table",
    "theme_table": "theme_table",
    "assign": "matching",
    "association": "matching",
    "auc_matrix": "matching",
    "failure_kinds": "matching",
    "match_themes": "matching",
    "top_words_table": "matching",
    "theme_metrics": "metrics",
    "bootstrap_auc": "intervals",
    "cluster_bootstrap_auc": "intervals",
    "paired_auc_difference": "intervals",
    "keyword_topic_table": "keyword_topics",
    "Design": "calibration",
    "simulate": "calibration",
    "holm": "null",
    "permutation_test": "null",
    "leave_one_document_out_auc": "held_out",
    "RULES": "rules",
    "Rules": "rules",
    "ConfoundScorer": "scorers",
    "KeywordScorer": "scorers",
    "ModelRuns": "scorers",
    "SupervisedScorer": "scorers",
    "TopicScorer": "scorers",
    "load_scorer": "saved_scorers",
    "save_scorer": "saved_scorers",
}
__all__ = sorted(_SOURCES)
__getattr__, __dir__ = lazy_names(__name__, _SOURCES)
