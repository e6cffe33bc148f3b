"""Every setting of a study run, in one frozen object written to the manifest.

:class:`StudyConfig` holds the design (which models, :mod:`themes.study.design`), the seeds, the K
grid, the draws of the bootstrap and the null, the seed-word checks, the vectorizer's and the
cleaning's settings. Settings left to the corpus (``None``) are fixed by :meth:`StudyConfig.resolve`
from the number of kept paragraphs before anything is fitted, and the manifest records the values
used; ``quick`` turns the run into a first look that is marked as not for reporting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, is_dataclass, replace

from ..comparison.theme_table import Inference
from ..corpus.cleaning import CleaningRules
from ..errors import ThemesError
from ..text.vectorizer import Vectorizer
from .design import DEFAULT_SWEPT, LARGE_CHANGES, ModelSpec, design_for

LARGE_FROM = 200
"""Kept paragraphs from which a study is ``large`` (:func:`themes.study.design.design_for`): below it every
fit of the default design takes about a second or less; from a few hundred paragraphs scikit-learn's
batch LDA and gensim's seeded LDA take tens of seconds a fit, and the study hundreds of fits."""
SEEDS = {"small": (0, 1, 2, 3, 4), "large": (0, 1, 2)}
"""Seeds per scale: five on a small corpus, where topics move from seed to seed; three on a large one."""
SEED_WORD_VARIANTS = {"small": 0, "large": 12}
"""Refitted seed-word variants per seeded model (0: every variant)."""
BOOT_BUDGET = 1_000_000
"""Bootstrap resamples x paragraphs a large study's intervals are given (1000 resamples up to 1,000
paragraphs, 500 at 2,000, 200 from 5,000): at 2,000 paragraphs 1000 resamples of every model's
intervals took longer than all its fits."""
SUPERVISED_FOLDS = {"small": 0, "large": 10}
"""Folds of the supervised baseline (0: one per document); whole documents stay in one fold."""
QUICK_NOTE = "QUICK LOOK: fewer K, one seed, no seed-word checks, fewer draws; not for reporting"


def boot_draws(scale: str, n_paragraphs: int) -> int:
    """Bootstrap resamples for a study of this scale and size (see ``StudyConfig.n_boot``)."""
    if scale == "small":
        return 1000
    return int(max(200, min(1000, BOOT_BUDGET // max(1, n_paragraphs) // 100 * 100)))


@dataclass(frozen=True)
class StudyConfig:
    """Every setting of a study run; all of it is written to the manifest.

    Parameters
    ----------
    models : mapping of str to ModelSpec, optional
        The topic models the study fits and reports. None: the method's default design for the
        corpus's scale (:func:`themes.study.design.design_for`).
    seeds : tuple of int, optional
        Random seeds; every model is fitted once per seed. The first is the reference seed
        whose fits give ``paragraph_scores.csv``, the topic tables and the saved models.
        None: :data:`SEEDS` of the corpus's scale.
    k_range : tuple of int
        The K sweep of the plain models. On about fifty paragraphs a K above twelve leaves
        fewer than four paragraphs per topic, so the sweep stops there.
    sweep_models : tuple of str, optional
        Plain models whose K is chosen by the sweep (None: those of the design among
        :data:`themes.study.design.DEFAULT_SWEPT`).
    n_free : int
        Free topics of a seeded model besides one topic per theme.
    naive_k : int
        K of the naive baseline (the number of themes, as a newcomer would pick it).
    n_boot : int, optional
        Bootstrap resamples for the confidence intervals. None: 1000, or on a large corpus as many
        as keep resamples x paragraphs under :data:`BOOT_BUDGET` (at least 200): the intervals'
        cost grows with both, and on many paragraphs they are narrow.
    n_perm : int
        Label permutations for the null (2000: with five themes the smallest Holm-adjusted p-value
        is 0.0025; too few to reach the significance level at all are refused before the work).
    null_within : {"document", "corpus"}
        Permute the labels within source documents (the default) or across the corpus
        (:class:`themes.comparison.theme_table.Inference`).
    stat_seed : int
        Seed of the bootstrap and permutation draws.
    n_jobs : int, default -1
        joblib worker processes for the fits (-1: one per core); results do not depend on it,
        as every fit is seeded on its own and runs on one thread.
    seed_word_checks : bool, default True
        Run the seeding-effect and seed-word sensitivity checks when the study has seed words.
    seed_word_variants : int, optional
        At most this many seed-word variants refitted per seeded model in the sensitivity check,
        drawn with ``stat_seed`` (0: every variant; the seed-word counts are scored on every
        variant whatever this is). None: :data:`SEED_WORD_VARIANTS` of the corpus's scale.
    supervised_folds : int, optional
        Folds of the supervised baseline's held-out scores, whole documents per fold (0: leave one
        document out). None: :data:`SUPERVISED_FOLDS` of the corpus's scale.
    confound_documents_max : int, default 100
        The document confound (one indicator per source document, matched to the themes) is left
        out of a study with more documents than this: its matching grows with the documents and
        costs more than the rest of the study (1,197 documents: over 20 minutes), and a single
        document's indicator says little about a theme spread over hundreds.
    scale : {"auto", "small", "large"}
        ``auto``: ``large`` from ``large_from`` kept paragraphs.
    large_from : int
    quick : bool, default False
        A first look (:data:`QUICK_NOTE`): every other K, the first seed only, no seed-word
        checks, 200 bootstrap resamples and 100 permutations. Marked in the manifest, the
        figures and the notebooks.
    vectorizer : dict
        Settings of the study's :class:`~themes.text.vectorizer.Vectorizer` that differ from its defaults.
    cleaning : CleaningRules
    """

    models: Mapping[str, ModelSpec] | None = None
    seeds: tuple[int, ...] | None = None
    k_range: tuple[int, ...] = tuple(range(3, 13))
    sweep_models: tuple[str, ...] | None = None
    n_free: int = 2
    naive_k: int = 5
    n_boot: int | None = None
    n_perm: int = 2000
    null_within: str = "document"
    stat_seed: int = 0
    n_jobs: int = -1
    seed_word_checks: bool = True
    seed_word_variants: int | None = None
    supervised_folds: int | None = None
    confound_documents_max: int = 100
    scale: str = "auto"
    large_from: int = LARGE_FROM
    quick: bool = False
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
        if self.scale not in ("auto", "small", "large"):
            raise ThemesError(f"the scale must be auto, small or large, not {self.scale!r}.")
        if self.seeds is not None and not self.seeds:
            raise ThemesError("give at least one seed.")
        if not self.k_range or min(self.k_range) < 1:
            raise ThemesError(f"the K grid must hold whole numbers from 1 up, not {list(self.k_range)}.")
        for name in ("n_boot", "n_perm", "large_from", "n_free", "naive_k", "confound_documents_max"):
            value = getattr(self, name)
            if value is None and name == "n_boot":
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ThemesError(f"the setting {name} must be a whole number of 0 or more, not {value!r}.")

    def resolve(self, n_paragraphs: int) -> StudyConfig:
        """The settings left to the corpus fixed for ``n_paragraphs`` kept paragraphs, and
        ``quick`` applied: what the run uses and the manifest records."""
        scale = self.scale
        if scale == "auto":
            scale = "large" if n_paragraphs >= self.large_from else "small"
        models = design_for(scale) if self.models is None else self.models
        sweep = self.sweep_models
        if sweep is None:
            sweep = tuple(n for n in DEFAULT_SWEPT if n in models)
        out = replace(
            self,
            scale=scale,
            models=models,
            seeds=SEEDS[scale] if self.seeds is None else tuple(self.seeds),
            sweep_models=tuple(sweep),
            seed_word_variants=SEED_WORD_VARIANTS[scale]
            if self.seed_word_variants is None
            else self.seed_word_variants,
            supervised_folds=SUPERVISED_FOLDS[scale]
            if self.supervised_folds is None
            else self.supervised_folds,
            n_boot=self.n_boot if self.n_boot is not None else boot_draws(scale, n_paragraphs),
        )
        if self.quick:
            out = replace(
                out,
                k_range=tuple(sorted(out.k_range))[::2],
                seeds=out.seeds[:1],
                seed_word_checks=False,
                n_boot=min(out.n_boot, 200),
                n_perm=min(out.n_perm, 500),  # enough for 25 themes to reach 0.05 after Holm
            )
        unknown = [n for n in out.sweep_models if n not in out.models]
        if unknown:
            raise ThemesError(f"the swept model(s) {', '.join(unknown)} are not in the study's design.")
        return out

    @property
    def resolved(self) -> bool:
        return self.models is not None and self.seeds is not None and self.scale != "auto"

    def changes(self) -> list[str]:
        """What this (resolved) configuration changes from the small-corpus default, in words."""
        out = []
        if self.scale == "large" and self.models is design_for("large"):
            out += [f"large corpus (from {self.large_from} paragraphs): {c}" for c in LARGE_CHANGES]
        if self.scale == "large":
            out.append(
                f"{len(self.seeds)} seeds; at most {self.seed_word_variants} seed-word variants refitted; "
                f"{self.n_boot} bootstrap resamples"
            )
            out.append(
                f"the supervised baseline held out in {self.supervised_folds} folds of whole documents"
            )
        if self.quick:
            out.append(QUICK_NOTE)
        return out

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
        for name in ("seeds", "k_range", "sweep_models"):
            out[name] = None if out[name] is None else list(out[name])
        out["vectorizer"] = {
            k: list(v) if isinstance(v, tuple) else v for k, v in self.make_vectorizer().get_params().items()
        }
        return out
