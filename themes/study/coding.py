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
import shutil
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
from ..validate.intrusion_scores import ANSWERS
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


def _collect_labels(project: Project, round_, paths, date: str) -> list[str]:
    kept = corpus.kept(build_corpus(project, write=False))["paragraph_id"].tolist()
    if kept != round_.record["paragraph_ids"]:
        raise CodingError(
            f"the study's kept paragraphs have changed since round {round_.name} was written; its labels "
            "cannot be matched to them (write a new round)."
        )
    exports = read_label_exports(round_, paths)
    human, ref = project.human, project.reference
    slots = {coder: round_.coders.index(coder) + 1 for coder in exports}
    targets = {c: (human / f"labels_coder{n}.csv", human / f"notes_coder{n}.csv") for c, n in slots.items()}
    _refuse_existing([t[0] for t in targets.values()])
    codebook = human / f"codebook_{round_.name}.md"
    lines = []
    for coder, (labels, notes) in exports.items():
        label_file, note_file = targets[coder]
        written = [label_file.relative_to(ref).as_posix(), note_file.relative_to(ref).as_posix()]
        if len(round_.coders) == 1:  # one coder's labels are the round's final labels
            written.append((human / "labels.csv").relative_to(ref).as_posix())
        instructions = [codebook.relative_to(ref).as_posix()]
        record_coder(ref, _entry(round_, coder, "coding", date, instructions, written))
        if not codebook.exists():
            shutil.copyfile(round_.folder / CODEBOOK_COPY, codebook)
        files.write_csv(label_file, labels.reset_index())
        if notes is not None:
            files.write_csv(note_file, notes)
        lines.append(
            f"wrote {coder}'s labels to {label_file} (coder{slots[coder]}) and recorded {coder} as a person"
        )
    return lines


def _collect_intrusion(project: Project, round_, paths, date: str) -> list[str]:
    exports = read_intrusion_exports(round_, paths)
    sets = pd.read_csv(round_.folder / KEY_FOLDER / "sets.csv", dtype=str).set_index("set")["model"]
    tests = intrusion_tests(project, list(sets))
    ref, lines = project.reference, []
    claimed = read_coders(ref)
    for coder, answers in exports.items():
        targets = {}
        for (letter, task), part in answers.groupby(["set", "task"], sort=True):
            test = tests[sets[letter]]
            form = pd.read_csv(test / FORM / f"{task}_intrusion.csv", dtype=str, keep_default_na=False)
            chosen = part.set_index("item_id")["answer"]
            targets[test / ANSWERS / task / f"{coder}.csv"] = form.assign(answer=form["item_id"].map(chosen))
        _refuse_existing(list(targets))
        relative = [p.relative_to(ref).as_posix() for p in targets]
        taken = [r.id for r in claimed if any(r.covers(p) for p in relative)]
        if taken:
            raise CodingError(
                f"the coder name {coder!r} is already used by {taken[0]} in coders.yml; write a round "
                "with another name."
            )
        record_coder(
            ref,
            _entry(
                round_,
                coder,
                "intrusion",
                date,
                ["the intrusion forms' items, shown by the coding app as sets"],
                relative,
            ),
        )
        for path, table in targets.items():
            files.write_csv(path, table)
        lines.append(
            f"wrote {coder}'s answers to {len(targets)} intrusion forms and recorded {coder} as a person"
        )
    return lines
