"""What a reader sees: figures, the topic explorer, example paragraphs, and prose from tables.

Owns presentation, never analysis: ``plots`` draws on the ``ax`` it is given and saves
deterministic PNG/SVG with the CSV behind each figure; ``explorer`` writes a self-contained HTML
topic explorer per model; ``examples`` picks example and disagreeing paragraphs; ``prose`` turns
result tables into sentences, every number read from them. It may import ``themes.comparison``
and everything below it.
"""

from .._lazy import lazy_names

_SOURCES = {
    "write_explorer": "explorer",
    "relevant_words": "relevance",
    "intertopic_map": "relevance",
    "example_paragraphs": "examples",
    "disagreements": "examples",
    "discussion": "prose",
    "save_figure": "plots",
    "figure_calibration": "calibration_figure",
}
__all__ = sorted(_SOURCES)
__getattr__, __dir__ = lazy_names(__name__, _SOURCES)
