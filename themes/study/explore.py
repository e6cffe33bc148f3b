"""The study's method on a corpus of one's own, from Python, without a study folder or any writing.

:func:`explore_corpus` composes the stages of :mod:`themes.study.pipeline` (fit, theme scorers and,
with labels, the comparison) on a folder or table of texts, with a lighter default design than the
main job's (fewer seeds and K, no seed-word checks) for a first look.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from ..corpus.paragraphs import kept, read_corpus, summarize
from ..reference.labels import load_labels
from ..reference.seed_words import check_seed_words
from .config import StudyConfig
from .design import DEFAULT_MODELS, seeded_models
from .inputs import Study, make_study
from .pipeline import Comparisons, Fits, compare_stage, fit_stage, scorer_stage
from .tables import topics_table

EXPLORE_CONFIG = StudyConfig(
    models=MappingProxyType(
        {n: s for n, s in DEFAULT_MODELS.items() if n in ("nmf_sklearn", "lda_gensim") or s.seeded}
    ),
    seeds=(0, 1, 2),
    k_range=tuple(range(3, 9)),
    sweep_models=("nmf_sklearn", "lda_gensim"),
    seed_word_checks=False,
)
"""A first look: NMF and gensim LDA swept over K 3-8 with three seeds, the seeded models, no
seed-word checks."""


@dataclass(frozen=True, eq=False)
class Exploration:
    """What :func:`explore_corpus` finds in a corpus of one's own."""

    study: Study
    paragraph_summary: pd.DataFrame
    fits: Fits
    runs: dict
    comparisons: Comparisons | None

    @property
    def topics(self) -> pd.DataFrame:
        """Each model's topics (first seed): matched theme, share, top words."""
        return topics_table(self.runs)

    @property
    def theme_shares(self) -> pd.DataFrame:
        """The seeded models' theme topics: mean share per source document (first seed)."""
        doc_of = self.study.kept.set_index("paragraph_id")["doc_id"]
        rows = []
        for name in seeded_models(self.study.config.models):
            if name in self.fits.by_model:
                frame = self.fits.by_model[name][0].document_topics[self.study.themes]
                by_doc = frame.groupby(doc_of.loc[frame.index].to_numpy()).mean().rename_axis("doc_id")
                rows.append(by_doc.reset_index().assign(model=name))
        return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()

    @property
    def scores(self) -> pd.DataFrame | None:
        """With labels: every model's and baseline's per-theme comparison (``alignment.csv``'s rows)."""
        return None if self.comparisons is None else self.comparisons.alignment

    def __repr__(self) -> str:
        return f"Exploration({self.study!r}; {self.fits.sweep!r})"


def explore_corpus(
    path: str | Path,
    seed_words: dict[str, list[str]],
    *,
    labels: str | Path | None = None,
    config: StudyConfig = EXPLORE_CONFIG,
    progress: bool = False,
) -> Exploration:
    """The study's method on a folder (or table) of one's own texts and themes.

    Paragraphs are cut and cleaned as for the study; plain models are swept over the config's K
    and K chosen by the same rule; the seeded models use ``seed_words`` (whose keys are the
    themes). With a ``labels`` file (one 0/1 column per theme), every model and baseline is
    compared with them exactly as in the main job.
    """
    themes = list(seed_words)
    words = check_seed_words(seed_words, themes=themes)
    table = read_corpus(path, rules=config.cleaning, kept_only=False)
    ids = kept(table)["paragraph_id"].tolist()
    y = load_labels(labels, themes=themes, paragraph_ids=ids) if labels is not None else None
    study = make_study(table, themes=themes, seed_words=words, labels=y, config=config)
    fits = fit_stage(study, progress=progress)
    runs = scorer_stage(study, fits)
    comparisons = compare_stage(study, fits, runs, progress=progress) if y is not None else None
    return Exploration(study, summarize(table), fits, runs, comparisons)
