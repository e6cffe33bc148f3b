"""A topic explorer per fitted model: one self-contained HTML page that opens without a network.

:func:`write_explorer` writes the intertopic map, each topic's terms ranked by relevance with a
lambda slider (Sievert & Shirley 2014), its example paragraphs and, with hand labels, the themes.
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
from .relevance import (
    intertopic_map,
    log_terms,
    relevant_words,
    term_candidates,
    term_marginal,
    topic_prevalence,
)

SHARED_PLOTLY = "plotly.min.js"
"""The file name of plotly.js beside explorers written with ``plotly_js="shared"``."""
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
GREY, RED, BLUE = "#9aa5b1", "#d62728", "#1f77b4"


# ------------------------------------------------------------------ the numbers


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


def safe_json(data) -> str:
    """JSON that can sit inside a <script> element: no "<", ">" or "&" survives as such."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, allow_nan=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(raw, escaped)
    return text


def _map_figure(model, places, matched, top) -> go.Figure:
    share = places["prevalence"].to_numpy()
    # marker area proportional to prevalence; a floor keeps small topics clickable
    size = 14 + 56 * np.sqrt(share / share.max()) if share.max() > 0 else np.full(model.k, 20.0)
    hover = [
        f"<b>{html.escape(name)}</b><br>share {share[i]:.1%}<br>{html.escape(' '.join(top[i][:6]))}"
        + (f"<br>theme: {html.escape(matched[name])}" if matched[name] else "")
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
            marker={"size": size.round(2).tolist(), "color": BLUE, "opacity": 0.6, "line": {"width": 1}},
        )
    )
    axis = {"zeroline": True, "showticklabels": False, "title": None, "showgrid": False}
    fig.update_layout(
        title={"text": "Intertopic distance map", "x": 0.02},
        template="plotly_white",
        height=480,
        margin={"l": 20, "r": 20, "t": 50, "b": 20},
        xaxis=axis,
        yaxis={**axis, "scaleanchor": "x"},
        showlegend=False,
    )
    return fig


def _bar_figure(n_terms: int) -> go.Figure:
    # empty bars: the page's script fills them for the chosen topic and lambda
    fig = go.Figure(
        [
            go.Bar(x=[], y=[], orientation="h", name="overall weight p(w)", marker_color=GREY),
            go.Bar(x=[], y=[], orientation="h", name="in this topic p(t) p(w|t)", marker_color=RED),
        ]
    )
    fig.update_layout(
        template="plotly_white",
        barmode="overlay",
        height=110 + 18 * n_terms,
        margin={"l": 10, "r": 20, "t": 70, "b": 30},
        yaxis={"autorange": "reversed", "automargin": True, "dtick": 1},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        title={"text": "Most relevant terms", "y": 0.98, "yanchor": "top"},
    )
    return fig


def _auc_table(name: str, assoc: pd.DataFrame, theme: str | None) -> str:
    head = "".join(f"<th>{html.escape(str(t))}</th>" for t in assoc.columns)
    cells = "".join(
        f"<td{' class=matched' if t == theme else ''}>{'–' if np.isnan(v) else f'{v:.2f}'}</td>"
        for t, v in assoc.loc[name].items()
    )
    return f'<table class="auc"><tr><th></th>{head}</tr><tr><th>ROC AUC</th>{cells}</tr></table>'


def _label_cell(pid: str, labels: pd.DataFrame, theme: str | None) -> str:
    if pid not in labels.index:
        return "<td class=muted>not labelled</td>"
    yes = [t for t, v in labels.loc[pid].items() if v == 1]
    marked = [f"<mark>{html.escape(t)}</mark>" if t == theme else html.escape(t) for t in yes]
    return f"<td>{', '.join(marked) or '<span class=muted>none</span>'}</td>"


def _panel(model, i, *, texts, assoc, matched, labels, n_examples) -> str:
    name, shares = model.topic_names[i], model.doc_topic[:, i]
    theme = matched[name]
    parts = [f"<h2>{html.escape(name)} <small>share {shares.mean():.1%}</small></h2>"]
    if assoc is not None:
        found = (
            f'<b class="theme">{html.escape(theme)}</b> (ROC AUC {assoc.at[name, theme]:.2f})'
            if theme
            else '<b class="theme">none</b> (no theme is matched to this topic)'
        )
        parts.append(f"<p>Matched theme: {found}</p>{_auc_table(name, assoc, theme)}")
    head = ["#", "paragraph", "document", "share"] + (["hand labels"] if labels is not None else [])
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
    parts.append(f'<table class="examples"><tr>{th}</tr>{"".join(rows)}</table>')
    return f'<section class="topic-panel" id="panel-{i}" hidden>{"".join(parts)}</section>'


# Hand-written glue, the only script of our own: Plotly draws the map and the bars, but which
# topic is shown, re-ranking its terms as the slider moves and switching the panels is page
# behaviour that no library offers for a static file (pyLDAvis's page loads D3 and its own
# script from a CDN). Ranking uses the same formula and floats as ``relevance``.
GLUE_JS = """
(function () {
  const data = JSON.parse(document.getElementById("explorer-data").textContent);
  const map = document.getElementById("topic-map"), bars = document.getElementById("topic-terms");
  const slider = document.getElementById("lambda"), shown = document.getElementById("lambda-value");
  const buttons = Array.from(document.querySelectorAll("button.topic"));
  let current = 0;
  function ranked(topic, lam) {
    const rows = data.terms[topic].map(r => ({r: r, rel: lam * r.lp + (1 - lam) * r.ll}));
    rows.sort((a, b) => b.rel - a.rel);  // stable: ties keep vocabulary order
    return rows.slice(0, data.n_terms).map(x => x.r);
  }
  function drawBars() {
    const lam = parseFloat(slider.value), rows = ranked(current, lam), words = rows.map(r => r.w);
    shown.textContent = lam.toFixed(2);
    Plotly.react(bars, [
      Object.assign({}, bars.data[0], {x: rows.map(r => r.pw), y: words, hovertext: rows.map(r => r.t)}),
      Object.assign({}, bars.data[1], {x: rows.map(r => r.pt), y: words, hovertext: rows.map(r => r.t)})
    ], Object.assign({}, bars.layout, {title: Object.assign({}, bars.layout.title, {
      text: "Most relevant terms of " + data.names[current] + " (\u03bb = " + lam.toFixed(2) + ")"})}));
  }
  function select(topic) {
    current = topic;
    document.querySelectorAll(".topic-panel").forEach((p, i) => { p.hidden = i !== topic; });
    buttons.forEach((b, i) => b.setAttribute("aria-pressed", String(i === topic)));
    const colors = data.names.map((_, i) => i === topic ? data.red : data.blue);
    Plotly.restyle(map, {"marker.color": [colors]}, [0]);
    drawBars();
  }
  map.on("plotly_click", ev => select(ev.points[0].customdata));
  buttons.forEach((b, i) => b.addEventListener("click", () => select(i)));
  slider.addEventListener("input", drawBars);
  select(current);
})();
"""

PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Topic explorer: $title</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
.grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1.5em; }
button.topic { margin: 0 .3em .3em 0; border: 1px solid #888; background: #fff; border-radius: 3px; }
button.topic[aria-pressed="true"] { background: $red; color: #fff; }
table { border-collapse: collapse; margin: .5em 0 1em; }
th, td { border: 1px solid #ccc; padding: .25em .5em; text-align: left; vertical-align: top; }
td.matched, mark { background: #ffe08a; font-weight: bold; }
td.text { max-width: 60em; }
.muted, small { color: #777; }
</style>
</head>
<body>
<h1>Topic explorer: $title</h1>
<p class="muted">$summary</p>
<p>Circles are topics: their area is the topic's mean share of the paragraphs, the distance between
two circles the Jensen-Shannon distance between their word distributions. Click a circle or a
button to choose a topic. Terms are ranked by relevance, &lambda; log p(w|t) + (1 &minus; &lambda;)
log(p(w|t)/p(w)) (Sievert &amp; Shirley 2014): &lambda; = 1 ranks by probability in the topic,
&lambda; = 0 by how specific a term is to it.</p>
<div id="topic-buttons">$buttons</div>
<div class="grid">
<div>$map</div>
<div>
<label for="lambda">&lambda; = <span id="lambda-value">$lambda_</span></label>
<input type="range" id="lambda" min="0" max="1" step="0.01" value="$lambda_" style="width: 60%">
$bars
</div>
</div>
$panels
<script type="application/json" id="explorer-data">$data</script>
<script>$glue</script>
</body>
</html>
""")


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
    """Write a fitted model's topic explorer: one HTML file, every script inlined.

    Parameters
    ----------
    model : TopicModel
    path : str or Path
        The ``.html`` file to write (atomically); the same inputs give the same bytes.
    texts : pandas.Series or pandas.DataFrame, optional
        Paragraph text indexed by paragraph id (or a table with ``paragraph_id`` and ``text``),
        shown beside the example paragraphs.
    labels : pandas.DataFrame, optional
        Hand labels, paragraphs x themes (0/1), indexed by paragraph id: adds the theme overlay
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
    phi, (log_p, log_lift) = model.topic_term, log_terms(model)
    terms = [
        [
            {
                "w": model.words[j],
                "t": model.vocabulary[j],
                "lp": float(log_p[i, j]),
                "ll": float(log_lift[i, j]),
                "pt": float(prevalence[i] * phi[i, j]),
                "pw": float(marginal[j]),
            }
            for j in row
        ]
        for i, row in enumerate(term_candidates(model, n_terms))
    ]
    data = {
        "names": list(model.topic_names),
        "terms": terms,
        "n_terms": int(n_terms),
        "red": RED,
        "blue": BLUE,
    }
    top = relevant_words(model, 1.0, 10)
    map_html = _map_figure(model, intertopic_map(model), matched, top).to_html(
        full_html=False,
        include_plotlyjs=True if plotly_js == "inline" else SHARED_PLOTLY,
        div_id="topic-map",
        config=PLOTLY_CONFIG,
    )
    bars_html = _bar_figure(n_terms).to_html(
        full_html=False, include_plotlyjs=False, div_id="topic-terms", config=PLOTLY_CONFIG
    )
    buttons = "".join(
        f'<button type="button" class="topic" data-topic="{i}" aria-pressed="false">{i + 1}. '
        f"{html.escape(name)}</button>"
        for i, name in enumerate(model.topic_names)
    )
    panels = "\n".join(
        _panel(model, i, texts=texts, assoc=assoc, matched=matched, labels=labels, n_examples=n_examples)
        for i in range(model.k)
    )
    page = PAGE.substitute(
        title=html.escape(model.name),
        summary=html.escape(repr(model)),
        red=RED,
        buttons=buttons,
        map=map_html,
        bars=bars_html,
        lambda_=f"{lambda_:.2f}",
        panels=panels,
        data=safe_json(data),
        glue=GLUE_JS,
    )
    if plotly_js == "shared":
        from plotly.offline import get_plotlyjs

        shared = Path(path).parent / SHARED_PLOTLY
        if not shared.exists():
            files.write_text(shared, get_plotlyjs())
    return files.write_text(path, page)
