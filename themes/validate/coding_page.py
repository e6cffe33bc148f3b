"""The coding app's page: HTML, style and script of the one file a coder opens (no network, no server).

:mod:`themes.validate.coding_app` fills it with a round's items. The script is written here by
hand: the page must work from a mail attachment with nothing else installed, and no library
offers a coding form that keeps its answers in the browser and exports the package's CSV.
"""

from __future__ import annotations

STYLE = """
* { box-sizing: border-box; }
body { font-family: system-ui, sans-serif; margin: 0; color: #1d1d1d; background: #f6f6f4; }
header { position: sticky; top: 0; z-index: 2; background: #fff; border-bottom: 1px solid #ccc;
  padding: .6em 1em; display: flex; flex-wrap: wrap; gap: .6em 1.2em; align-items: center; }
header h1 { font-size: 1.1em; margin: 0; }
@media (max-width: 600px) { header { position: static; } }
#progress-text { font-variant-numeric: tabular-nums; }
progress { width: 12em; height: 1em; }
main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1em; padding: 1em; }
@media (max-width: 900px) { main { grid-template-columns: minmax(0, 1fr); } }
section.card { background: #fff; border: 1px solid #ccc; border-radius: 6px; padding: 1em 1.2em; }
#aside { max-height: calc(100vh - 6em); overflow-y: auto; position: sticky; top: 4.5em; }
@media (max-width: 900px) { #aside { max-height: none; position: static; } }
#where { color: #555; font-size: .9em; margin: 0 0 .6em; }
#text { font-family: Georgia, serif; font-size: 1.12em; line-height: 1.55; white-space: pre-wrap;
  overflow-wrap: anywhere; margin: 0 0 1em; }
#question { font-weight: 600; margin: .4em 0; }
fieldset { border: 0; padding: 0; margin: 0 0 1em; }
label.choice { display: flex; gap: .6em; align-items: flex-start; padding: .45em .6em; margin: .25em 0;
  border: 1px solid #ccc; border-radius: 5px; cursor: pointer; background: #fff; }
label.choice:hover { background: #f0f4fa; }
label.choice.on { background: #e4efff; border-color: #2c6ecb; }
label.choice input { margin-top: .2em; transform: scale(1.25); }
kbd { border: 1px solid #999; border-bottom-width: 2px; border-radius: 3px; padding: 0 .3em;
  font-size: .85em; background: #fafafa; font-family: ui-monospace, monospace; }
.definition { color: #555; font-size: .9em; display: block; }
textarea { width: 100%; min-height: 3.5em; font: inherit; }
nav { display: flex; flex-wrap: wrap; gap: .6em; margin-top: .8em; }
button { font: inherit; padding: .4em .9em; border-radius: 4px; border: 1px solid #888; background: #fff;
  cursor: pointer; }
button.primary { background: #2c6ecb; border-color: #2c6ecb; color: #fff; }
#status { min-height: 1.4em; color: #0b6b2e; margin: .4em 0 0; }
#status.warn { color: #a23a00; }
#codebook { overflow-wrap: anywhere; font-size: .92em; line-height: 1.45; }
#codebook h1 { font-size: 1.25em; } #codebook h2 { font-size: 1.1em; } #codebook h3 { font-size: 1em; }
#codebook .theme-section { border-left: 4px solid #bbb; padding: 0 .6em; margin: .6em 0; }
#codebook .theme-section.on { border-left-color: #2c6ecb; }
a.codebook-link { font-size: .85em; margin-left: auto; white-space: nowrap; }
#codebook .theme-section.on { background: #eef4ff; }
#help table { border-collapse: collapse; }
#help td { padding: .15em .6em; border-bottom: 1px solid #eee; }
.done-mark { color: #0b6b2e; font-weight: 600; }
details.export textarea { min-height: 8em; font-family: ui-monospace, monospace; font-size: .85em; }
"""

# The page's behaviour. Answers live in localStorage under a key of the round, the coder and the
# items, saved on every change and restored when the file is opened again. The export is built
# from the answers in the order of the package's files (not the coder's order).
SCRIPT = r"""
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("coding-data").textContent);
  const items = data.items, isLabels = data.kind === "labels";
  const storeKey = "themes-coding/" + data.storage_key;
  const el = id => document.getElementById(id);
  let answers = {}, position = 0, storageWorks = true;

  function load() {
    try {
      const saved = JSON.parse(window.localStorage.getItem(storeKey) || "null");
      if (saved && saved.answers) {
        answers = saved.answers;
        position = Math.min(Math.max(saved.position || 0, 0), items.length - 1);
        const n = countDone();
        if (n) status("Restored " + n + " answer" + (n === 1 ? "" : "s") + " kept in this browser.");
      }
    } catch (err) { storageWorks = false; }
    if (!storageWorks) {
      status("This browser does not keep answers for this file: export before closing it.", true);
    }
  }
  function save() {
    try {
      window.localStorage.setItem(storeKey, JSON.stringify({answers: answers, position: position}));
    } catch (err) {
      storageWorks = false;
      status("Answers could not be kept in this browser: export before closing the file.", true);
    }
  }
  function status(text, warn) {
    const s = el("status"); s.textContent = text; s.className = warn ? "warn" : "";
  }
  function countDone() { return items.filter(it => answers[it.id] && answers[it.id].done).length; }
  function answerOf(item) {
    if (!answers[item.id]) {
      answers[item.id] = isLabels ? {themes: data.themes.map(() => 0), note: "", done: false}
                                  : {choice: 0, done: false};
    }
    return answers[item.id];
  }

  function showProgress() {
    const n = countDone();
    el("progress").max = items.length; el("progress").value = n;
    el("progress-text").textContent = n + " of " + items.length + " done";
  }

  function renderChoices(item, answer) {
    const box = el("choices"); box.textContent = "";
    const options = isLabels ? data.themes.map(t => t.name) : item.options;
    options.forEach((name, i) => {
      const label = document.createElement("label"); label.className = "choice";
      const input = document.createElement("input");
      input.type = isLabels ? "checkbox" : "radio"; input.name = "choice"; input.value = String(i + 1);
      input.checked = isLabels ? answer.themes[i] === 1 : answer.choice === i + 1;
      input.addEventListener("change", () => choose(i));
      const key = document.createElement("kbd"); key.textContent = i < 9 ? String(i + 1) : "";
      const words = document.createElement("span");
      const strong = document.createElement("strong"); strong.textContent = name; words.appendChild(strong);
      if (isLabels && data.themes[i].definition) {
        const d = document.createElement("span"); d.className = "definition";
        d.textContent = data.themes[i].definition; words.appendChild(d);
      }
      label.append(input, key, words);
      if (isLabels) {
        const link = document.createElement("a"); link.className = "codebook-link";
        link.href = "#codebook-" + name; link.textContent = "in the codebook";
        label.appendChild(link);
      }
      label.classList.toggle("on", input.checked);
      box.appendChild(label);
    });
  }

  function render() {
    const item = items[position], answer = answerOf(item);
    el("where").textContent = item.where + " \u00b7 " + (position + 1) + " of " + items.length +
      (answer.done ? " \u00b7 " : "");
    if (answer.done) {
      const mark = document.createElement("span"); mark.className = "done-mark"; mark.textContent = "done";
      el("where").appendChild(mark);
    }
    el("text").textContent = item.text || "";
    el("text").hidden = !item.text;
    el("question").textContent = item.question;
    renderChoices(item, answer);
    if (isLabels) el("note").value = answer.note || "";
    if (!isLabels) el("instructions").textContent = data.instructions[item.task];
    el("prev").disabled = position === 0;
    showProgress();
    highlightCodebook(answer);
  }

  function highlightCodebook(answer) {
    if (!isLabels) return;
    document.querySelectorAll("#codebook .theme-section").forEach((s, i) => {
      s.classList.toggle("on", answer.themes[i] === 1);
    });
  }

  function choose(i) {
    const item = items[position], answer = answerOf(item);
    if (isLabels) answer.themes[i] = answer.themes[i] === 1 ? 0 : 1;
    else answer.choice = i + 1;
    save(); render();
  }

  function next() {
    const item = items[position], answer = answerOf(item);
    if (!isLabels && !answer.choice) {
      status("Choose an answer first (keys 1 to " + item.options.length + ").", true);
      return;
    }
    if (isLabels) answer.note = el("note").value;
    answer.done = true;
    const open = items.findIndex((it, i) => i > position && !(answers[it.id] && answers[it.id].done));
    const firstOpen = items.findIndex(it => !(answers[it.id] && answers[it.id].done));
    position = open >= 0 ? open : (firstOpen >= 0 ? firstOpen : Math.min(position + 1, items.length - 1));
    save(); render();
    status(countDone() === items.length ? "All done: export your answers and send the file." : "Saved.");
  }
  function prev() {
    if (isLabels) { answerOf(items[position]).note = el("note").value; save(); }
    if (position > 0) { position -= 1; save(); render(); status(""); }
  }

  function csvCell(value) {
    const text = String(value);
    return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }
  function exportRows() {
    const byId = {}; items.forEach(it => { byId[it.id] = it; });
    const done = data.export_order.filter(id => answers[id] && answers[id].done);
    let rows;
    if (isLabels) {
      rows = [["paragraph_id"].concat(data.themes.map(t => t.name))].concat(
        done.map(id => [byId[id].key].concat(answers[id].themes)));
    } else {
      rows = [["set", "task", "item_id", "answer"]].concat(
        done.map(id => [byId[id].set, byId[id].task, byId[id].key, answers[id].choice]));
    }
    return {text: rows.map(r => r.map(csvCell).join(",")).join("\n") + "\n", n: done.length};
  }
  function notesText() {
    const byId = {}; items.forEach(it => { byId[it.id] = it; });
    const rows = [["paragraph_id", "note"]].concat(data.export_order
      .filter(id => answers[id] && (answers[id].note || "").trim())
      .map(id => [byId[id].key, answers[id].note.trim()]));
    return rows.map(r => r.map(csvCell).join(",")).join("\n") + "\n";
  }
  function download(name, text) {
    const url = URL.createObjectURL(new Blob([text], {type: "text/csv;charset=utf-8"}));
    const a = document.createElement("a"); a.href = url; a.download = name;
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
  function exportAnswers() {
    if (isLabels) { answerOf(items[position]).note = el("note").value; save(); }
    const out = exportRows();
    el("export-text").value = out.text;
    download(data.export_name, out.text);
    const left = items.length - out.n;
    status(left ? "Exported " + out.n + " answers to " + data.export_name + "; " + left +
                  " are not done yet, and the file will be refused until they are."
                : "Exported all " + out.n + " answers to " + data.export_name + ".", left > 0);
  }
  function exportNotes() {
    const text = notesText();
    el("export-text").value = text;
    download(data.notes_name, text);
    status("Exported the notes to " + data.notes_name + ".");
  }

  document.addEventListener("keydown", ev => {
    const tag = ev.target ? ev.target.tagName : "";
    const typing = tag === "TEXTAREA" || (tag === "INPUT" && ev.target.type === "text");
    if (typing) {
      if (ev.key === "Escape") ev.target.blur();
      else if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); next(); }
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const n = Number(ev.key);
    const count = isLabels ? data.themes.length : items[position].options.length;
    if (Number.isInteger(n) && n >= 1 && n <= Math.min(count, 9)) { ev.preventDefault(); choose(n - 1); }
    else if (ev.key === "Enter" || ev.key === "ArrowRight") { ev.preventDefault(); next(); }
    else if (ev.key === "ArrowLeft" || ev.key === "Backspace") { ev.preventDefault(); prev(); }
    else if (isLabels && ev.key === "c") { ev.preventDefault(); el("note").focus(); }
    else if (ev.key === "?") { el("help").open = !el("help").open; }
  });
  el("next").addEventListener("click", next);
  el("prev").addEventListener("click", prev);
  el("export").addEventListener("click", exportAnswers);
  if (isLabels) {
    el("export-notes").addEventListener("click", exportNotes);
    el("note").addEventListener("input", () => {
      answerOf(items[position]).note = el("note").value; save();
    });
  }
  load(); render();
  document.body.dataset.ready = "true";
})();
"""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@@TITLE@@</title>
<style>@@STYLE@@</style>
</head>
<body>
<header>
<h1>@@TITLE@@</h1>
<span>coder: <b id="coder">@@CODER@@</b></span>
<progress id="progress" value="0" max="1"></progress><span id="progress-text"></span>
<button type="button" id="export" class="primary">Export answers</button>
@@NOTES_BUTTON@@
</header>
<main>
<section class="card" id="item">
<p id="where"></p>
<p id="text"></p>
<p id="question"></p>
<fieldset id="choices"></fieldset>
@@NOTE_FIELD@@
<nav>
<button type="button" id="prev">&larr; Previous</button>
<button type="button" id="next" class="primary">Save and next &rarr;</button>
</nav>
<p id="status" role="status" aria-live="polite"></p>
<details id="help"><summary>Keys and how your answers are kept</summary>
<table>
<tr><td><kbd>1</kbd> &hellip; <kbd>9</kbd></td><td>@@KEY_HELP@@</td></tr>
<tr><td><kbd>Enter</kbd> or <kbd>&rarr;</kbd></td><td>save this one and go to the next not yet done</td></tr>
<tr><td><kbd>&larr;</kbd></td><td>back to the previous one</td></tr>
@@NOTE_HELP@@
<tr><td><kbd>?</kbd></td><td>show or hide this help</td></tr>
</table>
<p>Your answers are kept in this browser as you make them: close the file and open it again in the
same browser to go on. Nothing is sent anywhere. When you are done, press <b>Export answers</b> and
send the downloaded file <code>@@EXPORT_NAME@@</code> back.</p>
</details>
<details class="export"><summary>The exported text (if the download is blocked, copy it from here)</summary>
<textarea id="export-text" readonly></textarea>
</details>
</section>
<section class="card" id="aside">
@@ASIDE@@
</section>
</main>
<noscript><p>This page needs JavaScript: open it in a web browser (Firefox, Chrome, Edge,
Safari).</p></noscript>
<script type="application/json" id="coding-data">@@DATA@@</script>
<script>@@SCRIPT@@</script>
</body>
</html>
"""
