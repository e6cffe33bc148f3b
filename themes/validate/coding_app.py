"""An offline coding app for people: one HTML file per coder, and what they export read back.

:func:`write_label_round` writes, for each coder, one self-contained page that shows the codebook
beside one paragraph at a time (in a per-coder random order drawn from a seed), a checkbox per theme
and a note, keeps the answers in the browser and exports the labels CSV the package reads.
:func:`write_intrusion_round` does the same for word- and topic-intrusion tests, blind: the pages
and their folder name no model, the sets' key is written apart. :func:`read_label_exports` and
:func:`read_intrusion_exports` check the exported files (complete, one coder each, the right items).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import string
from dataclasses import dataclass
from pathlib import Path

import mistune
import numpy as np
import pandas as pd

from .. import files
from ..errors import ThemesError
from ..reference.labels import ID, load_labels, misnamed_and_repeated, read_utf8
from .coding_page import PAGE, SCRIPT, STYLE
from .intrusion import FORM, INSTRUCTIONS, TASKS

ROUND_FILE = "round.json"
"""The round's record beside the coders' pages: kind, coders, seed, items (never a model name)."""
CODERS_FOLDER = "coders"
"""The folder of the pages handed to coders, one ``<coder>.html`` each."""
KEY_FOLDER = "key"
"""Intrusion rounds only: ``key/sets.csv`` says which set is which model; coders never see it."""
CODER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")
EXPORT = re.compile(r"^(labels|notes|intrusion)_(.+?)(?: \(\d+\))?\.csv$")
"""An exported file's name (a browser adds `` (1)`` to a second download of the same name)."""
QUESTIONS = {
    "labels": "Which themes does this paragraph carry? Tick each one present; none is an answer too.",
    "word": "Which word does not belong with the others?",
    "topic": "Which group of words does not fit this paragraph?",
}


class CodingError(ThemesError, ValueError):
    """A coding round cannot be written, or a coder's exported file is not the round's."""


@dataclass(frozen=True)
class CodingRound:
    """A round as ``round.json`` records it (see :func:`read_round`)."""

    folder: Path
    kind: str
    name: str
    coders: tuple[str, ...]
    seed: int
    record: dict


def check_coder_names(names) -> list[str]:
    """Coder names as given (``alice,bob``): letters, digits, ``_`` and ``-``, each once."""
    names = [n.strip() for n in (names.split(",") if isinstance(names, str) else names) if n.strip()]
    bad, twice = misnamed_and_repeated(names, CODER_NAME)
    if bad:
        raise CodingError(
            f"coder name(s) {', '.join(map(repr, bad))} must start with a letter and hold only letters, "
            "digits, '_' or '-' (they name the coders' files)."
        )
    if twice or not names:
        raise CodingError(
            f"give each coder once (got {', '.join(names) or 'none'}), e.g. --coders alice,bob."
        )
    return names


def coder_order(n_items: int, *, seed: int, coder_index: int) -> np.ndarray:
    """The order in which one coder sees the items: a permutation drawn from ``(seed, coder_index)``."""
    return np.random.default_rng([seed, coder_index]).permutation(n_items)


def _new_folder(folder: Path) -> None:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise CodingError(f"{folder} already exists; choose a new folder for the coding round.")


def _page(data: dict, *, title: str, aside: str) -> str:
    """The page for one coder: every script and style inline, the data as JSON."""
    labels = data["kind"] == "labels"
    key_help = "tick or untick the theme of that number" if labels else "choose the answer of that number"
    parts = {
        "@@TITLE@@": html.escape(title),
        "@@CODER@@": html.escape(data["coder"]),
        "@@EXPORT_NAME@@": html.escape(data["export_name"]),
        "@@KEY_HELP@@": key_help,
        "@@NOTES_BUTTON@@": '<button type="button" id="export-notes">Export notes</button>' if labels else "",
        "@@NOTE_FIELD@@": '<label for="note">Note (why, or what was unsure; optional)</label>'
        '<textarea id="note"></textarea>'
        if labels
        else "",
        "@@NOTE_HELP@@": "<tr><td><kbd>c</kbd></td><td>write a note (<kbd>Esc</kbd> leaves it, "
        "<kbd>Ctrl</kbd>+<kbd>Enter</kbd> saves and goes on)</td></tr>"
        if labels
        else "",
        "@@ASIDE@@": aside,
        "@@STYLE@@": STYLE,
        "@@DATA@@": files.safe_json(data),
        "@@SCRIPT@@": SCRIPT,
    }
    page = PAGE
    for marker, value in parts.items():
        page = page.replace(marker, value)
    return page


def _storage_key(round_name: str, coder: str, items) -> str:
    digest = hashlib.sha256(json.dumps(items, sort_keys=True).encode("utf-8")).hexdigest()[:16]
    return f"{round_name}/{coder}/{digest}"


def codebook_html(text: str, themes: list[str]) -> str:
    """The codebook as the page shows it: its Markdown as HTML (mistune, raw HTML escaped), each
    theme's section in a box the page marks while the theme is ticked."""
    render = mistune.create_markdown(escape=True)
    starts = [(m.start(), m.group(1).strip()) for m in re.finditer(r"^### (.+)$", text, flags=re.M)]
    ends = [m.start() for m in re.finditer(r"^##? ", text, flags=re.M)]
    blocks, last = [], 0
    for start, name in starts:
        if name not in themes:
            continue
        end = min([e for e in ends if e > start] + [len(text)])
        blocks.append(render(text[last:start]))
        blocks.append(
            f'<div class="theme-section" id="codebook-{html.escape(name)}">{render(text[start:end])}</div>'
        )
        last = end
    blocks.append(render(text[last:]))
    return f'<div id="codebook">{"".join(blocks)}</div>'


def write_label_round(
    folder: str | Path,
    paragraphs: pd.DataFrame,
    *,
    themes: list[str],
    definitions: dict[str, str],
    codebook: str,
    coders,
    seed: int,
    round_name: str,
) -> list[Path]:
    """Write a labelling round: ``coders/<coder>.html`` per coder and ``round.json``.

    Parameters
    ----------
    folder : path
        A new (or empty) folder.
    paragraphs : pandas.DataFrame
        The paragraphs to code, in the order of the label files (``paragraph_id``, ``doc_id``, ``text``).
    themes : list of str
        The codebook's themes; ``definitions`` maps each to its one-paragraph definition.
    codebook : str
        The codebook's text, shown beside the paragraphs.
    coders : list of str or str
        The coders' names (``alice,bob``); each gets the paragraphs in their own order.
    seed : int
        Draws every coder's order (:func:`coder_order`): the same seed gives the same pages.
    round_name : str
        The round's name (``human1``), recorded with the labels.

    Returns
    -------
    list of Path
        The coders' pages, in the order of ``coders``.
    """
    folder, coders = Path(folder), check_coder_names(coders)
    _new_folder(folder)
    ids = paragraphs["paragraph_id"].astype(str).tolist()
    items = [
        {
            "id": pid,
            "key": pid,
            "where": f"Paragraph {pid} \u00b7 document {doc}",
            "text": str(text),
            "question": QUESTIONS["labels"],
        }
        for pid, doc, text in zip(ids, paragraphs["doc_id"].astype(str), paragraphs["text"], strict=True)
    ]
    theme_rows = [{"name": t, "definition": definitions.get(t, "")} for t in themes]
    written = []
    for index, coder in enumerate(coders):
        order = coder_order(len(items), seed=seed, coder_index=index)
        data = {
            "kind": "labels",
            "coder": coder,
            "themes": theme_rows,
            "items": [items[i] for i in order],
            "export_order": ids,
            "export_name": f"labels_{coder}.csv",
            "notes_name": f"notes_{coder}.csv",
            "storage_key": _storage_key(round_name, coder, [items, theme_rows]),
        }
        page = _page(data, title=f"Coding round {round_name}", aside=codebook_html(codebook, themes))
        written.append(files.write_text(folder / CODERS_FOLDER / f"{coder}.html", page))
    record = {"kind": "labels", "round": round_name, "coders": coders, "seed": seed, "themes": themes}
    record |= {"paragraph_ids": ids, "codebook_sha256": hashlib.sha256(codebook.encode("utf-8")).hexdigest()}
    files.write_json(folder / ROUND_FILE, record)
    return written


def write_intrusion_round(
    folder: str | Path, tests: dict[str, Path], *, coders, seed: int, round_name: str
) -> list[Path]:
    """Write a blind intrusion round over several models' tests: a page per coder, ``round.json``
    and ``key/sets.csv``.

    ``tests`` maps each model's name to the folder of its intrusion test
    (:func:`themes.validate.intrusion.write_intrusion_test`). The models become sets A, B, ... in
    an order drawn from ``seed``; pages and ``round.json`` name only the sets, ``key/sets.csv``
    (kept from the coders) the model of each. Every coder answers every item of both tasks, in
    their own order.
    """
    folder, coders = Path(folder), check_coder_names(coders)
    _new_folder(folder)
    if not tests:
        raise CodingError(
            "there is no intrusion test to put in the round; write one with themes intrusion create."
        )
    if len(tests) > len(string.ascii_uppercase):
        raise CodingError(f"a round holds at most 26 tests (got {len(tests)}); split them into rounds.")
    models = sorted(tests)
    shuffled = [models[i] for i in np.random.default_rng(seed).permutation(len(models))]
    sets = dict(zip(string.ascii_uppercase, shuffled, strict=False))
    items = []
    for letter, model in sets.items():
        for task in TASKS:
            form = pd.read_csv(
                Path(tests[model]) / FORM / f"{task}_intrusion.csv", dtype=str, keep_default_na=False
            )
            options = [c for c in form.columns if c.startswith("option_")]
            for row in form.to_dict("records"):
                items.append(
                    {
                        "id": f"{letter}-{row['item_id']}",
                        "key": row["item_id"],
                        "set": letter,
                        "task": task,
                        "where": f"Set {letter} \u00b7 {task} intrusion \u00b7 item {row['item_id']}",
                        "text": row.get("text", ""),
                        "options": [row[c] for c in options],
                        "question": QUESTIONS[task],
                    }
                )
    aside = '<h2>What to do</h2><p id="instructions"></p>'
    written = []
    for index, coder in enumerate(coders):
        order = coder_order(len(items), seed=seed, coder_index=index)
        data = {
            "kind": "intrusion",
            "coder": coder,
            "items": [items[i] for i in order],
            "export_order": [it["id"] for it in items],
            "export_name": f"intrusion_{coder}.csv",
            "instructions": {task: _page_instructions(task) for task in TASKS},
            "storage_key": _storage_key(round_name, coder, items),
        }
        page = _page(data, title=f"Intrusion tests, round {round_name}", aside=aside)
        written.append(files.write_text(folder / CODERS_FOLDER / f"{coder}.html", page))
    listed = [{"set": it["set"], "task": it["task"], "item_id": it["key"]} for it in items]
    files.write_json(
        folder / ROUND_FILE,
        {"kind": "intrusion", "round": round_name, "coders": coders, "seed": seed, "items": listed},
    )
    files.write_csv(
        folder / KEY_FOLDER / "sets.csv", pd.DataFrame({"set": list(sets), "model": list(sets.values())})
    )
    return written


def _page_instructions(task: str) -> str:
    """The form's instruction, said for the page (answers are clicked, not written in a CSV)."""
    text = INSTRUCTIONS[task].split(";")[0]
    return text + "; choose the one that does not (keys 1 to 9), then press Enter for the next item."


def read_round(folder: str | Path) -> CodingRound:
    """A round written by :func:`write_label_round` or :func:`write_intrusion_round`."""
    folder = Path(folder)
    path = folder / ROUND_FILE
    if not path.is_file():
        raise CodingError(
            f"{folder} holds no coding round (no {ROUND_FILE}); give the folder themes code create wrote."
        )
    record = json.loads(read_utf8(path))
    return CodingRound(
        folder, record["kind"], record["round"], tuple(record["coders"]), int(record["seed"]), record
    )


def _coder_of_export(path: Path, round_: CodingRound, kinds: tuple[str, ...]) -> tuple[str, str]:
    """(kind, coder) from an exported file's name, checked against the round."""
    found = EXPORT.match(path.name)
    if not found or found.group(1) not in kinds:
        expected = " or ".join(f"{k}_<coder>.csv" for k in kinds)
        raise CodingError(
            f"{path} is not a file the coding app exports ({expected}); give the coder's exported file."
        )
    kind, coder = found.groups()
    if coder not in round_.coders:
        raise CodingError(
            f"{path} is from coder {coder!r}, who is not in round {round_.name} "
            f"({', '.join(round_.coders)}); give that round's files."
        )
    return kind, coder


def _one_each(paths, round_: CodingRound, kinds: tuple[str, ...]) -> dict[tuple[str, str], Path]:
    """Exported files by (kind, coder); one sentence when a coder sent two of a kind, or none at all."""
    found: dict[tuple[str, str], Path] = {}
    for path in map(Path, paths):
        if not path.is_file():
            raise CodingError(f"{path} does not exist; give the path of a coder's exported file.")
        key = _coder_of_export(path, round_, kinds)
        if key in found:
            raise CodingError(
                f"{found[key]} and {path} are both {key[1]}'s {key[0]}; give one file per coder."
            )
        found[key] = path
    if not any(kind == kinds[0] for kind, _ in found):
        raise CodingError(f"no {kinds[0]}_<coder>.csv file was given; give the coders' exported answers.")
    return found


def read_label_exports(round_: CodingRound, paths) -> dict[str, tuple[pd.DataFrame, pd.DataFrame | None]]:
    """Each coder's labels (and notes, when given), checked: complete, the round's paragraphs and themes.

    Returns
    -------
    dict
        Coder name -> (labels indexed by paragraph id in the round's order, notes or None).
    """
    if round_.kind != "labels":
        raise CodingError(
            f"{round_.folder} is an intrusion round; collect label files from a labelling round."
        )
    found = _one_each(paths, round_, ("labels", "notes"))
    themes, ids = round_.record["themes"], round_.record["paragraph_ids"]
    out = {}
    for (kind, coder), path in found.items():
        if kind != "labels":
            continue
        labels = load_labels(path, themes=themes, paragraph_ids=ids)
        notes = None
        if ("notes", coder) in found:
            notes = pd.read_csv(found["notes", coder], dtype=str, keep_default_na=False)
            if list(notes.columns) != [ID, "note"] or not set(notes[ID]) <= set(ids):
                raise CodingError(f"{found['notes', coder]} is not a notes file of this round ({ID}, note).")
        out[coder] = (labels, notes)
    return out


def read_intrusion_exports(round_: CodingRound, paths) -> dict[str, pd.DataFrame]:
    """Each coder's intrusion answers (``set, task, item_id, answer``), checked: every item of the
    round answered once with the number of one of its options."""
    if round_.kind != "intrusion":
        raise CodingError(
            f"{round_.folder} is a labelling round; collect intrusion files from an intrusion round."
        )
    expected = pd.DataFrame(round_.record["items"])
    out = {}
    for (_, coder), path in _one_each(paths, round_, ("intrusion",)).items():
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        if list(table.columns) != ["set", "task", "item_id", "answer"]:
            raise CodingError(
                f"{path} is not an intrusion export (set, task, item_id, answer); give the app's file."
            )
        keys = list(zip(table["set"], table["task"], table["item_id"], strict=True))
        known = set(zip(expected["set"], expected["task"], expected["item_id"], strict=True))
        unknown = [k for k in keys if k not in known]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        missing = [k for k in sorted(known) if k not in set(keys)]
        bad = [k for k, a in zip(keys, table["answer"], strict=True) if not a.isdigit() or int(a) < 1]
        for problem, which in (
            ("is not in this round", unknown),
            ("is answered twice", twice),
            ("is not answered", missing),
            ("has no option number", bad),
        ):
            if which:
                where = "/".join(which[0])
                raise CodingError(
                    f"{path}: item {where} {problem} ({len(which)} such); the coder must finish and "
                    "export again."
                )
        out[coder] = table.astype({"answer": int})
    return out
