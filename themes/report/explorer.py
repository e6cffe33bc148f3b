"""A topic explorer per fitted model: one HTML page that opens without a network.

:func:`write_explorer` writes the intertopic map (with a size legend; a hovered term's spread over
the topics), each topic's terms ranked by relevance with a lambda slider (Sievert & Shirley 2014),
the corpus's most salient terms before a topic is chosen, example paragraphs and, with reference
labels, the themes. The page's HTML and script are in :mod:`themes.report.explorer_page`.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from string import Template

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import files
from ..comparison.compare import Comparison, compare
from ..comparison.theme_table import Inference
from ..errors import ThemesError
from ..models.base import rank_descending
from ..models.topic_model import TopicModel
from .explorer_page import GLUE_JS, PAGE, STYLE
from .relevance import (
    intertopic_map,
    log_terms,
    relevant_words,
    salient_term_indices,
    term_candidates,
    term_marginal,
    term_topics,
    topic_prevalence,
)

SHARED_PLOTLY = "plotly.min.js"
"""The file name of plotly.js beside explorers written with ``plotly_js="shared"``."""
PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "showLink": False,
    "modeBarButtonsToRemove": ["sendDataToCloud", "editInChartStudio", "lasso2d", "select2d"],
}
"""Plotly's settings: no logo, no button that offers to upload a chart to a cloud service."""
GREY, RED, BLUE = "#9aa5b1", "#d62728", "#1f77b4"
MIN_DIAMETER, MAX_DIAMETER = 10, 64
"""The map's circles: the largest topic's diameter in pixels, and the smallest drawn."""


# ------------------------------------------------------------------ the overlay


def theme_overlay(
    model: TopicModel, labels: pd.DataFrame | None, comparison: Comparison | None
) -> tuple[pd.DataFrame | None, dict[str, str | None], pd.DataFrame | None]:
    """The topics x themes AUC, each topic's matched theme (or None), and the labels by id."""
    if labels is not None:
        if "paragraph_id" in labels.columns:
            labels = labels.set_index("paragraph_id")
        labels = labels.set_axis(labels.index.astype(str))
        if comparison is None:
            comparison = compare(model, labels, inference=Inference(n_boot=0, n_perm=0))
    if comparison is None:
        return None, dict.fromkeys(model.topic_names), None
    matched = dict.fromkeys(model.topic_names)
    for theme, topic in zip(comparison.matching["theme"], comparison.matching["topic"], strict=True):
        if isinstance(topic, str) and topic in matched:
            matched[topic] = theme
    return comparison.association.loc[list(model.topic_names)], matched, labels


# ------------------------------------------------------------------ the page


def plotly_text(text) -> str:
    """Text Plotly shows as written: it reads ``<b>``, ``<br>`` and a few other tags in its strings."""
    return html.escape(str(text), quote=False)


def marker_diameter(share: np.ndarray, top: float) -> np.ndarray:
    """A circle's diameter in pixels: area proportional to the share (the page's ``diameter``)."""
    return np.maximum(MIN_DIAMETER, MAX_DIAMETER * np.sqrt(np.asarray(share) / top))


def legend_shares(top: float) -> list[float]:
    """Three round shares for the map's size legend, the largest at most the largest topic's."""
    steps = [s for s in (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5) if s <= top] or [round(top, 3)]
    return steps[-3:]


def _map_figure(model, places, matched, top) -> dict:
    share = places["prevalence"].to_numpy()
    hover = [
        f"{plotly_text(name)}<br>mean share of the paragraphs: {share[i]:.1%}<br>top words: "
        f"{plotly_text(' '.join(top[i][:6]))}"
        + (f"<br>matched theme: {plotly_text(matched[name])}" if matched[name] else "")
        for i, name in enumerate(model.topic_names)
    ]
    fig = go.Figure(
        go.Scatter(
            x=places["x"].round(6).tolist(),
            y=places["y"].round(6).tolist(),
            mode="markers+text",
            text=[str(i + 1) for i in range(model.k)],
            customdata=list(range(model.k)),
            hovertext=hover,
            hoverinfo="text",
            marker={
                "size": marker_diameter(share, max(share.max(), 1e-12)).round(2).tolist(),
                "color": BLUE,
                "opacity": 0.6,
                "line": {"width": 1},
            },
        )
    )
    axis = {"zeroline": True, "showticklabels": False, "title": None, "showgrid": False}
    fig.update_layout(
        template="plotly_white",
        height=440,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis=axis,
        yaxis={**axis, "scaleanchor": "x"},
        showlegend=False,
    )
    return json.loads(fig.to_json())


def _bar_figure() -> dict:
    # empty bars: the page's script fills them for the chosen topic and lambda
    fig = go.Figure(
        [
            go.Bar(x=[], y=[], orientation="h", marker_color=GREY, hoverinfo="text"),
            go.Bar(x=[], y=[], orientation="h", marker_color=RED, hoverinfo="text"),
        ]
    )
    fig.update_layout(
        template="plotly_white",
        barmode="overlay",
        margin={"l": 10, "r": 10, "t": 30, "b": 30},  # the tool bar sits above the first bar
        yaxis={"autorange": "reversed", "automargin": True, "dtick": 1},
        showlegend=False,
    )
    return json.loads(fig.to_json())


def _auc_table(name: str, assoc: pd.DataFrame, theme: str | None) -> str:
    head = "".join(f"<th>{html.escape(str(t))}</th>" for t in assoc.columns)
    cells = "".join(
        f"<td{' class=matched' if t == theme else ''}>{'–' if np.isnan(v) else f'{v:.2f}'}</td>"
        for t, v in assoc.loc[name].items()
    )
    table = f'<table class="auc"><tr><th></th>{head}</tr><tr><th>ROC AUC</th>{cells}</tr></table>'
    return f'<div class="scroll">{table}</div>'


def _label_cell(pid: str, labels: pd.DataFrame, theme: str | None) -> str:
    if pid not in labels.index:
        return "<td class=muted>not labelled</td>"
    yes = [t for t, v in labels.loc[pid].items() if v == 1]
    marked = [f"<mark>{html.escape(t)}</mark>" if t == theme else html.escape(t) for t in yes]
    return f"<td>{', '.join(marked) or '<span class=muted>none</span>'}</td>"


def _panel(model, i, *, texts, assoc, matched, labels, n_examples) -> str:
    name, shares = model.topic_names[i], model.doc_topic[:, i]
    theme = matched[name]
    parts = [f"<h2>{html.escape(name)} <small>mean share {shares.mean():.1%}</small></h2>"]
    if assoc is not None:
        found = (
            f'<b class="theme">{html.escape(theme)}</b> (ROC AUC {assoc.at[name, theme]:.2f})'
            if theme
            else '<b class="theme">none</b> (no theme is matched to this topic)'
        )
        parts.append(f"<p>Matched theme: {found}</p>{_auc_table(name, assoc, theme)}")
    head = ["#", "paragraph", "document", "share"] + (["reference labels"] if labels is not None else [])
    head += ["text"] if texts is not None else []
    rows = []
    for rank, j in enumerate(rank_descending(shares)[:n_examples], start=1):
        pid = model.paragraph_ids[j]
        doc = model.document_ids[j] if model.document_ids is not None else "–"
        cells = f"<td>{rank}</td><td>{html.escape(pid)}</td><td>{html.escape(str(doc))}</td>"
        cells += f"<td>{shares[j]:.3f}</td>"
        cells += _label_cell(pid, labels, theme) if labels is not None else ""
        if texts is not None:
            cells += f'<td class="text">{html.escape(str(texts.get(pid, "")))}</td>'
        rows.append(f"<tr>{cells}</tr>")
    th = "".join(f"<th>{h}</th>" for h in head)
    parts.append("<h3>Example paragraphs (largest share)</h3>")
    parts.append(f'<div class="scroll"><table class="examples"><tr>{th}</tr>{"".join(rows)}</table></div>')
    return f'<section class="topic-panel" id="panel-{i}" hidden>{"".join(parts)}</section>'


def write_explorer(
    model: TopicModel,
    path: str | Path,
    *,
    texts: pd.Series | pd.DataFrame | None = None,
    labels: pd.DataFrame | None = None,
    comparison: Comparison | None = None,
    n_terms: int = 30,
    n_examples: int = 5,
    lambda_: float = 0.6,
    plotly_js: str = "inline",
) -> Path:
    """Write a fitted model's topic explorer: one HTML file.

    With ``plotly_js="inline"`` (the default) every script is in the page, which then opens
    anywhere on its own (to mail it, say). With ``"shared"`` the page loads ``plotly.min.js`` from
    its folder; copied alone, it says so on the page and still shows the topics' terms (as a
    table) and example paragraphs.

    Parameters
    ----------
    model : TopicModel
    path : str or Path
        The ``.html`` file to write (atomically); the same inputs give the same bytes.
    texts : pandas.Series or pandas.DataFrame, optional
        Paragraph text indexed by paragraph id (or a table with ``paragraph_id`` and ``text``),
        shown beside the example paragraphs.
    labels : pandas.DataFrame, optional
        Reference labels, paragraphs x themes (0/1), indexed by paragraph id: adds the theme overlay
        (computed with :func:`themes.comparison.compare.compare` unless ``comparison`` is given) and each
        example paragraph's labels.
    comparison : Comparison, optional
        The model's comparison with the labels, if already computed (or without labels at hand).
    n_terms : int, default 30
        Terms listed per topic.
    n_examples : int, default 5
        Example paragraphs per topic: those with the largest share of it.
    lambda_ : float, default 0.6
        The slider's starting value; Sievert & Shirley (2014) found 0.6 best for interpretation.
    plotly_js : {"inline", "shared"}, default "inline"
        Inline plotly.js (one file that opens anywhere) or load it from ``plotly.min.js``
        written beside the page (several explorers in one folder then share its 4.6 MB).

    Returns
    -------
    Path
        ``path``.

    References
    ----------
    Sievert, C. & Shirley, K. (2014). LDAvis: A method for visualizing and interpreting topics.
    Workshop on Interactive Language Learning, Visualization, and Interfaces, 63-70.
    Chuang, J., Manning, C. D. & Heer, J. (2012). Termite: visualization techniques for assessing
    textual topic models. Advanced Visual Interfaces, 74-77.

    Examples
    --------
    >>> write_explorer(model, "explorer.html", texts=texts, labels=labels)  # doctest: +SKIP
    """
    for what, value in (("n_terms", n_terms), ("n_examples", n_examples)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ThemesError(f"{what} must be a whole number of at least 1 (got {value!r}).")
    if plotly_js not in ("inline", "shared"):
        raise ThemesError(f"plotly_js must be 'inline' or 'shared' (got {plotly_js!r}).")
    if not 0.0 <= lambda_ <= 1.0:
        raise ThemesError(f"lambda_ must lie between 0 and 1 (got {lambda_!r}).")
    if isinstance(texts, pd.DataFrame):
        texts = texts.set_index("paragraph_id")["text"]
    if texts is not None:
        texts = texts.set_axis(texts.index.astype(str))
    assoc, matched, labels = theme_overlay(model, labels, comparison)
    prevalence, marginal = topic_prevalence(model), term_marginal(model)
    phi, (log_p, log_lift), given = model.topic_term, log_terms(model), term_topics(model)
    candidates, salient = term_candidates(model, n_terms), salient_term_indices(model, n_terms)

    def term(j: int, i: int | None = None) -> dict:
        row = {"j": int(j), "w": model.words[j], "t": model.vocabulary[j], "pw": float(marginal[j])}
        if i is not None:
            row |= {
                "lp": float(log_p[i, j]),
                "ll": float(log_lift[i, j]),
                "pt": float(prevalence[i] * phi[i, j]),
            }
        return row

    shown = sorted({*salient, *(j for row in candidates for j in row)})
    top_share = float(max(prevalence.max(), 1e-12))
    data = {
        "names": list(model.topic_names),
        "terms": [[term(j, i) for j in row] for i, row in enumerate(candidates)],
        "salient": [term(j) for j in salient],
        "words": {str(j): model.words[j] for j in shown},
        "dist": {str(j): [round(float(p), 4) for p in given[:, j]] for j in shown},
        "n_terms": int(n_terms),
        "prevalence": [float(p) for p in prevalence],
        "top_share": top_share,
        "legend": legend_shares(top_share),
        "min_d": MIN_DIAMETER,
        "max_d": MAX_DIAMETER,
        "red": RED,
        "blue": BLUE,
        "term_hint": "Hover over a term to see how its weight spreads over the topics.",
        "map": _map_figure(model, intertopic_map(model), matched, relevant_words(model, 1.0, 10)),
        "bars": _bar_figure(),
        "config": PLOTLY_CONFIG,
    }
    buttons = "".join(
        f'<button type="button" class="topic" data-topic="{i}" aria-pressed="false">{i + 1}. '
        f"{html.escape(name)}</button>"
        for i, name in enumerate(model.topic_names)
    )
    panels = "\n".join(
        _panel(model, i, texts=texts, assoc=assoc, matched=matched, labels=labels, n_examples=n_examples)
        for i in range(model.k)
    )
    if plotly_js == "inline":
        from plotly.offline import get_plotlyjs

        script = f"<script>{get_plotlyjs()}</script>"
    else:
        script = f'<script src="{SHARED_PLOTLY}"></script>'
    page = PAGE.substitute(
        title=html.escape(model.name),
        summary=html.escape(repr(model)),
        style=Template(STYLE).substitute(red=RED),
        plotly=script,
        plotly_file=SHARED_PLOTLY,
        grey=GREY,
        red=RED,
        buttons=buttons,
        lambda_=f"{lambda_:.2f}",
        overlay=" and how they match the themes" if assoc is not None else "",
        panels=panels,
        data=files.safe_json(data),
        glue=GLUE_JS,
    )
    if plotly_js == "shared":
        from plotly.offline import get_plotlyjs

        shared = Path(path).parent / SHARED_PLOTLY
        if not shared.exists():
            files.write_text(shared, get_plotlyjs())
    return files.write_text(path, page)
