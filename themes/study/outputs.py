"""Writing a study's results: tables, the reference-set tables, figures, saved models, explorers.

:func:`write_results` writes what the stages of :mod:`themes.study.pipeline` made into the folder
the main job stages. Every file goes through :mod:`themes.files` (whole or not at all,
byte-stable); figures are drawn by :mod:`themes.report.plots` from the same tables written beside
them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from joblib import Parallel, delayed

from .. import files, reference
from ..comparison.keyword_topics import keyword_topic_table
from ..comparison.matching import top_words_table
from ..comparison.saved_scorers import save_scorer
from ..comparison.scorers import ModelRuns
from ..comparison.theme_table import theme_terms
from ..progress import say
from ..reference.coders import describe_coders
from ..report import plots
from ..report.explorer import write_explorer
from ..report.prose import intrusion_beside_auc
from ..validate.study_intrusion import score_study_intrusion
from .config import QUICK_NOTE
from .inputs import Study
from .manifest import build_manifest
from .pipeline import Comparisons, Fits
from .reference_rounds import intrusion_coders, reference_coders
from .tables import paragraph_scores, prevalence_by_document, topics_table, vocabulary_table

Runs = Mapping[str, ModelRuns]
FIGURE_DOCUMENTS = 12
"""Documents shown in the theme-prevalence-by-document figure (those with the most kept paragraphs)."""
LABELLED_OUTPUTS = (
    "alignment.csv, summary.csv, k_sensitivity.csv, failures.csv, alignment_by_seed.csv, "
    "reference/, the supervised and confound baselines, the association and score figures"
)


def write_results(study: Study, fits: Fits, runs: Runs, comparisons: Comparisons | None, out: Path) -> dict:
    """Write every table, figure, saved model, explorer and the manifest of a run into ``out``.

    Without ``comparisons`` (a study whose labels are not made yet) only what needs no labels is
    written: the sweep and fit tables, the topics (plain models' topics unmatched, "other"; seeded
    models' theme topics named), top-word and sweep figures, an explorer per model (no theme
    overlay), the saved models; ``paragraph_scores.csv`` holds the models whose theme scores need
    no labels (seeded models and the seed-word counts). Intrusion tests are offered in their place.
    Returns the manifest.
    """
    sweep, labels = fits.sweep, study.labels
    named = {
        "models.csv": fits.table,
        "model_sweep.csv": sweep.summary,
        "model_selection.csv": sweep.chosen,
        "topics.csv": topics_table(runs),
        "vocabulary.csv": vocabulary_table(study.dtm),
    }
    if comparisons is not None:
        named = {
            "paragraph_scores.csv": paragraph_scores(runs, study.themes),
            "alignment.csv": comparisons.alignment,
            **{k: named[k] for k in ("models.csv", "model_sweep.csv", "model_selection.csv")},
            "k_sensitivity.csv": comparisons.k_sensitivity,
            "summary.csv": comparisons.summary,
            "topics.csv": named["topics.csv"],
            "failures.csv": comparisons.failures,
            "alignment_by_seed.csv": comparisons.per_seed,
            "vocabulary.csv": named["vocabulary.csv"],
            **comparisons.checks,
        }
    else:
        themed = {n: r for n, r in runs.items() if r.model is None or r.first.seeded}
        if themed:
            named["paragraph_scores.csv"] = paragraph_scores(themed, study.themes)
    if study.seed_words:
        terms = theme_terms(study.dtm.vectorizer, study.seed_words)
        named["keyword_topics.csv"] = keyword_topic_table(fits.by_model, terms)
    write_tables(out, named)
    intrusion = write_intrusion(study, runs, out, comparisons)
    doc_of = study.kept.set_index("paragraph_id")["doc_id"]
    if comparisons is not None:
        write_reference_tables(out, labels, doc_of, replaced=replaced_codings(study))
        jobs = comparison_figure_jobs(study, fits, runs, comparisons, doc_of)
    else:
        jobs = sweep_figure_jobs(sweep.summary, sweep.selected) + top_words_jobs(runs)
    stamp = QUICK_NOTE if study.config.quick else None
    write_figure_jobs(out / "figures", jobs, n_jobs=study.config.n_jobs, stamp=stamp)
    save_scorers(out / "models", runs)
    texts = study.kept.set_index("paragraph_id")["text"]
    write_explorers(out / "explorer", runs, texts=texts, labels=labels, n_jobs=study.config.n_jobs)
    if stamp:
        files.write_text(
            out / "QUICK_LOOK.txt", f"{stamp}.\nRun themes reproduce without --quick for results to report.\n"
        )
    manifest = build_manifest(study, out, sweep.chosen, fits.by_model)
    if comparisons is None:
        manifest["labels"] = unlabelled_note(study, runs, intrusion)
    if stamp:
        manifest["quick_look"] = stamp
    files.write_json(out / "MANIFEST.json", manifest)
    return manifest


def write_intrusion(
    study: Study, runs: Runs, out: Path, comparisons: Comparisons | None
) -> pd.DataFrame | None:
    """Score the study's answered intrusion tests (``data/reference/intrusion``) into ``intrusion.csv``."""
    tests = study.project.reference / "intrusion"
    if not tests.is_dir():
        return None
    current = {n: r.model for n, r in runs.items() if r.model is not None}
    intrusion = score_study_intrusion(tests, models=current, seed=study.config.stat_seed)
    if intrusion.empty:
        return intrusion
    write_tables(out, {"intrusion.csv": intrusion})
    if comparisons is not None:
        table = intrusion_beside_auc(intrusion, comparisons.summary)
        who = describe_coders(intrusion_coders(study.project)) or "coders not recorded in coders.yml"
        figure = plots.figure_intrusion_vs_auc(table, coders=who)
        plots.save_figure(figure, out / "figures" / "intrusion_vs_auc", table)
    return intrusion


def unlabelled_note(study: Study, runs: Runs, intrusion: pd.DataFrame | None) -> dict:
    """What a run without labels skipped, said on standard error and recorded in the manifest
    (relative paths and model names only: the manifest is the same wherever the study folder is)."""
    root, tests = study.project.root, study.project.reference / "intrusion"
    to_create = [n for n, r in runs.items() if r.model is not None and not (tests / n).is_dir()]
    missing = study.project.labels.relative_to(root).as_posix()
    note = f"no reference labels ({missing} does not exist): skipped {LABELLED_OUTPUTS}."
    say(f"themes: no reference labels ({study.project.labels} does not exist): skipped {LABELLED_OUTPUTS}.")
    if to_create:
        example = f"themes --root {root} intrusion create --model {to_create[0]}"
        say(f"themes: check the topics with intrusion tests instead, e.g. {example}")
    return {"present": False, "note": note, "intrusion_tests_to_create": to_create}


def write_tables(out: Path, named: dict[str, pd.DataFrame]) -> None:
    """Each table as ``out/<name>``."""
    for name, table in named.items():
        files.write_csv(out / name, table)


def replaced_codings(study: Study) -> dict[str, pd.DataFrame]:
    """The codings people's labels replaced as the reference, named by file and coder kind
    (``labels_coder1.csv (language model)``); empty when the reference is the first coding."""
    named = {}
    for name, table in study.replaced.items():
        kind = reference.coder_of(study.project.reference, study.project.reference / name).kind
        named[f"{name} ({kind})"] = table
    return named


def write_reference_tables(
    out: Path, labels: pd.DataFrame, doc_of: pd.Series, *, replaced: dict[str, pd.DataFrame] | None = None
) -> None:
    """Prevalence, co-occurrence, themes per document and per paragraph of the reference labels;
    with ``replaced`` (earlier codings by name), each one's agreement with them per theme
    (``reference/codings_vs_reference.csv``)."""
    ref = out / "reference"
    if replaced:
        files.write_csv(
            ref / "codings_vs_reference.csv", reference.agreement_with_reference(labels, replaced)
        )
    files.write_csv(ref / "prevalence.csv", reference.prevalence(labels))
    files.write_csv(ref / "cooccurrence.csv", reference.cooccurrence(labels))
    files.write_csv(ref / "themes_by_document.csv", reference.themes_by_document(labels, doc_of))
    files.write_csv(ref / "themes_per_paragraph.csv", reference.themes_per_paragraph(labels))


FigureJob = tuple[str, tuple, dict, str, pd.DataFrame]
"""(builder in ``themes.report.plots``, its arguments, its keywords, file stem, the numbers drawn)."""


def sweep_figure_jobs(summary: pd.DataFrame, selected: dict[str, int]) -> list[FigureJob]:
    """The K sweep's coherence and stability figures."""
    stability = summary[["model", "K", "seeds", "stability_mean", "stability_se"]]
    return [
        ("figure_k_sweep", (summary, selected), {}, "k_sweep", summary),
        ("figure_stability", (summary, selected), {}, "stability", stability),
    ]


def top_words_jobs(runs: Runs) -> list[FigureJob]:
    """Each topic model's top words per topic (its first fit), titled with its matched themes."""
    jobs = []
    for name, model_runs in runs.items():
        sc = model_runs.first
        if sc.model is not None:
            words = top_words_table(sc.model, sc.matching)
            title = f"{name}: top words per topic (K={sc.model.k}, seed {sc.model.seed})"
            jobs.append(("figure_top_words", (words,), {"title": title}, f"top_words_{name}", words))
    return jobs


def comparison_figure_jobs(
    study: Study, fits: Fits, runs: Runs, comparisons: Comparisons, doc_of: pd.Series
) -> list[FigureJob]:
    """Every figure of ``results/figures`` of a study with labels."""
    labels = study.labels
    themes = list(labels.columns)
    prev = reference.prevalence(labels)
    co = reference.cooccurrence(labels)
    by_doc = prevalence_by_document(runs, labels, doc_of)
    who = describe_coders(reference_coders(study.project)) or None
    # one row per source and document: beyond a few dozen documents the figure is unreadable and
    # costs minutes to draw, so it shows the documents with the most kept paragraphs
    largest = (
        doc_of.value_counts(sort=False).sort_values(ascending=False, kind="stable").index[:FIGURE_DOCUMENTS]
    )
    by_doc = by_doc[by_doc["doc_id"].isin(set(largest))].reset_index(drop=True)
    scores = comparisons.alignment[["model", "theme", "auc_mean", "auc_ci_low", "auc_ci_high", "auc_null_95"]]
    sweep = fits.sweep
    jobs = [
        ("figure_prevalence", (prev,), {"coders": who}, "reference_prevalence", prev),
        ("figure_cooccurrence", (co,), {"coders": who}, "reference_cooccurrence", co),
        (
            "figure_prevalence_by_document",
            (by_doc, themes),
            {"documents": sorted(study.paragraphs["doc_id"].astype(str).unique())},
            "prevalence_by_document",
            by_doc,
        ),
        *sweep_figure_jobs(sweep.summary, sweep.selected),
        (
            "figure_k_sensitivity",
            (comparisons.k_sensitivity, sweep.selected),
            {},
            "k_sensitivity",
            comparisons.k_sensitivity,
        ),
        ("figure_theme_scores", (scores,), {"coders": who}, "theme_scores", scores),
    ]
    for name, model_runs in runs.items():
        sc = model_runs.first
        if sc.model is not None:
            model = sc.model
            title = f"{name} (K={model.k}, seed {model.seed}): topic x theme ROC AUC; matched cells framed"
            association = sc.association.rename_axis("topic").reset_index()
            args = (sc.association, sc.matching)
            jobs.append(("figure_association", args, {"title": title}, f"association_{name}", association))
    return jobs + top_words_jobs(runs)


def write_figure_jobs(
    folder: Path, jobs: list[FigureJob], *, n_jobs: int = 1, stamp: str | None = None
) -> None:
    """Draw every job and write it with its numbers beside it.

    Each figure is drawn by one task (``n_jobs`` joblib workers on this machine, never on a Dask
    cluster; drawing dominates the cost and a figure's bytes do not depend on which process
    draws it), then written here. ``stamp`` is written across the foot of every figure (a quick look's
    warning).
    """
    rendered = Parallel(n_jobs=n_jobs, backend="loky")(
        delayed(draw)(builder, args, kwargs, stamp) for builder, args, kwargs, _, _ in jobs
    )
    for (*_, stem, data), content in zip(jobs, rendered, strict=True):
        plots.write_rendered(content, folder / stem, data)


def draw(builder: str, args: tuple, kwargs: dict, stamp: str | None = None) -> dict[str, bytes]:
    """``themes.report.plots.<builder>(*args, **kwargs)`` rendered to PNG and SVG bytes (one task)."""
    fig = getattr(plots, builder)(*args, **kwargs)
    if stamp:
        stamp_figure(fig, stamp)
    return plots.render_figure(fig)


def stamp_figure(fig, stamp: str, *, strip: float = 0.35) -> None:
    """Write ``stamp`` in red under everything else, on a strip of ``strip`` inches added below."""
    style = {"color": "red", "fontsize": 9, "weight": "bold"}
    if fig.get_layout_engine() is not None:  # constrained layout makes room for a figure-wide x label
        fig.supxlabel(stamp, **style)
        return
    height = fig.get_figheight()
    bottom, top = fig.subplotpars.bottom, fig.subplotpars.top
    fig.set_figheight(height + strip)
    fig.subplots_adjust(
        bottom=(bottom * height + strip) / (height + strip), top=(top * height + strip) / (height + strip)
    )
    fig.text(0.5, 0.08 * strip / (height + strip), stamp, ha="center", va="bottom", **style)


def save_scorers(folder: Path, runs: Runs) -> None:
    """Each model's first-seed scorer in ``folder/<name>/``, for scoring new text without refitting."""
    for name, model_runs in runs.items():
        if model_runs.first.kind != "confound":  # the confounds describe the study's paragraphs only
            save_scorer(model_runs.first, folder / name)


def write_explorers(
    folder: Path, runs: Runs, *, texts: pd.Series, labels: pd.DataFrame | None, n_jobs: int = 1
) -> None:
    """A topic explorer per topic model (its first-seed fit) in ``folder/<name>.html``, one page per
    local worker (a page's bytes do not depend on the process that writes it).

    The pages share one ``plotly.min.js`` in the folder instead of inlining 4.6 MB each.
    """
    Parallel(n_jobs=n_jobs, backend="loky")(
        delayed(write_explorer)(
            r.model, folder / f"{name}.html", texts=texts, labels=labels, plotly_js="shared"
        )
        for name, r in runs.items()
        if r.model is not None
    )
