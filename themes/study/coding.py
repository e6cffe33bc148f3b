"""Coding rounds by people in a study: ``themes code create`` and ``themes code collect``.

A labelling round codes the study's kept paragraphs against its codebook; its labels are collected
into ``data/reference/human/`` (``labels_coder1.csv``, ``labels_coder2.csv``), where ``themes
reference`` measures agreement and, once disagreements are settled, writes ``human/labels.csv``,
the study's reference from then on. An intrusion round puts the study's intrusion tests before
coders blind; their answers go to each test's ``answers/``. Every coder is recorded in
``data/reference/coders.yml`` as a person.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from .. import corpus, files, reference
from ..reference.coders import PERSON, read_coders, record_coder
from ..reference.labels import read_utf8
from ..validate.coding_app import (
    KEY_FOLDER,
    CodingError,
    check_coder_names,
    read_intrusion_exports,
    read_label_exports,
    read_round,
    write_intrusion_round,
    write_label_round,
)
from ..validate.intrusion import FORM, META
from ..validate.study_intrusion import ANSWERS
from .inputs import build_corpus
from .project import Project

CODEBOOK_COPY = "codebook.md"
"""The codebook as the coders saw it, kept in the round's folder and copied beside their labels."""


def create_label_round(
    project: Project,
    *,
    coders,
    seed: int,
    round_name: str | None = None,
    out: Path | None = None,
    models=None,
) -> list[Path]:
    """Write a labelling round of the study's kept paragraphs (default folder ``coding/<round>``).

    One or two coders: two code every paragraph independently (double coding) and ``themes
    reference`` sets their disagreements before an adjudicator. ``round_name`` defaults to
    ``human1``; ``models`` must be None (it chooses the tests of an intrusion round).
    """
    if models:
        raise CodingError("--models chooses the tests of an intrusion round; give it with --intrusion.")
    round_name = round_name or "human1"
    names = check_coder_names(coders)
    if len(names) > 2:
        raise CodingError(
            f"a labelling round takes one or two coders (got {len(names)}); double coding needs two."
        )
    kept = corpus.kept(build_corpus(project, write=False))
    themes = reference.read_themes(project.codebook)
    definitions = dict(reference.codebook_definitions(project.codebook).itertuples(index=False))
    text = read_utf8(project.codebook)
    folder = out or project.root / "coding" / round_name
    pages = write_label_round(
        folder,
        kept,
        themes=themes,
        definitions=definitions,
        codebook=text,
        coders=names,
        seed=seed,
        round_name=round_name,
    )
    files.write_text(folder / CODEBOOK_COPY, text)
    return pages


def intrusion_tests(project: Project, models=None) -> dict[str, Path]:
    """The study's intrusion tests (``data/reference/intrusion/<model>``), all or the named ones."""
    folder = project.reference / "intrusion"
    tests = {p.parent.name: p.parent for p in sorted(folder.glob(f"*/{META}"))}
    if models:
        unknown = [m for m in models if m not in tests]
        if unknown:
            raise CodingError(
                f"there is no intrusion test of {', '.join(unknown)} in {folder}; write it with "
                "themes intrusion create --model MODEL."
            )
        tests = {m: tests[m] for m in models}
    return tests


def create_intrusion_round(
    project: Project,
    *,
    coders,
    seed: int,
    round_name: str | None = None,
    models=None,
    out: Path | None = None,
) -> list[Path]:
    """Write a blind intrusion round of the study's intrusion tests (default folder ``coding/<round>``,
    ``round_name`` default ``intrusion_human1``)."""
    round_name = round_name or "intrusion_human1"
    folder = out or project.root / "coding" / round_name
    return write_intrusion_round(
        folder, intrusion_tests(project, models), coders=coders, seed=seed, round_name=round_name
    )


def _refuse_existing(paths: list[Path]) -> None:
    there = [p for p in paths if p.exists()]
    if there:
        raise CodingError(
            f"{there[0]} already exists: that coder's answers are collected; remove it to collect again."
        )


def collect_round(project: Project, folder: str | Path, paths, *, date: str | None = None) -> list[str]:
    """Check the coders' exported files of a round, write their answers and record them as people.

    Returns what was written, one line each.
    """
    round_ = read_round(folder)
    date = date or dt.date.today().isoformat()
    if round_.kind == "labels":
        return _collect_labels(project, round_, paths, date)
    return _collect_intrusion(project, round_, paths, date)


def _entry(round_, coder: str, role: str, date: str, instructions: list[str], written: list[str]) -> dict:
    return {
        "id": f"{round_.name}_{coder}",
        "name": coder,
        "kind": PERSON,
        "role": role,
        "round": round_.name,
        "date": date,
        "instructions": instructions,
        "files": written,
        "notes": f"coded with the coding app of themes code create (round {round_.name}, seed {round_.seed}, "
        "items in the coder's own random order); date: when the answers were collected",
    }


def _refuse_recorded(project: Project, entries: list[dict]) -> None:
    """Refuse before writing anything a coder id already in ``coders.yml`` or a file another coder made."""
    records = read_coders(project.reference)
    for entry in entries:
        for r in records:
            if r.id == entry["id"] or any(r.covers(f) for f in entry["files"]):
                raise CodingError(
                    f"{entry['name']}'s answers of round {entry['round']} would be claimed by {r.id} in "
                    "coders.yml too; collect into a new round (or another coder name)."
                )


def _collect_labels(project: Project, round_, paths, date: str) -> list[str]:
    kept = corpus.kept(build_corpus(project, write=False))["paragraph_id"].tolist()
    if kept != round_.record["paragraph_ids"]:
        raise CodingError(
            f"the study's kept paragraphs have changed since round {round_.name} was written; its labels "
            "cannot be matched to them (write a new round)."
        )
    exports = read_label_exports(round_, paths)
    human, ref = project.human, project.reference
    codebook = human / f"codebook_{round_.name}.md"
    writes, entries, lines = {}, [], []
    for coder, (labels, notes) in exports.items():
        n = round_.coders.index(coder) + 1
        label_file, note_file = human / f"labels_coder{n}.csv", human / f"notes_coder{n}.csv"
        writes[label_file] = labels.reset_index()
        if notes is not None:
            writes[note_file] = notes
        made = [label_file, note_file] + [human / "labels.csv"] * (len(round_.coders) == 1)
        relative = [p.relative_to(ref).as_posix() for p in made]  # one coder's labels are the round's
        entries.append(
            _entry(round_, coder, "coding", date, [codebook.relative_to(ref).as_posix()], relative)
        )
        lines.append(f"wrote {coder}'s labels to {label_file} (coder{n}) and recorded {coder} as a person")
    _refuse_existing(list(writes))
    _refuse_recorded(project, entries)
    if not codebook.exists():
        files.write_text(codebook, read_utf8(round_.folder / CODEBOOK_COPY))
    for path, table in writes.items():
        files.write_csv(path, table)
    for entry in entries:
        record_coder(ref, entry)
    return lines


def _collect_intrusion(project: Project, round_, paths, date: str) -> list[str]:
    exports = read_intrusion_exports(round_, paths)
    sets = pd.read_csv(round_.folder / KEY_FOLDER / "sets.csv", dtype=str).set_index("set")["model"]
    tests = intrusion_tests(project, list(sets))
    ref, writes, entries, lines = project.reference, {}, [], []
    for coder, answers in exports.items():
        mine = {}
        for (letter, task), part in answers.groupby(["set", "task"], sort=True):
            test = tests[sets[letter]]
            form = pd.read_csv(test / FORM / f"{task}_intrusion.csv", dtype=str, keep_default_na=False)
            chosen = part.set_index("item_id")["answer"]
            mine[test / ANSWERS / task / f"{coder}.csv"] = form.assign(answer=form["item_id"].map(chosen))
        relative = [p.relative_to(ref).as_posix() for p in mine]
        shown = ["the intrusion forms' items, shown by the coding app as sets named by letters"]
        entries.append(_entry(round_, coder, "intrusion", date, shown, relative))
        writes |= mine
        lines.append(
            f"wrote {coder}'s answers to {len(mine)} intrusion forms and recorded {coder} as a person"
        )
    _refuse_existing(list(writes))
    _refuse_recorded(project, entries)
    for path, table in writes.items():
        files.write_csv(path, table)
    for entry in entries:
        record_coder(ref, entry)
    return lines
