"""A study's inputs: its settings, the paragraphs, the reference set, the seed words, the matrices.

:func:`load_study` reads and validates everything under ``data/`` of a project folder and
vectorizes the kept paragraphs; the staged run (:mod:`themes.study.pipeline`) takes it from there.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import corpus, files, reference
from ..corpus.cleaning import CleaningRules
from ..errors import SeedWordsWarning, ThemesError
from ..models.fitting import fit_matrix
from ..models.topic_model import TopicModel
from ..reference.seed_words import seed_words_empty
from ..report.tables import read_table
from ..text.matrix import DocumentTermMatrix
from ..text.vectorizer import NAIVE_VECTORIZER, Vectorizer
from .config import StudyConfig
from .design import ModelSpec, model_roles
from .project import Project, project_paths


@dataclass(frozen=True, eq=False, repr=False)
class Study:
    """Validated inputs of a study: paragraphs, reference set, seed words, matrices.

    Attributes
    ----------
    project : Project
    config : StudyConfig
    paragraphs : pandas.DataFrame
        Every block of the corpus with its status (``corpus.PARAGRAPH_COLUMNS``).
    themes : list of str
        From the codebook.
    labels : pandas.DataFrame or None
        The reference labels, kept paragraphs x themes, indexed by paragraph id: people's
        (``data/reference/human/labels.csv``) once there are, else ``data/reference/labels.csv``.
    coders : tuple of two DataFrames or None
        The two independent codings of the reference round (people or language models:
        ``data/reference/coders.yml`` says which).
    seed_words : dict of str to list of str
    dtm, naive_dtm : DocumentTermMatrix
        The kept paragraphs under the study's analysis and under the naive baseline's.
    replaced : dict of str to DataFrame
        When people's labels are the reference, the study's earlier labels and codings
        (``labels.csv``, ``labels_coder1.csv``, ...) by file name, to be set beside them; else empty.
    """

    project: Project
    config: StudyConfig
    paragraphs: pd.DataFrame
    themes: list[str]
    labels: pd.DataFrame | None
    coders: tuple[pd.DataFrame, pd.DataFrame] | None
    seed_words: dict[str, list[str]]
    dtm: DocumentTermMatrix
    naive_dtm: DocumentTermMatrix
    replaced: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def kept(self) -> pd.DataFrame:
        return corpus.kept(self.paragraphs)

    def matrix(self, spec: ModelSpec) -> DocumentTermMatrix:
        """The matrix a model is fitted on."""
        return self.naive_dtm if spec.vectorizer == "naive" else self.dtm

    @property
    def model_roles(self) -> dict[str, str]:
        """Each topic model's role in the design: ``naive``, ``plain`` or ``seeded``."""
        return model_roles(self.config.models)

    @property
    def matrices(self) -> dict[str, DocumentTermMatrix]:
        return {"study": self.dtm, "naive": self.naive_dtm}

    def main_model(self, family: str) -> str:
        """The design's first swept model of a family (``"lda"``, ``"nmf"``): the one the notebooks
        show in detail (``lda_gensim`` on a small corpus, ``lda_tomotopy`` on a large one)."""
        for name in self.config.sweep_models:
            if self.config.models[name].family == family:
                return name
        raise ThemesError(f"the study's design sweeps no model of the family {family!r}.")

    def model_k(self, name: str, selected: dict[str, int]) -> int:
        """K of a named model: chosen by the sweep, themes plus free topics, or the naive K."""
        spec = self.config.models[name]
        if spec.vectorizer == "naive":
            return self.config.naive_k
        if spec.seeded:
            return len(self.themes) + self.config.n_free
        if name not in selected:
            raise ThemesError(f"no K was chosen for {name!r}; run the sweep first.")
        return selected[name]

    def fit_model(self, name: str, *, seed: int, selected: dict[str, int]) -> TopicModel:
        """One model of the study's design, at its K, fitted on its matrix.

        Seed words missing from the vocabulary are not warned about here: the model's
        ``params["seed_words_missing"]`` lists them.
        """
        spec = self.config.models[name]
        seed_words = self.seed_words if spec.seeded else None
        est = spec.make(k=self.model_k(name, selected), seed=seed, seed_words=seed_words)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SeedWordsWarning)
            return fit_matrix(est, self.matrix(spec), name=name)

    def __repr__(self) -> str:
        labelled = "no labels" if self.labels is None else f"{len(self.labels)} labelled"
        n, themes = self.dtm.shape[0], ", ".join(self.themes)
        return f"Study({self.project.root}, {n} kept paragraphs, {labelled}, themes {themes})"


def build_corpus(
    project: Project, *, rules: CleaningRules = CleaningRules(), write: bool = True
) -> pd.DataFrame:
    """Read ``data/raw`` (checksums verified), build the paragraph table, and write it."""
    table = corpus.build_paragraphs(corpus.load_documents(project.raw), rules=rules)
    if write:
        files.write_csv(project.paragraphs, table)
        files.write_csv(project.processed / "paragraph_summary.csv", corpus.summarize(table))
    return table


def make_study(
    paragraphs: pd.DataFrame,
    *,
    themes: list[str],
    seed_words: dict[str, list[str]],
    labels: pd.DataFrame | None = None,
    coders: tuple[pd.DataFrame, pd.DataFrame] | None = None,
    config: StudyConfig = StudyConfig(),
    project: Project | None = None,
    replaced: dict[str, pd.DataFrame] | None = None,
) -> Study:
    """A study from inputs already in memory: vectorizes the kept paragraphs.

    With labels, the comparison's permutations are checked first: too few for any theme to reach
    the significance level after Holm's correction are refused before any work.
    """
    kept = corpus.kept(paragraphs)
    if not config.resolved:
        config = config.resolve(len(kept))
    if labels is not None:  # the resolved settings: a quick look draws fewer permutations
        config.inference().check_reach(len(themes))
    dtm = DocumentTermMatrix.from_paragraphs(config.make_vectorizer(), kept, fit=True)
    naive = DocumentTermMatrix.from_paragraphs(Vectorizer(**NAIVE_VECTORIZER), kept, fit=True)
    return Study(
        project or Project(),
        config,
        paragraphs,
        list(themes),
        labels,
        coders,
        seed_words,
        dtm,
        naive,
        dict(replaced or {}),
    )


def load_study(
    project: Project | str | Path,
    *,
    config: StudyConfig = StudyConfig(),
    paragraphs: pd.DataFrame | None = None,
    labels_required: bool = False,
) -> Study:
    """Read and validate every input of a project's study and vectorize the kept paragraphs.

    ``project`` is a project folder (``data/raw``, ``data/reference``) or its :class:`Project`.
    A study without ``labels.csv`` (one just made by ``themes init``) has ``labels`` None unless
    ``labels_required``; a seed-word file whose every list is empty gives no seed words (``{}``).
    """
    if not isinstance(project, Project):
        project = project_paths(project)
    table = build_corpus(project, rules=config.cleaning, write=False) if paragraphs is None else paragraphs
    ids = corpus.kept(table)["paragraph_id"].tolist()
    themes = reference.read_themes(project.codebook)
    labels = coders = None
    if labels_required or project.labels.exists():
        labels = reference.load_labels(project.labels, themes=themes, paragraph_ids=ids)
    c1, c2 = project.codings()
    if c1.exists() and c2.exists():
        coders = tuple(reference.load_labels(c, themes=themes, paragraph_ids=ids) for c in (c1, c2))
    replaced = {}
    if project.reference_round != project.reference:  # people's labels replace the first coding
        earlier = [project.reference / "labels.csv", *project.codings(project.reference)]
        replaced = {
            p.name: reference.load_labels(p, themes=themes, paragraph_ids=ids) for p in earlier if p.exists()
        }
    seed_words = {}
    if not seed_words_empty(project.seed_words):
        seed_words = reference.read_seed_words(project.seed_words, themes=themes)
    return make_study(
        table,
        themes=themes,
        seed_words=seed_words,
        labels=labels,
        coders=coders,
        config=config,
        project=project,
        replaced=replaced,
    )


def write_agreement(study: Study) -> pd.DataFrame | None:
    """Write the reference round's ``agreement.csv`` and check its adjudication log."""
    if study.coders is None:
        return None
    coder1, coder2 = study.coders
    folder = study.project.reference_round
    table = reference.agreement_table(coder1, coder2)
    reference.check_adjudication(coder1, coder2, study.labels, folder / "adjudication.csv")
    files.write_csv(folder / "agreement.csv", table)
    return table


def read_selection(project: Project) -> dict[str, int]:
    """The K chosen for each swept model, from ``results/model_selection.csv``."""
    path = project.results / "model_selection.csv"
    if not path.exists():
        raise ThemesError(f"{path} does not exist: no K has been chosen yet in this project.")
    table = pd.read_csv(path)
    return dict(zip(table["model"], table["K"].astype(int), strict=True))


def read_result(project: Project, name: str) -> pd.DataFrame | None:
    """A table of ``results/`` (``"seeding_effect.csv"``), or None when the run did not write it
    (the seed-word checks skipped, no seed words, no labels)."""
    path = project.results / name
    return read_table(path) if path.is_file() else None


def worked_example_model(summary: pd.DataFrame, roles: dict[str, str], *, n_themes: int) -> str:
    """The plain topic model a notebook works one matching by hand on: of the plain models with at
    least one topic per theme, the one with the highest mean AUC; failing that, the plain (then any)
    topic model with the most topics."""
    models = summary[summary["model"].isin(roles)]
    plain = models[models["model"].map(roles) == "plain"]
    enough = plain[plain["K"] >= n_themes]
    if len(enough):
        return str(enough.sort_values("auc_mean", kind="stable").iloc[-1]["model"])
    pool = plain if len(plain) else models
    return str(pool.sort_values("K", kind="stable").iloc[-1]["model"])
