"""Choosing a model without the labels: coherence, diversity, stability, and the K sweep.

Owns the grid of fits (``sweep``: any estimators, every K and seed, serially, on local cores or on
a Dask cluster through ``dask_cluster``) and the measures that score a fit without looking at the
reference (``measures``: NPMI and C_V coherence, topic diversity, stability across seeds, and the
rule that chooses K). It may import ``themes.models``, ``themes.text`` and the floor.
"""

from .._lazy import lazy_names

_SOURCES = {
    "FitTask": "sweep",
    "Sweep": "sweep",
    "fit_models": "sweep",
    "grid_task": "sweep",
    "run_sweep": "sweep",
    "SELECTION_RULE": "measures",
    "TOP_N": "measures",
    "coherence": "measures",
    "diversity": "measures",
    "score_fits": "measures",
    "select_k": "measures",
    "stability": "measures",
    "topic_correspondence": "measures",
    "connect": "dask_cluster",
    "dask_backend": "dask_cluster",
}
__all__ = sorted(_SOURCES)
__getattr__, __dir__ = lazy_names(__name__, _SOURCES)
