"""One model at a time: fit one on the study or on any corpus, and score new text with a saved one.

The same stages as the main job, composed for a single model: paragraphs
(:mod:`themes.corpus`), counts (:mod:`themes.text`), one fit (:func:`themes.models.fit_matrix`),
and for new text a saved scorer (:mod:`themes.comparison.saved_scorers`). ``themes fit`` and
``themes score`` call these; they hold no analysis of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from .. import files
from ..comparison.saved_scorers import load_scorer
from ..corpus.chunks import needs_streaming
from ..corpus.documents import load_documents
from ..corpus.paragraphs import build_paragraphs, kept, read_corpus
from ..errors import ModelError, ThemesError
from ..models.backends import backend_of
from ..models.fitting import fit_matrix
from ..models.topic_model import TopicModel
from ..reference.seed_words import read_seed_words
from ..selection import measures
from ..text.matrix import DocumentTermMatrix
from ..text.streaming import count_corpus, tfidf_in_place
from ..text.vectorizer import Vectorizer
from .design import CONFOUNDS, get_corpus_spec, get_spec
from .inputs import Study
from .project import Project


def fit_study_model(study: Study, name: str, *, k: int, seed: int) -> tuple[TopicModel, pd.DataFrame]:
    """One model of the study's design at any K, with each topic's NPMI coherence and top words."""
    spec = get_spec(name, study.config.models)
    dtm = study.matrix(spec)
    model = fit_matrix(spec.make(k=k, seed=seed, seed_words=study.seed_words), dtm, name=spec.name)
    top = model.top_word_lists(measures.TOP_N, readable=False)
    npmi = measures.coherence(top, measures.coherence_texts(dtm), measure="c_npmi")
    return model, pd.DataFrame({"topic": model.topic_names, "npmi": npmi})


FIT_OUTPUTS = ("topics.csv", "document_topics.csv", "paragraphs.csv", "model")
"""What ``themes fit --corpus --out DIR`` writes into ``DIR``."""


@dataclass(frozen=True, eq=False)
class CorpusFit:
    """One model fitted on a corpus of one's own: the model and, unless streamed, its paragraphs."""

    model: TopicModel
    paragraphs: pd.DataFrame | None

    def write(self, out: Path, *, top: int = 10) -> list[str]:
        """``topics.csv``, ``document_topics.csv``, ``paragraphs.csv`` and ``model/`` in ``out``."""
        files.write_csv(out / "topics.csv", self.model.top_words(top).reset_index())
        files.write_csv(out / "document_topics.csv", self.model.document_topics.reset_index())
        if self.paragraphs is not None:
            files.write_csv(out / "paragraphs.csv", self.paragraphs)
        self.model.save(out / "model")
        return [f"{name}/" if (out / name).is_dir() else name for name in FIT_OUTPUTS]


def fit_corpus_into(out: Path, corpus: str | Path, model: str, *, top: int = 10, **settings) -> tuple:
    """:func:`fit_corpus`, its outputs (:data:`FIT_OUTPUTS`) written into ``out`` whole or not at all.

    They are built in a folder beside ``out`` (made first, so that a read-only folder or a full
    disk is found before the fit) and swapped in once all are written; a failed, stopped or killed
    fit leaves ``out`` as it was. A folder holding other files is refused, since it is replaced.
    Returns the fit and the names written.
    """
    out = Path(out)
    files.restore_folder(out)  # what a fit killed while swapping left beside it
    files.check_replaceable(out, FIT_OUTPUTS, command="themes fit")
    with files.staged_folder(out) as staged:
        fitted = fit_corpus(corpus, model, paragraphs_csv=staged / "paragraphs.csv", **settings)
        written = fitted.write(staged, top=top)
    return fitted, written


def fit_corpus(
    corpus: str | Path,
    model: str,
    *,
    k: int,
    seed: int = 0,
    min_df: int = 2,
    seed_words: str | Path | None = None,
    streaming: bool = False,
    paragraphs_csv: Path | None = None,
) -> CorpusFit:
    """Fit one model of :data:`~themes.study.design.CORPUS_MODELS` on any corpus, no study folder.

    With ``streaming``, or for a corpus of :data:`themes.corpus.chunks.STREAMING_BYTES` (8 MiB)
    or more, the corpus is read and counted in chunks of documents
    (:func:`themes.text.streaming.count_corpus`; near-duplicates are then found within a chunk, and
    word-for-word copies across chunks), and its kept paragraphs go straight to ``paragraphs_csv``.
    """
    spec = get_corpus_spec(model)
    if spec.vectorizer != "study":
        raise ThemesError(f"{model!r} is the study's naive baseline; choose another model.")
    if spec.seeded and not seed_words:
        raise ThemesError(f"{model!r} is seeded: give --seed-words FILE (YAML, theme: [words]).")
    words = read_seed_words(seed_words) if spec.seeded else None
    estimator = spec.make(k=k, seed=seed, seed_words=words)
    # a corpus of STREAMING_BYTES or more is counted in chunks: its texts are never all in memory
    if streaming or needs_streaming(corpus):
        dtm = count_corpus(corpus, Vectorizer(min_df=min_df), paragraphs_csv=paragraphs_csv)
        if backend_of(estimator).matrix == "tfidf":
            # weighted in place and the counts' data dropped: one matrix held during the fit, not two
            weighted = tfidf_in_place(dtm.counts, dtm.vectorizer)
            dtm = replace(dtm, counts=weighted)  # local: only the ids and vectorizer are read from it
            return CorpusFit(fit_matrix(estimator, dtm, name=spec.name, matrix=weighted), None)
        return CorpusFit(fit_matrix(estimator, dtm, name=spec.name), None)
    paragraphs = read_corpus(corpus)
    dtm = DocumentTermMatrix.from_paragraphs(Vectorizer(min_df=min_df), paragraphs, fit=True)
    return CorpusFit(fit_matrix(estimator, dtm, name=spec.name), paragraphs)


def score_texts(project: Project, model: str, paths: list[str | Path]) -> pd.DataFrame:
    """Theme scores of the kept paragraphs of unseen texts by a model saved in ``results/models/``.

    The columns of ``paragraph_scores.csv`` (``paragraph_id, model``, one per theme) and ``text``.
    """
    if model in CONFOUNDS:
        raise ModelError(
            f"the {model} baseline describes the study's paragraphs only; it scores no new text."
        )
    saved = project.saved_model(model)
    scorer = load_scorer(saved)
    table = kept(build_paragraphs(doc for path in paths for doc in load_documents(Path(path))))
    scores = scorer.predict(table[["paragraph_id", "text"]]).reset_index()
    scores.insert(1, "model", model)
    scores["text"] = table["text"].to_numpy()
    return scores
