"""Figure functions: each draws on the ``ax`` it is given and returns it.

They never call ``plt.show()`` or save files; :func:`save_figure` writes a figure as PNG and
SVG with fixed metadata and hash salt (so reruns give identical bytes), together with the
CSV of the numbers behind it.
"""

from __future__ import annotations

import io as _io
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.patches import Rectangle

from .. import files

_RC = {
    "svg.hashsalt": "themes",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "figure.dpi": 100,
    "savefig.dpi": 100,
}
_CMAP = "viridis"
MARKERS = ("o", "s", "^", "D")


def model_styles(models) -> dict[str, tuple]:
    """A colour and a marker per model that tell every model apart: the ten colours of ``tab10``
    with circles, then again with squares, triangles and diamonds (40 models at most)."""
    colors = matplotlib.colormaps["tab10"]
    return {m: (colors(i % 10), MARKERS[(i // 10) % len(MARKERS)]) for i, m in enumerate(models)}


def new_figure(
    nrows: int = 1,
    ncols: int = 1,
    *,
    width: float = 6.4,
    height: float = 4.0,
    layout: str | None = "constrained",
):
    """A figure with a grid of axes, made without pyplot (no global state, no display).

    ``layout=None`` skips the automatic layout, which costs about half a second for a
    grid of a dozen axes; the caller then sets the margins with ``subplots_adjust``.
    """
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(width, height), layout=layout)
        axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, axes


def save_figure(fig, stem: str | Path, data: pd.DataFrame) -> list[Path]:
    """Write ``stem.png``, ``stem.svg`` and ``stem.csv`` (the numbers behind the figure).

    Metadata that changes between runs (dates) is left out and the SVG hash salt is fixed,
    so the same figure gives the same bytes; each file is written whole or not at all.
    """
    return write_rendered(render_figure(fig), stem, data)


def render_figure(fig) -> dict[str, bytes]:
    """The figure as PNG and SVG bytes, without the metadata that changes between runs."""
    out = {}
    with matplotlib.rc_context(_RC):
        for fmt, meta in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
            buffer = _io.BytesIO()
            fig.savefig(buffer, format=fmt, metadata=meta)
            out[fmt] = buffer.getvalue()
    return out


def write_rendered(rendered: dict[str, bytes], stem: str | Path, data: pd.DataFrame) -> list[Path]:
    """Write :func:`render_figure`'s bytes as ``stem.png`` and ``stem.svg``, and ``stem.csv``."""
    stem = Path(stem)
    written = [files.write_bytes(stem.with_suffix(f".{fmt}"), content) for fmt, content in rendered.items()]
    written.append(files.write_csv(stem.with_suffix(".csv"), data))
    return written


def _annotate(ax, values: np.ndarray, fmt: str, threshold: float) -> None:
    for (i, j), v in np.ndenumerate(values):
        if np.isfinite(v):
            ax.text(
                j,
                i,
                format(v, fmt),
                ha="center",
                va="center",
                fontsize=7,
                color="black" if v >= threshold else "white",
            )


def plot_bars(ax, labels: list[str], values: list[float], *, xlabel: str = "", title: str = ""):
    """Horizontal bars, first label on top (prevalence, top words)."""
    y = np.arange(len(labels))
    ax.barh(y, values, color="#4c72b0")
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=9)
    return ax


def plot_heatmap(
    ax,
    matrix: pd.DataFrame,
    *,
    fmt: str = ".2f",
    vmin=None,
    vmax=None,
    title: str = "",
    outline: list[tuple[str, str]] | None = None,
    cbar_label: str = "",
):
    """A labelled heatmap with the value in each cell; ``outline`` marks (row, column) cells."""
    values = matrix.to_numpy(dtype=float)
    image = ax.imshow(values, cmap=_CMAP, vmin=vmin, vmax=vmax, aspect="auto")
    ax.set_xticks(range(values.shape[1]), [str(c) for c in matrix.columns], rotation=30, ha="right")
    ax.set_yticks(range(values.shape[0]), [str(r) for r in matrix.index])
    lo = np.nanmin(values) if vmin is None else vmin
    hi = np.nanmax(values) if vmax is None else vmax
    _annotate(ax, values, fmt, lo + 0.6 * (hi - lo))
    for row, col in outline or []:
        i, j = list(matrix.index).index(row), list(matrix.columns).index(col)
        ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, lw=2, ec="#d62728"))
    ax.figure.colorbar(image, ax=ax, label=cbar_label, shrink=0.8)
    ax.set_title(title, fontsize=9)
    return ax


def plot_topic_words(ax, words: list[str], weights: list[float], *, title: str = ""):
    """One topic's top words as bars of their probability in the topic."""
    return plot_bars(ax, words, weights, xlabel="weight in topic", title=title)


def plot_theme_scores(ax, table: pd.DataFrame, *, metric: str = "auc", chance: float | None = 0.5):
    """Per theme, each model's score with its interval (columns ``theme, model, <metric>_mean,
    <metric>_ci_low, <metric>_ci_high``): a point-range plot, models offset within a theme. With a
    ``<metric>_null_95`` column, the permutation null's 95th percentile is drawn as a dash beside
    each point: a score below its dash is no better than matching shuffled labels."""
    themes = list(dict.fromkeys(table["theme"]))
    models = list(dict.fromkeys(table["model"]))
    width = 0.8 / max(len(models), 1)
    styles = model_styles(models)
    for m, model in enumerate(models):
        color, marker = styles[model]
        part = table[table["model"] == model].set_index("theme").reindex(themes)
        x = np.arange(len(themes)) - 0.4 + width * (m + 0.5)
        mean = part[f"{metric}_mean"].to_numpy(float)
        low, high = part[f"{metric}_ci_low"].to_numpy(float), part[f"{metric}_ci_high"].to_numpy(float)
        err = np.vstack([np.nan_to_num(mean - low), np.nan_to_num(high - mean)])
        ax.errorbar(x, mean, yerr=err, fmt=marker, ms=4, capsize=2, color=color, label=model)
        if f"{metric}_null_95" in part:
            # the matching null: what the best of the model's topics scores on shuffled labels
            ax.scatter(x, part[f"{metric}_null_95"].to_numpy(float), marker="_", s=60, lw=1.5, color=color)
    if f"{metric}_null_95" in table:
        ax.scatter([], [], marker="_", s=60, lw=1.5, color="black", label="null, 95th pct.")
    if chance is not None:
        ax.axhline(chance, color="grey", ls="--", lw=1)
    ax.set_xticks(range(len(themes)), themes)
    ax.set_ylabel(metric.replace("_", " "))
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), title="model", title_fontsize=7)
    return ax


def plot_k_curve(
    ax, summary: pd.DataFrame, metric: str, *, selected: dict[str, int] | None = None, title: str = ""
):
    """A metric's mean over seeds against K, one line per model, with standard-error bars;
    the chosen K of each model is ringed."""
    styles = model_styles(dict.fromkeys(summary["model"]))
    for model, part in summary.groupby("model", sort=False):
        part = part.sort_values("K")
        color, marker = styles[model]
        ax.errorbar(
            part["K"],
            part[f"{metric}_mean"],
            yerr=part[f"{metric}_se"].fillna(0),
            marker=marker,
            ms=3,
            capsize=2,
            color=color,
            label=model,
        )
        if selected and model in selected:
            row = part[part["K"] == selected[model]]
            ax.plot(row["K"], row[f"{metric}_mean"], "o", ms=10, mfc="none", color=color)
    ax.set_xlabel("K (number of topics)")
    ax.set_ylabel(metric.replace("_", " "))
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    return ax


# ------------------------------------------------------------------ figures
# Whole figures, built from the tables written beside them, so that the main job and the
# notebooks draw the same figure from the same numbers.


def coded_by(coders: str | None) -> str:
    """A title's note of who coded the labels drawn (``coded by two language-model coders``)."""
    return f" (coded by {coders})" if coders else ""


def figure_prevalence(prevalence: pd.DataFrame, *, coders: str | None = None):
    """Bar chart of ``reference/prevalence.csv`` (theme, paragraphs); ``coders`` says who coded them."""
    fig, ax = new_figure(width=5, height=3)
    plot_bars(
        ax[0, 0],
        prevalence["theme"].tolist(),
        prevalence["paragraphs"].tolist(),
        xlabel="paragraphs carrying the theme",
        title="Reference themes: prevalence" + coded_by(coders),
    )
    return fig


def figure_cooccurrence(cooccurrence: pd.DataFrame, *, coders: str | None = None):
    """Heatmap of ``reference/cooccurrence.csv`` (theme x theme counts); ``coders`` says who coded them."""
    fig, ax = new_figure(width=5.5, height=4)
    plot_heatmap(
        ax[0, 0],
        cooccurrence.set_index("theme"),
        fmt=".0f",
        title="Reference themes: paragraphs carrying both" + coded_by(coders),
        cbar_label="paragraphs",
    )
    return fig


def figure_prevalence_by_document(by_doc: pd.DataFrame, themes: list[str], *, documents=None):
    """Heatmap of the share of each document's paragraphs carrying each theme, per source
    (``reference`` and each model's decisions); columns ``source, doc_id, <themes>``. Document ids
    are shown as written (``000``); ``documents`` (every document of the corpus) names in the title
    those without a kept paragraph, which have no row."""
    doc = by_doc["doc_id"].astype(str)
    heat = by_doc.set_index(by_doc["source"] + "  " + doc)[themes]
    fig, ax = new_figure(width=6.5, height=0.22 * len(heat) + 1.5)
    absent = [str(d) for d in documents or [] if str(d) not in set(doc)]
    note = f"\n(no kept paragraph, so no row: document {', '.join(absent)})" if absent else ""
    plot_heatmap(
        ax[0, 0],
        heat,
        vmin=0,
        vmax=1,
        cbar_label="share of paragraphs",
        title="Share of each document's paragraphs carrying a theme: reference and models" + note,
    )
    return fig


def figure_k_sweep(summary: pd.DataFrame, selected: dict[str, int]):
    """Coherence (NPMI, C_V), diversity and stability against K (``model_sweep.csv``)."""
    fig, axes = new_figure(2, 2, width=9, height=6.5)
    for ax, metric in zip(
        axes.ravel(), ("coherence_npmi", "coherence_cv", "diversity", "stability"), strict=True
    ):
        plot_k_curve(ax, summary, metric, selected=selected, title=metric.replace("_", " "))
    return fig


def figure_stability(summary: pd.DataFrame, selected: dict[str, int]):
    """Stability across seeds against K."""
    fig, ax = new_figure(width=6, height=4)
    plot_k_curve(
        ax[0, 0],
        summary,
        "stability",
        selected=selected,
        title="Stability across seeds: mean matched top-word Jaccard similarity",
    )
    return fig


def figure_k_sensitivity(sensitivity: pd.DataFrame, selected: dict[str, int]):
    """Mean ROC AUC over themes against K (``k_sensitivity.csv``)."""
    fig, ax = new_figure(width=6, height=4)
    plot_k_curve(
        ax[0, 0],
        sensitivity.rename(columns={"auc_sd": "auc_se"}),
        "auc",
        selected=selected,
        title="Sensitivity to K: mean ROC AUC over themes (matched topics; bars: SD over seeds)",
    )
    ax[0, 0].axhline(0.5, color="grey", ls="--", lw=1)
    return fig


def figure_theme_scores(
    alignment: pd.DataFrame, *, models: list[str] | None = None, coders: str | None = None
):
    """Per-theme ROC AUC by model with 95% bootstrap intervals (``alignment.csv``), against the
    reference labels (``coders`` says who coded them)."""
    table = alignment if models is None else alignment[alignment["model"].isin(models)]
    fig, ax = new_figure(width=10, height=4.5)
    plot_theme_scores(ax[0, 0], table, metric="auc")
    ax[0, 0].set_title(
        "ROC AUC per theme by model against the reference" + coded_by(coders) + ": mean over seeds, "
        "95% stratified bootstrap interval;\n"
        "dash: the matching null's 95th percentile; dashed line: chance",
        fontsize=9,
    )
    return fig


def figure_association(association: pd.DataFrame, matching: dict, *, title: str):
    """Topic x theme ROC AUC with the matched cells framed."""
    outline = [(topic, theme) for theme, topic in matching.items() if topic is not None]
    fig, ax = new_figure(width=6, height=0.3 * len(association) + 1.8)
    plot_heatmap(ax[0, 0], association, vmin=0, vmax=1, outline=outline, cbar_label="ROC AUC", title=title)
    return fig


def figure_top_words(words: pd.DataFrame, *, title: str, ncols: int = 4):
    """One bar chart per topic from a long table (topic, matched_theme, rank, word, weight)."""
    topics = list(dict.fromkeys(words["topic"]))
    nrows = int(np.ceil(len(topics) / ncols))
    height = 2.1 * nrows + 0.5
    fig, axes = new_figure(nrows, ncols, width=10, height=height, layout=None)
    fig.subplots_adjust(
        left=0.1, right=0.98, bottom=0.6 / height, top=1 - 0.5 / height, wspace=0.75, hspace=0.6
    )
    for i, ax in enumerate(axes.ravel()):
        if i >= len(topics):
            ax.set_axis_off()
            continue
        part = words[words["topic"] == topics[i]].sort_values("rank")
        plot_topic_words(
            ax,
            part["word"].tolist(),
            part["weight"].tolist(),
            title=f"{topics[i]} -> {part['matched_theme'].iloc[0]}",
        )
    fig.suptitle(title, fontsize=10)
    return fig


def figure_histogram(values, *, bins: int = 20, xlabel: str = "", title: str = ""):
    """A histogram (paragraph lengths)."""
    fig, ax = new_figure(width=5, height=3)
    ax[0, 0].hist(values, bins=bins, color="#4c72b0")
    ax[0, 0].set_xlabel(xlabel)
    ax[0, 0].set_ylabel("paragraphs")
    ax[0, 0].set_title(title, fontsize=9)
    return fig


def figure_intrusion_vs_auc(table: pd.DataFrame, *, coders: str = "the coders"):
    """Word-intrusion precision (with its interval) against mean AUC for the reference, one point
    per model (columns of :func:`themes.report.prose.intrusion_beside_auc`, with ``chance``), each
    model told apart by colour and marker in a legend (no label drawn over another), the chance
    level a dashed line. ``coders`` says who answered (``two language-model coders``)."""
    fig, axes = new_figure(1, 1, width=7.5, height=4.5)
    ax = axes[0, 0]
    styles = model_styles(table["model"])
    for row in table.itertuples(index=False):
        color, marker = styles[row.model]
        x, low, high = row.word_share_correct, row.word_ci_low, row.word_ci_high
        err = [[x - low], [high - x]]
        ax.errorbar([x], [row.auc_mean], xerr=err, fmt=marker, ms=6, capsize=2, color=color, label=row.model)
    if "chance" in table and table["chance"].notna().any():
        chance = float(table["chance"].dropna().iloc[0])
        ax.axvline(chance, color="grey", ls="--", lw=1, label=f"chance ({chance:.2f})")
    ax.set_xlabel(f"word intrusion: share of answers finding the intruder ({coders})")
    ax.set_ylabel("mean ROC AUC against the reference labels")
    ax.set_xlim(0, 1.02)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), title="model", title_fontsize=7)
    return fig


def figure_convergence(trace, *, ylabel: str = "log-likelihood", title: str = ""):
    """A sampler's trace: ``trace`` is an array of (iteration, value) rows."""
    trace = np.asarray(trace, dtype=float)
    fig, axes = new_figure(1, 1, width=6.5, height=3.5)
    ax = axes[0, 0]
    ax.plot(trace[:, 0], trace[:, 1], marker="o", ms=3, color="#4c72b0")
    ax.set_xlabel("Gibbs sweep")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    return fig
