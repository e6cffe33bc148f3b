"""People check the topics: word- and topic-intrusion tests written for coders, and scored.

Owns what coders are given and what their answers say: ``intrusion`` draws the items of a saved
model and writes the forms (the answer key apart); ``intrusion_scores`` reads the answers back and
gives model precision, topic log odds and agreement between coders; ``study_intrusion`` scores a
study's tests together into ``intrusion.csv``. It may import
``themes.models`` and the floor.
"""

from .._lazy import lazy_names

_SOURCES = {
    "write_intrusion_test": "intrusion",
    "word_intrusion_items": "intrusion",
    "topic_intrusion_items": "intrusion",
    "score_intrusion_test": "intrusion_scores",
    "score_study_intrusion": "study_intrusion",
}
__all__ = sorted(_SOURCES)
__getattr__, __dir__ = lazy_names(__name__, _SOURCES)
