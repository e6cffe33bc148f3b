"""The reference set: the codebook's themes, label files, seed words and agreement between coders.

Owns what coders (people or language models, as ``data/reference/coders.yml`` records) decided
about the paragraphs: ``labels`` reads the codebook's theme names and 0/1 label files and checks
them; ``coders`` reads who made each file; ``seed_words`` reads the few words per theme that
seeded models and the keyword baseline take; ``agreement`` measures how far two coders agree
(Krippendorff's alpha) and describes the reference.
It imports only the floor (``themes.errors``, ``themes.files``).
"""

from .._lazy import lazy_names

_SOURCES = {
    "ID": "labels",
    "codebook_definitions": "labels",
    "load_labels": "labels",
    "read_labels": "labels",
    "read_themes": "labels",
    "check_seed_words": "seed_words",
    "read_seed_words": "seed_words",
    "agreement_table": "agreement",
    "agreement_with_reference": "agreement",
    "CoderRecord": "coders",
    "coder_of": "coders",
    "describe_coders": "coders",
    "read_coders": "coders",
    "record_coder": "coders",
    "require_recorded": "coders",
    "unrecorded": "coders",
    "alpha_interval": "agreement",
    "check_adjudication": "agreement",
    "cohen_kappa": "agreement",
    "cooccurrence": "agreement",
    "krippendorff_alpha": "agreement",
    "prevalence": "agreement",
    "reliability_verdict": "agreement",
    "themes_by_document": "agreement",
    "themes_per_paragraph": "agreement",
}
__all__ = sorted(_SOURCES)
__getattr__, __dir__ = lazy_names(__name__, _SOURCES)
