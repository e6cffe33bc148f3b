"""Looking into topics: example paragraphs, disagreements with the coders, a corpus of one's own.

:func:`explore_corpus` runs the study's method (paragraphs, the K sweep, seeded models,
and, with labels, the same scorers and decision rules) on any folder or table of texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import corpus, reference
from ..comparison import matching as alignment
from ..comparison.scorers import KeywordScorer, TopicScorer
from ..models.base import rank_descending
from ..models.registry import MODELS, seeded_models
from ..models.topic_model import TopicModel
from ..selection.sweep import FitTask, Sweep, fit_models, run_sweep
from ..study.inputs import Study, StudyConfig, make_study


def shorten(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 3] + "..."


def example_paragraphs(
    model: TopicModel, paragraphs: pd.DataFrame, *, n: int = 1, chars: int = 160
) -> pd.DataFrame:
    """For each topic, the ``n`` paragraphs with the largest share of it (text shortened; shares
    equal to 12 decimals in paragraph order, as :func:`~themes.models.base.rank_descending` ranks them)."""
    text_of = paragraphs.set_index("paragraph_id")["text"]
    shares = model.document_topics
    rows = []
    for topic in model.topic_names:
        for pid in shares.index[rank_descending(shares[topic].to_numpy())[:n]]:
            rows.append(
                {
                    "topic": topic,
                    "paragraph_id": pid,
                    "share": shares.at[pid, topic],
                    "text": shorten(text_of[pid], chars),
                }
            )
    return pd.DataFrame(rows)


def disagreements(
    scores: pd.DataFrame,
    labels: pd.DataFrame,
    paragraphs: pd.DataFrame,
    *,
    model: str,
    n: int = 2,
    chars: int = 200,
) -> pd.DataFrame:
    """Paragraphs where a model and the coders disagree most, per theme.

    From ``paragraph_scores.csv``: the labelled paragraphs the model scores lowest ("coders
    yes, model no") and the unlabelled ones it scores highest ("coders no, model yes").
    """
    part = scores[scores["model"] == model].set_index("paragraph_id")
    text_of = paragraphs.set_index("paragraph_id")["text"]
    rows = []
    for theme in labels.columns:
        y, s = labels.loc[part.index, theme], part[theme]
        for kind, ids in (
            ("coders yes, model no", s[y == 1].sort_values(kind="stable").index[:n]),
            ("coders no, model yes", s[y == 0].sort_values(ascending=False, kind="stable").index[:n]),
        ):
            rows.extend(
                {
                    "theme": theme,
                    "disagreement": kind,
                    "paragraph_id": pid,
                    "score": s[pid],
                    "text": shorten(text_of[pid], chars),
                }
                for pid in ids
            )
    return pd.DataFrame(rows)


@dataclass(frozen=True, eq=False)
class Exploration:
    """What :func:`explore_corpus` finds in a corpus of one's own."""

    study: Study
    paragraph_summary: pd.DataFrame
    sweep: Sweep
    models: dict[str, TopicModel]
    topics: pd.DataFrame
    theme_shares: pd.DataFrame
    scores: pd.DataFrame | None

    def __repr__(self) -> str:
        return f"Exploration({self.study!r}; {self.sweep!r})"


def explore_corpus(
    path: str | Path,
    seed_words: dict[str, list[str]],
    *,
    labels: str | Path | None = None,
    k_range=range(3, 9),
    seeds=(0, 1, 2),
    models=("nmf_sklearn", "lda_gensim"),
    config: StudyConfig = StudyConfig(),
    progress: bool = False,
) -> Exploration:
    """The study's method on a folder (or table) of one's own texts and themes.

    Paragraphs are cut and cleaned as for the study; plain models are swept over
    ``k_range`` and K chosen by the same rule; the seeded models use ``seed_words``. With a
    ``labels`` file (one 0/1 column per theme), each model's and the seed words' per-theme
    scores are reported under the study's decision rules.
    """
    themes = list(seed_words)
    words = reference.check_seed_words(seed_words, themes=themes)
    table = corpus.build_paragraphs(corpus.load_documents(path), rules=config.cleaning)
    ids = corpus.kept(table)["paragraph_id"].tolist()
    y = reference.load_labels(labels, themes=themes, paragraph_ids=ids) if labels is not None else None
    study = make_study(table, themes=themes, seed_words=words, labels=y, config=config)
    sweep = run_sweep(
        study.dtm,
        models=models,
        k_range=tuple(k_range),
        seeds=tuple(seeds),
        n_jobs=config.n_jobs,
        progress=progress,
    )
    first = seeds[0]
    fitted = {name: fits[0] for name, fits in sweep.chosen_fits().items()}
    tasks = [FitTask(m, study.model_k(m, sweep.selected), first) for m in seeded_models()]
    fitted.update(
        {f.name: f for f in fit_models(tasks, study.matrices, seed_words=words, n_jobs=config.n_jobs)}
    )
    topics = pd.concat(
        [m.top_words().reset_index().assign(model=name) for name, m in fitted.items()], ignore_index=True
    )[["model", "topic", "share", "top_words"]]
    doc_of = study.kept.set_index("paragraph_id")["doc_id"]
    shares = []
    for name in seeded_models():
        frame = fitted[name].document_topics[themes]
        shares.append(
            frame.groupby(doc_of.loc[frame.index].to_numpy())
            .mean()
            .rename_axis("doc_id")
            .reset_index()
            .assign(model=name)
        )
    scores = None
    if y is not None:
        scorers = [TopicScorer.from_model(m, y, seeded=MODELS[name].seeded) for name, m in fitted.items()]
        scorers.append(KeywordScorer.from_matrix(study.dtm, words))
        scores = pd.concat(
            [
                alignment.theme_metrics(sc.scores, y, sc.decide(sc.scores)).assign(model=sc.name)
                for sc in scorers
            ],
            ignore_index=True,
        )[["model", "theme", "auc", "average_precision", "f1"]]
    return Exploration(
        study, corpus.summarize(table), sweep, fitted, topics, pd.concat(shares, ignore_index=True), scores
    )
