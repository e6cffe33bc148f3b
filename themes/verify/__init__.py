"""Rebuild and compare: a verdict, in tiers, on whether a fresh rebuild still gives the committed results.

Owns ``themes verify``: ``file_tiers`` gives one file's tier (identical, equivalent, holds, DRIFT)
by what the file means; ``verdict`` rebuilds the study in a temporary folder and gives the tree's
verdict, the headline numbers against their intervals, and the study's declared claims. It sits
on top of every other stage and may import any of them.
"""

from .._lazy import lazy_names

_SOURCES = {
    "Verification": "verdict",
    "compare_trees": "verdict",
    "format_report": "verdict",
    "verify": "verdict",
    "compare_file": "file_tiers",
}
__all__ = sorted(_SOURCES)
__getattr__, __dir__ = lazy_names(__name__, _SOURCES)
