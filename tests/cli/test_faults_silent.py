"""Silent changes: input that used to be read as something else, and results changed after the run.

Seed words are lists of words (a string is not spelled out into letters, null is not the word
"none"); ``themes verify`` checks the sha256 the manifest records of every input and output, so a
number changed by hand in a committed table, or a manifest changed after the run, is DRIFT with
the file named, and a moved number is named with its row and its old and new values.
"""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from fault_cases import make_project, refused, write
from helpers import ROOT

from themes import files
from themes.verify import file_tiers, signed
from themes.verify import verdict as verify

SEEDS = ROOT / "data" / "reference" / "seed_words.yml"


def _seed_file(replace_morale: str) -> str:
    """The study's seed words with the morale entry replaced."""
    lines = SEEDS.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("morale:"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i] and not lines[i].startswith((" ", "-")))
    return "\n".join([*lines[:start], replace_morale, *lines[end:]]) + "\n"


SEED_WORDS = {
    "one string": ("morale: fear", ["morale holds 'fear'", "not a list of words"]),
    "null": ("morale: null", ["morale holds null"]),
    "true": ("morale: true", ["morale holds True"]),
    "a number": ("morale: 42", ["morale holds 42"]),
    "a mapping": ("morale: {fear: 1}", ["not a list of words"]),
    "a list holding null": ("morale: [fear, null]", ["the item null"]),
    "a list holding true": ("morale: [fear, true]", ["the item True"]),
    "a list holding a number": ("morale: [fear, 7]", ["the item 7"]),
    "a list holding a list": ("morale: [fear, [a, b]]", ["the item ['a', 'b']"]),
    "a list holding an empty word": ("morale: [fear, '  ']", ["the item '  '"]),
}


@pytest.mark.parametrize("case", list(SEED_WORDS))
def test_seed_words_that_are_not_lists_of_words_are_refused(case, tmp_path, capsys):
    root = make_project(tmp_path / "project", models=())
    entry, needles = SEED_WORDS[case]
    write(root / "data/reference/seed_words.yml", _seed_file(entry))
    refused(["--root", root, "reference"], capsys, *needles, "seed_words.yml", unchanged=root)


def test_a_themes_key_that_is_not_text_is_refused(tmp_path, capsys):
    root = make_project(tmp_path / "project", models=())
    write(root / "data/reference/seed_words.yml", SEEDS.read_text(encoding="utf-8") + "1: [one]\n")
    refused(["--root", root, "reference"], capsys, "unknown theme(s) 1", unchanged=root)


# ---------------------------------------------------------------------- verify


@pytest.fixture(scope="module")
def committed(tmp_path_factory):
    """A copy of the committed study: inputs, results and notebooks, unchanged."""
    target = tmp_path_factory.mktemp("committed") / "project"
    for part in ("data", "results", "notebooks", "study"):
        shutil.copytree(ROOT / part, target / part, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.fixture
def tampered(committed, tmp_path):
    """A second copy, to be tampered with."""
    target = tmp_path / "tampered"
    shutil.copytree(committed, target)
    return target


def _change_score(root, old="0.", new="0.7"):
    """Change one number of results/paragraph_scores.csv (the first score cell), as by hand."""
    path = root / "results" / "paragraph_scores.csv"
    table = pd.read_csv(path)
    column = table.columns[2]
    before = table.at[0, column]
    table.at[0, column] = round(1 - before, 4) if before != 0.5 else 0.25
    path.write_text(files.csv_text(table), encoding="utf-8")
    return column, before, table.at[0, column]


def test_the_committed_study_has_nothing_tampered(committed):
    assert signed.tampered_files(committed) == {}


def test_a_number_changed_in_a_committed_table_is_drift_naming_the_file(committed, tampered, findings_hold):
    _change_score(tampered)
    # the tampered copy is the committed one; the rebuild is the untouched study
    result = verify.compare_trees(tampered, committed)
    assert result.tier == "DRIFT"
    row = result.files.set_index("file").loc["results/paragraph_scores.csv"]
    assert (
        row["tier"] == "DRIFT"
        and "changed after the run" in row["detail"]
        and "MANIFEST.json" in row["detail"]
    )
    assert "results/paragraph_scores.csv" in verify.format_report(result)


def test_a_changed_input_is_drift_naming_it(committed, tampered, findings_hold):
    labels = tampered / "data" / "reference" / "labels.csv"
    labels.write_text(labels.read_text(encoding="utf-8").replace(",0\n", ",1\n", 1), encoding="utf-8")
    result = verify.compare_trees(tampered, committed)
    files_ = result.files.set_index("file")
    assert files_.at["data/reference/labels.csv", "tier"] == "DRIFT"
    assert result.tier == "DRIFT"


def test_a_manifest_setting_changed_by_hand_is_drift(committed, tampered, findings_hold):
    path = tampered / "results" / "MANIFEST.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["comparison"]["n_boot"] += 1
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    result = verify.compare_trees(tampered, committed)
    row = result.files.set_index("file").loc["results/MANIFEST.json"]
    assert row["tier"] == "DRIFT" and result.tier == "DRIFT", row["detail"]


def test_a_table_and_its_hash_changed_together_are_drift_through_the_notebooks(
    committed, tampered, findings_hold
):
    _change_score(tampered)
    path = tampered / "results" / "MANIFEST.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    rel = "results/paragraph_scores.csv"
    manifest["outputs"][rel] = files.sha256_file(tampered / rel)
    path.write_text(
        json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    problems = signed.tampered_files(tampered)
    assert (
        list(problems) == ["results/MANIFEST.json"] and "notebooks ran" in problems["results/MANIFEST.json"]
    )
    assert verify.compare_trees(tampered, committed).tier == "DRIFT"


def test_an_unreadable_manifest_is_drift(committed, tampered, findings_hold):
    (tampered / "results" / "MANIFEST.json").write_text("{not json", encoding="utf-8")
    result = verify.compare_trees(tampered, committed)
    assert result.files.set_index("file").at["results/MANIFEST.json", "tier"] == "DRIFT"


def test_a_moved_number_is_named_with_its_row_and_values(tmp_path):
    a = tmp_path / "a.csv"
    b = tmp_path / "b.csv"
    pd.DataFrame({"paragraph_id": ["x-p001", "y-p002"], "model": ["m", "m"], "morale": [0.98, 0.5]}).to_csv(
        a, index=False
    )
    pd.DataFrame({"paragraph_id": ["x-p001", "y-p002"], "model": ["m", "m"], "morale": [0.78, 0.5]}).to_csv(
        b, index=False
    )
    tier, detail = file_tiers.compare_tables(a, b)
    assert tier == "holds"
    assert "row 2 (x-p001, m): 0.98 -> 0.78" in detail, detail
