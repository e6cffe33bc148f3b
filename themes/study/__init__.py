"""A study folder and its run: inputs, settings and design, the staged pipeline, outputs, notebooks.

Owns everything about one study, and nothing the other stages need: ``project`` (where its files
live), ``design`` (the models it fits, by the corpus's scale), ``config`` (every setting),
``settings`` and ``arguments`` (settings from ``study/settings.yml`` and the command line), ``inputs``
(the validated corpus, labels, seed words and matrices), ``plan`` (what a run will do and about how
long), ``rerun`` (whether anything changed since the last run), ``pipeline`` (the run as stages: fit,
scorers, compare),
``tables`` and ``outputs`` (what is written), ``manifest`` (seeds, settings, versions, hashes),
``run`` (``themes reproduce``: locked, staged, swapped in whole), ``notebooks`` (executed with a
real kernel), ``scaffold`` (``themes init``), ``single`` (one model: ``themes fit`` and
``themes score``), ``explore`` (the method on a corpus of one's own from Python) and ``claims``
(the claims a study declares in its own ``study/findings.py``), ``coding`` (``themes code``: coding
rounds by people) and ``reference_rounds`` (``themes reference``: coders recorded, agreement,
adjudication). It may import every sub-package below it.
"""

from .._lazy import lazy_names

_SOURCES = {
    "Project": "project",
    "ModelSpec": "design",
    "DEFAULT_MODELS": "design",
    "StudyConfig": "config",
    "Study": "inputs",
    "load_study": "inputs",
    "make_study": "inputs",
    "read_selection": "inputs",
    "read_result": "inputs",
    "worked_example_model": "inputs",
    "study_config": "settings",
    "run_config": "settings",
    "fit_stage": "pipeline",
    "scorer_stage": "pipeline",
    "compare_stage": "pipeline",
    "reproduce": "run",
    "run_study": "run",
    "run_record": "manifest",
    "init_study": "scaffold",
    "explore_corpus": "explore",
    "check_findings": "claims",
    "load_claims": "claims",
    "read_tables": "claims",
    "reference_coders": "reference_rounds",
    "intrusion_coders": "reference_rounds",
    "check_reference": "reference_rounds",
    "create_label_round": "coding",
    "create_intrusion_round": "coding",
    "collect_round": "coding",
}
__all__ = sorted(_SOURCES)
__getattr__, __dir__ = lazy_names(__name__, _SOURCES)
