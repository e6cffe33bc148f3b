"""Writing a study's results: tables, the reference-set tables, figures and the saved models.

Every file goes through ``themes.files`` (whole or not at all, byte-stable) into the folder the
main job stages; figures are drawn by ``themes.plotting`` from the same tables written beside
them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import files, reference
from ..comparison import tables
from ..comparison.scorers import TopicScorer
from ..models.persist import save_scorer
from ..report import plots


def write_tables(out: Path, named: dict[str, pd.DataFrame]) -> None:
    """Each table as ``out/<name>``."""
    for name, table in named.items():
        files.write_csv(out / name, table)


def write_reference_tables(out: Path, labels: pd.DataFrame, doc_of: pd.Series) -> None:
    """Prevalence, co-occurrence, themes per document and per paragraph of the hand labels."""
    ref = out / "reference"
    files.write_csv(ref / "prevalence.csv", reference.prevalence(labels))
    files.write_csv(ref / "cooccurrence.csv", reference.cooccurrence(labels))
    files.write_csv(ref / "themes_by_document.csv", reference.themes_by_document(labels, doc_of))
    files.write_csv(ref / "themes_per_paragraph.csv", reference.themes_per_paragraph(labels))


FigureJob = tuple[str, tuple, dict, str, pd.DataFrame]
"""(builder in ``themes.plotting``, its arguments, its keywords, file stem, the numbers drawn)."""


def sweep_figure_jobs(summary: pd.DataFrame, selected: dict[str, int]) -> list[FigureJob]:
    """The K sweep's coherence and stability figures."""
    stability = summary[["model", "K", "seeds", "stability_mean", "stability_se"]]
    return [
        ("figure_k_sweep", (summary, selected), {}, "k_sweep", summary),
        ("figure_stability", (summary, selected), {}, "stability", stability),
    ]


def top_words_jobs(scorers: tables.Scorers) -> list[FigureJob]:
    """Each topic model's top words per topic (its first fit), titled with its matched themes."""
    jobs = []
    for name, runs in scorers.items():
        sc = runs[0]
        if isinstance(sc, TopicScorer):
            words = tables.top_words_table(sc.model, sc.matching)
            title = f"{name}: top words per topic (K={sc.model.k}, seed {sc.model.seed})"
            jobs.append(("figure_top_words", (words,), {"title": title}, f"top_words_{name}", words))
    return jobs


def write_figures(
    folder: Path,
    *,
    labels: pd.DataFrame,
    doc_of: pd.Series,
    summary: pd.DataFrame,
    selected: dict[str, int],
    sensitivity: pd.DataFrame,
    alignment: pd.DataFrame,
    scorers: tables.Scorers,
    n_jobs: int = 1,
) -> None:
    """Every figure of ``results/figures`` with the CSV of its numbers beside it."""
    themes = list(labels.columns)
    prev = reference.prevalence(labels)
    co = reference.cooccurrence(labels)
    by_doc = tables.prevalence_by_document(scorers, labels, doc_of)
    scores = alignment[["model", "theme", "auc_mean", "auc_ci_low", "auc_ci_high", "auc_null_95"]]
    jobs = [
        ("figure_prevalence", (prev,), {}, "reference_prevalence", prev),
        ("figure_cooccurrence", (co,), {}, "reference_cooccurrence", co),
        ("figure_prevalence_by_document", (by_doc, themes), {}, "prevalence_by_document", by_doc),
        *sweep_figure_jobs(summary, selected),
        ("figure_k_sensitivity", (sensitivity, selected), {}, "k_sensitivity", sensitivity),
        ("figure_theme_scores", (scores,), {}, "theme_scores", scores),
    ]
    for name, runs in scorers.items():
        sc = runs[0]
        if isinstance(sc, TopicScorer):
            model = sc.model
            title = f"{name} (K={model.k}, seed {model.seed}): topic x theme ROC AUC; matched cells framed"
            association = sc.association.rename_axis("topic").reset_index()
            args = (sc.association, sc.matching)
            jobs.append(("figure_association", args, {"title": title}, f"association_{name}", association))
    write_figure_jobs(folder, jobs + top_words_jobs(scorers), n_jobs=n_jobs)


def write_figure_jobs(folder: Path, jobs: list[FigureJob], *, n_jobs: int = 1) -> None:
    """Draw every job and write it with its numbers beside it.

    Each figure is drawn by one task (``n_jobs`` joblib workers on this machine, never on a Dask
    cluster; drawing dominates the cost and a figure's bytes do not depend on which process
    draws it), then written here.
    """
    from joblib import Parallel, delayed

    rendered = Parallel(n_jobs=n_jobs, backend="loky")(
        delayed(draw)(builder, args, kwargs) for builder, args, kwargs, _, _ in jobs
    )
    for (*_, stem, data), content in zip(jobs, rendered, strict=True):
        plots.write_rendered(content, folder / stem, data)


def draw(builder: str, args: tuple, kwargs: dict) -> dict[str, bytes]:
    """``themes.report.plots.<builder>(*args, **kwargs)`` rendered to PNG and SVG bytes (one task)."""
    return plots.render_figure(getattr(plots, builder)(*args, **kwargs))


def save_scorers(folder: Path, scorers: tables.Scorers) -> None:
    """Each model's first-seed scorer in ``folder/<name>/``, for scoring new text without refitting."""
    for name, runs in scorers.items():
        if runs[0].kind != "confound":
            save_scorer(runs[0], folder / name)


def write_explorers(folder: Path, scorers: tables.Scorers, *, texts: pd.Series, labels: pd.DataFrame) -> None:
    """A topic explorer per topic model (its first-seed fit) in ``folder/<name>.html``.

    The pages share one ``plotly.min.js`` in the folder instead of inlining 4.6 MB each.
    """
    from ..report.explorer import write_explorer

    for name, runs in scorers.items():
        if isinstance(runs[0], TopicScorer):
            write_explorer(
                runs[0].model, folder / f"{name}.html", texts=texts, labels=labels, plotly_js="shared"
            )


def write_intrusion_figure(folder: Path, intrusion: pd.DataFrame, summary: pd.DataFrame) -> None:
    """Word-intrusion precision against mean AUC, per model, with the table behind it."""
    from ..report.prose import intrusion_beside_auc

    table = intrusion_beside_auc(intrusion, summary)
    plots.save_figure(plots.figure_intrusion_vs_auc(table), folder / "intrusion_vs_auc", table)
