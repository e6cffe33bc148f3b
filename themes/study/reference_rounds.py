"""What ``themes reference`` does with a study's coding rounds: coders recorded, agreement, the
disagreements to settle, the final labels.

A round is ``data/reference`` (the study's first coding) or ``data/reference/human`` (people's,
from ``themes code collect``). With two codings and no final labels yet, the disagreements are
written to the round's ``adjudication.csv`` for an adjudicator to settle (``final``, ``reason``);
``themes reference --adjudicator NAME`` then records them and writes the round's ``labels.csv``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import files
from ..errors import LabelError
from ..reference.agreement import ADJUDICATION_COLUMNS, agreement_table, check_adjudication
from ..reference.coders import (
    PERSON,
    CoderRecord,
    coder_of,
    describe_coders,
    read_coders,
    record_coder,
    require_recorded,
)
from ..reference.labels import ID, load_labels
from .project import Project


@dataclass
class RoundReport:
    """What one round holds after ``themes reference``: its agreement and what is left to do."""

    folder: Path
    labels: pd.DataFrame | None = None
    agreement: pd.DataFrame | None = None
    lines: list[str] = field(default_factory=list)
    heading: str = ""

    def text(self) -> str:
        """What ``themes reference`` prints for the round."""
        out = [self.heading]
        if self.agreement is not None:
            out.append(self.agreement.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
            out.append(f"wrote {self.folder / 'agreement.csv'}")
        return "\n".join(out + self.lines)


def round_folders(project: Project) -> list[Path]:
    """The rounds of a study that hold labels or codings: ``data/reference``, then ``human/``."""
    found = []
    for folder in (project.reference, project.human):
        if (folder / "labels.csv").is_file() or any(p.is_file() for p in project.codings(folder)):
            found.append(folder)
    return found


def disagreements(coder1: pd.DataFrame, coder2: pd.DataFrame) -> pd.DataFrame:
    """Every (paragraph, theme) the two codings decide differently: the adjudication log to fill in."""
    rows = [
        {ID: pid, "theme": theme, "coder1": int(coder1.at[pid, theme]), "coder2": int(coder2.at[pid, theme])}
        for pid in coder1.index
        for theme in coder1.columns
        if coder1.at[pid, theme] != coder2.at[pid, theme]
    ]
    return pd.DataFrame(rows, columns=[ID, "theme", "coder1", "coder2"]).assign(final="", reason="")


def settled_labels(coder1: pd.DataFrame, coder2: pd.DataFrame, log: Path) -> pd.DataFrame | None:
    """The final labels from two codings and a filled-in log; None while a disagreement is unsettled."""
    table = pd.read_csv(log, dtype=str, keep_default_na=False)
    missing = [c for c in ADJUDICATION_COLUMNS if c not in table.columns]
    if missing:
        raise LabelError(f"{log} lacks the column(s) {', '.join(missing)}.")
    open_rows = table[~table["final"].str.strip().isin(["0", "1"]) | (table["reason"].str.strip() == "")]
    if len(open_rows) or len(table) < len(disagreements(coder1, coder2)):
        return None
    final = coder1.copy()
    for row in table.itertuples(index=False):
        if row.paragraph_id in final.index and row.theme in final.columns:
            final.at[row.paragraph_id, row.theme] = int(row.final)
    return final


def settle_round(
    project: Project, folder: Path, *, themes, ids, adjudicator: str | None, date: str
) -> RoundReport:
    """Agreement of a round's codings, its adjudication checked or started, its final labels."""
    report, ref = RoundReport(folder), project.reference
    present = [p for p in project.codings(folder) if p.is_file()]
    codings = [load_labels(p, themes=themes, paragraph_ids=ids) for p in present]
    final, log = folder / "labels.csv", folder / "adjudication.csv"
    where = folder.relative_to(project.root).as_posix()
    who = describe_coders([coder_of(ref, p) for p in present]) if present else "final labels only"
    report.heading = f"{where}: {len(ids)} kept paragraphs, themes {', '.join(themes)}; coded by {who}"
    if final.is_file():
        report.labels = load_labels(final, themes=themes, paragraph_ids=ids)
        if len(codings) == 2:
            check_adjudication(*codings, report.labels, log)
    if len(codings) == 2:  # written once the labels and the log are checked
        report.agreement = agreement_table(*codings)
        files.write_csv(folder / "agreement.csv", report.agreement)
    if final.is_file():
        return report
    if len(codings) == 1:
        coder_of(ref, final)  # the one coder's record must name the final labels too
        report.labels = codings[0]
        files.write_csv(final, codings[0].reset_index())
        report.lines.append(f"{where}: one coding, written as the round's labels.csv")
    elif len(codings) == 2:
        report.labels = _adjudicate(project, folder, codings, adjudicator, date, report)
    return report


def _adjudicate(project, folder, codings, adjudicator, date, report) -> pd.DataFrame | None:
    """Start the log, say what is left, or (with an adjudicator) record them and write the labels."""
    final, log = folder / "labels.csv", folder / "adjudication.csv"
    to_settle = disagreements(*codings)
    if not log.is_file():
        files.write_csv(log, to_settle)
        report.lines.append(
            f"wrote the {len(to_settle)} disagreement(s) to {log}: settle each (final 0 or 1 and a reason), "
            "then run themes reference --adjudicator NAME"
        )
        return None
    labels = settled_labels(*codings, log)
    if labels is None:
        report.lines.append(
            f"{log} still has disagreements without a final value and a reason; settle them all"
        )
        return None
    if adjudicator is None:
        report.lines.append(
            f"every disagreement in {log} is settled: run themes reference --adjudicator NAME"
        )
        return None
    ref = project.reference
    relative = [p.relative_to(ref).as_posix() for p in (log, final)]
    if not any(r.covers(relative[0]) for r in read_coders(ref)):
        coders = [coder_of(ref, p) for p in project.codings(folder)]
        entry = {
            "id": f"{coders[0].round}_adjudicator",
            "name": adjudicator,
            "kind": PERSON,
            "role": "adjudication",
            "round": coders[0].round,
            "date": date,
            "instructions": list(coders[0].instructions),
            "files": relative,
            "notes": "settled the two coders' disagreements (adjudication.csv); labels.csv is the codings "
            "where they agree and the adjudicator's decision where they do not",
        }
        record_coder(ref, entry)
    check_adjudication(*codings, labels, log)
    files.write_csv(final, labels.reset_index())
    report.lines.append(f"wrote the settled labels to {final}")
    return labels


def check_reference(
    project: Project, *, themes, ids, adjudicator: str | None = None, date: str | None = None
) -> list[RoundReport]:
    """``themes reference``: every file of labels and answers names its coder, then each round settled.

    ``themes`` are the codebook's, ``ids`` the kept paragraphs' (a :class:`~themes.study.Study`'s).

    Raises
    ------
    LabelError
        When a file of labels or answers names no coder in ``coders.yml``, a file is invalid, or
        the study has neither labels nor codings.
    """
    folders = round_folders(project)
    unsettled = [f / "adjudication.csv" for f in folders if not (f / "labels.csv").is_file()]
    require_recorded(
        project.reference, pending=[p.relative_to(project.reference).as_posix() for p in unsettled]
    )
    if not folders:
        raise LabelError(
            f"the label file {project.labels} does not exist and there is no coding to build it from; "
            "code the paragraphs first (themes code create)."
        )
    date = date or dt.date.today().isoformat()
    return [
        settle_round(project, f, themes=themes, ids=ids, adjudicator=adjudicator, date=date) for f in folders
    ]


def reference_coders(project: Project) -> list[CoderRecord]:
    """Who coded the study's reference labels (its codings, or the labels file itself), from
    ``coders.yml``; the files no entry names are left out."""
    ref, found = project.reference, {}
    for path in [p for p in project.codings() if p.is_file()] or [project.labels]:
        records = [r for r in read_coders(ref) if r.covers(path.relative_to(ref).as_posix())]
        found |= {r.id: r for r in records[:1]}
    return list(found.values())


def intrusion_coders(project: Project) -> list[CoderRecord]:
    """Who answered the study's intrusion tests (``data/reference/intrusion/*/answers``), from
    ``coders.yml``."""
    ref = project.reference
    answers = [p.relative_to(ref).as_posix() for p in ref.glob("intrusion/*/answers/*/*.csv")]
    return [r for r in read_coders(ref) if any(r.covers(a) for a in answers)]
