"""The topic explorer's page: its HTML, style and the script that makes it respond.

:mod:`themes.report.explorer` fills it. Plotly draws the two charts; the script here decides
what they show. It is written by hand because no library offers this page behaviour for a static
file (pyLDAvis's page loads D3 and its own script from a CDN): choosing a topic, re-ranking its
terms as the slider moves, a term's spread over the topics on hover, and the page without Plotly.
"""

from __future__ import annotations

from string import Template

STYLE = """
* { box-sizing: border-box; }
body { font-family: system-ui, sans-serif; margin: 1em; color: #222; overflow-wrap: break-word; }
h1 { font-size: 1.4em; } h2 { font-size: 1.2em; } h3 { font-size: 1.05em; margin: .4em 0; }
.grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1.5em; }
@media (max-width: 1000px) { .grid { grid-template-columns: minmax(0, 1fr); } }
button.topic { margin: 0 .3em .3em 0; border: 1px solid #888; background: #fff; border-radius: 3px;
  font: inherit; padding: .15em .5em; cursor: pointer; }
button.topic[aria-pressed="true"] { background: $red; border-color: $red; color: #fff; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: .5em 0 1em; }
th, td { border: 1px solid #ccc; padding: .25em .5em; text-align: left; vertical-align: top; }
td.matched, mark { background: #ffe08a; font-weight: bold; }
th { white-space: nowrap; }
td.text { min-width: 14em; max-width: 60em; overflow-wrap: anywhere; }
.muted, small { color: #666; }
.swatch { display: inline-block; width: .9em; height: .9em; vertical-align: middle; margin: 0 .25em; }
#no-plotly { border: 2px solid $red; padding: .6em .8em; background: #fff4f4; }
#term-info { min-height: 2.6em; }
#lambda { width: min(100%, 24em); vertical-align: middle; }
#size-legend svg { display: block; max-width: 100%; }
"""

GLUE_JS = r"""
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("explorer-data").textContent);
  const map = document.getElementById("topic-map"), bars = document.getElementById("topic-terms");
  const slider = document.getElementById("lambda"), shown = document.getElementById("lambda-value");
  const title = document.getElementById("terms-title"), info = document.getElementById("term-info");
  const buttons = Array.from(document.querySelectorAll("button.topic"));
  const drawn = typeof window.Plotly !== "undefined";
  let current = -1;  // -1: the corpus's most salient terms, before any topic is chosen

  // Plotly reads a few HTML tags in its text; names and words are shown as they are written
  const plain = s => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const pct = p => (100 * p).toFixed(p < 0.1 ? 1 : 0) + "%";
  const num = v => v.toPrecision(3);
  const diameter = (p, top) => Math.max(data.min_d, data.max_d * Math.sqrt(p / top));

  function ranked(topic, lam) {
    const rows = data.terms[topic].map(r => ({r: r, rel: lam * r.lp + (1 - lam) * r.ll}));
    rows.sort((a, b) => b.rel - a.rel);  // stable: ties keep vocabulary order
    return rows.slice(0, data.n_terms).map(x => x.r);
  }
  function rowsShown() { return current < 0 ? data.salient : ranked(current, parseFloat(slider.value)); }

  function drawBars() {
    const lam = parseFloat(slider.value), rows = rowsShown(), words = rows.map(r => r.w);
    shown.textContent = lam.toFixed(2);
    slider.disabled = current < 0;
    title.textContent = current < 0
      ? "The " + rows.length + " most salient terms of the corpus (choose a topic to rank its terms)"
      : "Most relevant terms of " + data.names[current] + " (\u03bb = " + lam.toFixed(2) + ")";
    const overall = rows.map(r => plain(r.w) + "<br>overall weight p(w): " + num(r.pw) +
      (r.t !== r.w ? "<br>term: " + plain(r.t) : ""));
    const inTopic = rows.map(r => current < 0 ? "" : plain(r.w) + "<br>weight in " +
      plain(data.names[current]) + ", p(t) p(w|t): " + num(r.pt) + "<br>" + pct(r.pt / r.pw) +
      " of the term's overall weight is in this topic");
    if (drawn) {
      Plotly.react(bars, [
        Object.assign({}, data.bars.data[0],
                      {x: rows.map(r => r.pw), y: words, customdata: rows.map(r => r.j), hovertext: overall}),
        Object.assign({}, data.bars.data[1],
                      {x: current < 0 ? [] : rows.map(r => r.pt), y: current < 0 ? [] : words,
                       customdata: rows.map(r => r.j), hovertext: inTopic})
      ], Object.assign({}, data.bars.layout, {height: 60 + 20 * rows.length}), data.config);
    }
    const table = document.getElementById("terms-table");
    table.textContent = "";
    rows.forEach(r => {
      const tr = table.insertRow();
      [r.w, num(r.pw), current < 0 ? "" : num(r.pt), current < 0 ? "" : pct(r.pt / r.pw)]
        .forEach(v => { tr.insertCell().textContent = v; });
    });
  }

  function legend(values, top, caption) {
    const svg = document.getElementById("size-legend-svg"), ns = "http://www.w3.org/2000/svg";
    svg.textContent = "";
    let x = 4;
    const tallest = diameter(values[values.length - 1], top);
    values.forEach(v => {
      const d = diameter(v, top), c = document.createElementNS(ns, "circle");
      c.setAttribute("cx", x + d / 2); c.setAttribute("cy", 4 + tallest - d / 2);
      c.setAttribute("r", d / 2);
      c.setAttribute("fill", "none"); c.setAttribute("stroke", "#555");
      const t = document.createElementNS(ns, "text");
      t.setAttribute("x", x + d / 2); t.setAttribute("y", tallest + 20);
      t.setAttribute("text-anchor", "middle");
      t.setAttribute("font-size", "12"); t.textContent = pct(v);
      svg.append(c, t); x += Math.max(d, 40) + 14;
    });
    svg.setAttribute("width", x); svg.setAttribute("height", tallest + 26);
    document.getElementById("size-legend-caption").textContent = caption;
  }
  const topicCaption = "Circle area: the topic's mean share of the paragraphs (the smallest drawn " +
    data.min_d + " px wide).";
  function topicSizes() {
    const sizes = data.prevalence.map(p => diameter(p, data.top_share));
    if (drawn) Plotly.restyle(map, {"marker.size": [sizes]}, [0]);
    legend(data.legend, data.top_share, topicCaption);
  }

  function showTerm(j) {
    const dist = data.dist[j];
    if (!dist) return;
    const word = data.words[j];
    if (drawn) Plotly.restyle(map, {"marker.size": [dist.map(p => diameter(p, 1))]}, [0]);
    legend([0.1, 0.5, 1], 1, "Circle area: the share of \u201c" + word + "\u201d's weight in each topic.");
    const order = dist.map((p, i) => [p, i]).sort((a, b) => b[0] - a[0]).filter(x => x[0] >= 0.005);
    info.textContent = "\u201c" + word + "\u201d: " +
      order.slice(0, 4).map(x => pct(x[0]) + " in " + data.names[x[1]]).join(", ") +
      (order.length > 4 ? ", \u2026" : "") + " (its overall weight split over the topics)";
  }
  function hideTerm() { topicSizes(); info.textContent = data.term_hint; }

  function select(topic) {
    current = topic;
    document.querySelectorAll(".topic-panel").forEach((p, i) => { p.hidden = i !== topic; });
    document.getElementById("overview-panel").hidden = topic >= 0;
    buttons.forEach(b => b.setAttribute("aria-pressed", String(Number(b.dataset.topic) === topic)));
    if (drawn) {
      const colors = data.names.map((_, i) => i === topic ? data.red : data.blue);
      Plotly.restyle(map, {"marker.color": [colors]}, [0]);
    }
    drawBars();
  }

  if (drawn) {
    Plotly.newPlot(map, data.map.data, data.map.layout, data.config);
    Plotly.newPlot(bars, data.bars.data, data.bars.layout, data.config);
    map.on("plotly_click", ev => select(ev.points[0].customdata));
    bars.on("plotly_hover", ev => showTerm(ev.points[0].customdata));
    bars.on("plotly_unhover", hideTerm);
    document.getElementById("terms-table-box").hidden = true;
  } else {
    document.getElementById("no-plotly").hidden = false;
    document.getElementById("map-box").hidden = true;
    document.getElementById("bar-colours").hidden = true;
  }
  buttons.forEach(b => b.addEventListener("click", () => select(Number(b.dataset.topic))));
  slider.addEventListener("input", drawBars);
  hideTerm();
  select(current);
  document.body.dataset.ready = "true";
})();
"""

PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Topic explorer: $title</title>
<style>$style</style>
$plotly
</head>
<body>
<h1>Topic explorer: $title</h1>
<p class="muted">$summary</p>
<p>Circles are topics: their area is the topic's mean share of the paragraphs, the distance between
two circles the Jensen-Shannon distance between their word distributions. Click a circle or a
button to choose a topic; hover over a term to see how its weight spreads over the topics. Terms
are ranked by relevance, &lambda; log p(w|t) + (1 &minus; &lambda;) log(p(w|t)/p(w)) (Sievert &amp;
Shirley 2014): &lambda; = 1 ranks by probability in the topic, &lambda; = 0 by how specific a term
is to it. Before a topic is chosen, the terms shown are the corpus's most salient (Chuang, Manning
&amp; Heer 2012): frequent, and concentrated in few topics.</p>
<div id="no-plotly" hidden role="alert"><b>The charts are missing:</b> this page draws them with
<code>$plotly_file</code>, which was not found beside it (a page copied on its own loses it). Put
<code>$plotly_file</code> from the page's original folder next to it, or write a page that carries
everything itself with <code>write_explorer(..., plotly_js="inline")</code>. The topics, their terms
and their example paragraphs below work without it.</div>
<div id="topic-buttons"><button type="button" class="topic" data-topic="-1"
aria-pressed="true">Overview</button>$buttons</div>
<div class="grid">
<div id="map-box">
<h3>Intertopic distance map</h3>
<div id="topic-map"></div>
<div id="size-legend"><svg id="size-legend-svg" role="img" aria-label="circle sizes"></svg>
<small id="size-legend-caption"></small></div>
<p id="term-info" class="muted"></p>
</div>
<div>
<h3 id="terms-title">Terms</h3>
<label for="lambda">&lambda; = <span id="lambda-value">$lambda_</span></label>
<input type="range" id="lambda" min="0" max="1" step="0.01" value="$lambda_">
<p class="muted" id="bar-colours"><span class="swatch" style="background:$grey"></span>a term's overall
weight p(w);
<span class="swatch" style="background:$red"></span>its weight in the chosen topic, p(t) p(w|t).</p>
<div id="topic-terms"></div>
<div id="terms-table-box" class="scroll"><table><thead><tr><th>term</th><th>overall weight</th>
<th>weight in topic</th><th>share in topic</th></tr></thead><tbody id="terms-table"></tbody></table></div>
</div>
</div>
<section id="overview-panel"><p class="muted">Choose a topic to see its example
paragraphs$overlay.</p></section>
$panels
<script type="application/json" id="explorer-data">$data</script>
<script>$glue</script>
</body>
</html>
""")
