"""A round of people's labels beside the language-model ones (no browser): settled, it becomes the
study's reference, and the earlier codings are set beside it theme by theme."""

from __future__ import annotations

import pandas as pd
import pytest

from themes.cli import main
from themes.reference.coders import record_coder
from themes.study.inputs import load_study
from themes.study.outputs import replaced_codings, write_reference_tables

pytestmark = pytest.mark.slow  # reads the corpus and vectorizes it several times

FLIPS_1 = [("000-p003", "morale"), ("001-p010", "theology")]
"""Where the first person departs from the language-model reference."""
FLIPS_2 = [*FLIPS_1, ("004-p013", "finance")]
"""The second person departs in one more place, so the two people disagree there only."""


def person(folder, n: int, flips, reference):
    """Write ``human/labels_coder<n>.csv``: the language-model labels with ``flips`` turned over."""
    labels = pd.read_csv(reference / "labels.csv", dtype={"paragraph_id": str}).set_index("paragraph_id")
    for pid, theme in flips:
        labels.at[pid, theme] = 1 - labels.at[pid, theme]
    folder.mkdir(exist_ok=True)
    labels.reset_index().to_csv(folder / f"labels_coder{n}.csv", index=False)
    entry = dict(
        id=f"human1_p{n}", name=f"p{n}", kind="person", role="coding", round="human1", date="2026-12-01"
    )
    record_coder(reference, entry | dict(instructions=["codebook.md"], files=[f"human/labels_coder{n}.csv"]))
    return labels


def test_people_labels_settled_become_the_reference_beside_the_language_model_ones(project_copy, capsys):
    ref, root = project_copy.reference, str(project_copy.root)
    first = person(project_copy.human, 1, FLIPS_1, ref)
    person(project_copy.human, 2, FLIPS_2, ref)
    assert load_study(project_copy).labels.equals(  # not settled yet: the first coding is the reference
        pd.read_csv(ref / "labels.csv", dtype={"paragraph_id": str}).set_index("paragraph_id")
    )
    assert main(["--root", root, "reference"]) == 0
    out = capsys.readouterr().out
    assert "data/reference/human: 50 kept paragraphs" in out and "coded by two people" in out
    assert "coded by two language-model coders" in out
    log = pd.read_csv(project_copy.human / "adjudication.csv", dtype=str, keep_default_na=False)
    assert log[["paragraph_id", "theme"]].values.tolist() == [["004-p013", "finance"]]
    log["final"], log["reason"] = log["coder1"], "the codebook's exclude list"
    log.to_csv(project_copy.human / "adjudication.csv", index=False)
    assert main(["--root", root, "reference"]) == 0  # settled, but nobody has signed it off
    assert "--adjudicator" in capsys.readouterr().out and not (project_copy.human / "labels.csv").exists()
    assert main(["--root", root, "reference", "--adjudicator", "p3"]) == 0

    study = load_study(project_copy)
    assert study.labels.equals(first)  # the people's settled labels
    named = replaced_codings(study)
    assert set(named) == {
        f"{f} (language model)" for f in ("labels.csv", "labels_coder1.csv", "labels_coder2.csv")
    }
    write_reference_tables(
        project_copy.root / "out",
        study.labels,
        study.kept.set_index("paragraph_id")["doc_id"],
        replaced=named,
    )
    table = pd.read_csv(project_copy.root / "out" / "reference" / "codings_vs_reference.csv")
    final = table[table["coding"] == "labels.csv (language model)"].set_index("theme")
    assert final["disagreements"].to_dict() == {
        "morale": 1,
        "theology": 1,
        "territory": 0,
        "finance": 0,
        "sleeper_cells": 0,
    }
    assert (
        final.at["territory", "krippendorff_alpha"] == 1.0 and final.at["morale", "krippendorff_alpha"] < 1.0
    )
