"""Every setting of a study run, in one frozen object written to the manifest.

:class:`StudyConfig` holds the design (which models, :mod:`themes.study.design`), the seeds, the K
grid, the draws of the bootstrap and the null, the vectorizer's and the cleaning's settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, is_dataclass

from ..comparison.theme_table import Inference
from ..corpus.cleaning import CleaningRules
from ..errors import ThemesError
from ..text.vectorizer import Vectorizer
from .design import DEFAULT_MODELS, DEFAULT_SWEPT, ModelSpec


@dataclass(frozen=True)
class StudyConfig:
    """Every setting of a study run; all of it is written to the manifest.

    Parameters
    ----------
    models : mapping of str to ModelSpec
        The topic models the study fits and reports (:data:`themes.study.design.DEFAULT_MODELS`,
        the method's default design, unless the study names others).
    seeds : tuple of int
        Random seeds; every model is fitted once per seed. The first is the reference seed
        whose fits give ``paragraph_scores.csv``, the topic tables and the saved models.
    k_range : tuple of int
        The K sweep of the plain models. On about fifty paragraphs a K above twelve leaves
        fewer than four paragraphs per topic, so the sweep stops there.
    sweep_models : tuple of str
        Plain models whose K is chosen by the sweep.
    n_free : int
        Free topics of a seeded model besides one topic per theme.
    naive_k : int
        K of the naive baseline (the number of themes, as a newcomer would pick it).
    n_boot, n_perm : int
        Bootstrap resamples for the confidence intervals; label permutations for the null (2000:
        with five themes the smallest Holm-adjusted p-value is 0.0025; too few to reach the
        significance level at all are refused before the work).
    null_within : {"document", "corpus"}
        Permute the labels within source documents (the default) or across the corpus
        (:class:`themes.comparison.theme_table.Inference`).
    stat_seed : int
        Seed of the bootstrap and permutation draws.
    n_jobs : int, default -1
        joblib worker processes for the fits (-1: one per core); results do not depend on it,
        as every fit is seeded on its own and runs on one thread.
    seed_word_checks : bool, default True
        Run the seeding-effect and seed-word sensitivity checks (``themes.seed_checks``; about
        130 extra fits) when the study has seed words.
    vectorizer : dict
        Settings of the study's :class:`~themes.text.vectorizer.Vectorizer` that differ from its defaults.
    cleaning : CleaningRules
    """

    models: Mapping[str, ModelSpec] = field(default_factory=lambda: DEFAULT_MODELS)
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    k_range: tuple[int, ...] = tuple(range(3, 13))
    sweep_models: tuple[str, ...] = DEFAULT_SWEPT
    n_free: int = 2
    naive_k: int = 5
    n_boot: int = 1000
    n_perm: int = 2000
    null_within: str = "document"
    stat_seed: int = 0
    n_jobs: int = -1
    seed_word_checks: bool = True
    vectorizer: dict = field(default_factory=dict)
    cleaning: CleaningRules = CleaningRules()

    def __post_init__(self):
        if (
            isinstance(self.n_jobs, bool)
            or not isinstance(self.n_jobs, int)
            or self.n_jobs == 0
            or self.n_jobs < -1
        ):
            raise ThemesError(
                f"the number of jobs must be a positive whole number or -1 (all cores), not {self.n_jobs!r}."
            )

    def make_vectorizer(self) -> Vectorizer:
        """A new, unfitted vectorizer with the study's settings."""
        return Vectorizer(**self.vectorizer)

    def inference(self) -> Inference:
        """The bootstrap and permutation settings of the comparison."""
        return Inference(
            n_boot=self.n_boot, n_perm=self.n_perm, seed=self.stat_seed, null_within=self.null_within
        )

    def as_dict(self) -> dict:
        """The settings as plain values (the models are recorded per model in the manifest)."""
        out = {
            f.name: asdict(value) if is_dataclass(value) else value
            for f in fields(self)
            if f.name != "models"
            for value in [getattr(self, f.name)]
        }
        out["seeds"], out["k_range"], out["sweep_models"] = (
            list(self.seeds),
            list(self.k_range),
            list(self.sweep_models),
        )
        out["vectorizer"] = {
            k: list(v) if isinstance(v, tuple) else v for k, v in self.make_vectorizer().get_params().items()
        }
        return out
