"""The reference set: codebook themes, label validation, agreement, adjudication, seed words."""

import numpy as np
import pandas as pd
import pytest

from themes import reference
from themes.cli import main
from themes.errors import LabelError

THEMES = ["morale", "theology"]
IDS = ["p1", "p2", "p3"]


def write(tmp_path, text, name="labels.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_themes_come_from_the_codebook_headings(tmp_path):
    book = write(
        tmp_path,
        "# Book\n\n## Themes\n\n### fear\n\ntext\n\n### money_talk\n\n## Method\n\n### not_a_theme\n",
        "codebook.md",
    )
    assert reference.read_themes(book) == ["fear", "money_talk"]
    assert reference.read_themes("data/reference/codebook.md") == [
        "morale",
        "theology",
        "territory",
        "finance",
        "sleeper_cells",
    ]
    with pytest.raises(LabelError, match="'Big Theme'"):
        reference.read_themes(write(tmp_path, "## Themes\n\n### Big Theme\n", "bad.md"))
    with pytest.raises(LabelError, match="no '## Themes'"):
        reference.read_themes(write(tmp_path, "# nothing\n", "none.md"))


def test_valid_labels_load_in_paragraph_order(tmp_path):
    path = write(tmp_path, "paragraph_id,theology,morale\np3,1,0\np1,0,1\np2,1,1\n")
    labels = reference.load_labels(path, themes=THEMES, paragraph_ids=IDS)
    assert labels.index.tolist() == IDS and labels.columns.tolist() == THEMES
    assert labels.loc["p1"].tolist() == [1, 0]


@pytest.mark.parametrize(
    ("text", "offenders"),
    [
        ("paragraph_id,morale,theology\np1,0,1\np2,1,1\np3,0,0\np9,1,0\n", ["unknown", "p9"]),
        ("paragraph_id,morale,theology\np1,0,1\np2,1,1\n", ["no row", "p3"]),
        ("paragraph_id,morale,theology,money\np1,0,1,0\np2,1,1,0\np3,0,0,0\n", ["unknown theme", "money"]),
        ("paragraph_id,morale\np1,0\np2,1\np3,0\n", ["missing theme", "theology"]),
        (
            "paragraph_id,morale,theology\np1,0,1\np2,2,1\np3,yes,0\n",
            ["other than 0 or 1", "p2 ('2')", "p3 ('yes')"],
        ),
        ("paragraph_id,morale,theology\np1,0,1\np2,1,1\np3,0,0\np1,0,1\n", ["duplicated", "p1"]),
    ],
)
def test_bad_labels_stop_with_one_message_listing_the_offenders(tmp_path, text, offenders):
    with pytest.raises(LabelError) as info:
        reference.load_labels(write(tmp_path, text), themes=THEMES, paragraph_ids=IDS)
    message = str(info.value)
    assert "\n" not in message and str(tmp_path / "labels.csv") in message
    for part in offenders:
        assert part in message


def test_agreement_of_known_codings():
    a = pd.DataFrame({"x": [1, 1, 0, 0, 1, 0, 1, 0], "y": [1, 0, 1, 0, 1, 0, 1, 0]})
    table = reference.agreement_table(a, a.copy(), n_boot=50).set_index("theme")
    assert table["krippendorff_alpha"].tolist() == [1.0, 1.0] and table["cohen_kappa"].tolist() == [1.0, 1.0]
    b = a.copy()
    b.loc[0, "x"] = 0
    row = reference.agreement_table(a, b, n_boot=50).set_index("theme").loc["x"]
    assert row["disagreements"] == 1 and row["percent_agreement"] == 7 / 8
    assert row["cohen_kappa"] == pytest.approx(0.75)
    # by hand: 1 - (n - 1) * disagreeing pairs / (2 * n0 * n1) = 1 - 15 * 2 / (2 * 9 * 7) = 16/21
    assert row["krippendorff_alpha"] == pytest.approx(16 / 21)
    assert row["alpha_ci_low"] <= row["krippendorff_alpha"] <= row["alpha_ci_high"]
    assert reference.reliability_verdict(0.9) == "firm" and reference.reliability_verdict(0.7) == "tentative"
    assert np.isnan(reference.krippendorff_alpha([0, 0], [0, 0]))


def test_adjudication_must_settle_every_disagreement_and_only_those(tmp_path):
    c1 = pd.DataFrame({"morale": [1, 0, 1]}, index=IDS)
    c2 = pd.DataFrame({"morale": [1, 1, 1]}, index=IDS)
    final = pd.DataFrame({"morale": [1, 1, 1]}, index=IDS)
    log = write(
        tmp_path,
        "paragraph_id,theme,coder1,coder2,final,reason\np2,morale,0,1,1,desertion is named\n",
        "log.csv",
    )
    assert len(reference.check_adjudication(c1, c2, final, log)) == 1
    empty = write(tmp_path, "paragraph_id,theme,coder1,coder2,final,reason\n", "empty.csv")
    with pytest.raises(LabelError, match="p2/morale: the coders disagree"):
        reference.check_adjudication(c1, c2, final, empty)
    final.loc["p1", "morale"] = 0
    with pytest.raises(LabelError, match="p1/morale: both coders gave 1"):
        reference.check_adjudication(c1, c2, final, log)


def test_the_committed_reference_set_is_consistent(real_study):
    """Every kept paragraph has one row; the final labels are the settled codings."""
    ref = real_study.project.reference
    assert real_study.labels.index.tolist() == real_study.kept["paragraph_id"].tolist()
    reference.check_adjudication(*real_study.coders, real_study.labels, ref / "adjudication.csv")
    agreement = pd.read_csv(ref / "agreement.csv")
    assert agreement["theme"].tolist() == real_study.themes
    assert {"krippendorff_alpha", "cohen_kappa"} <= set(agreement.columns)


def test_seed_words_are_checked(tmp_path):
    assert reference.check_seed_words({"morale": ["Fear "], "theology": ["god"]}, themes=THEMES) == {
        "morale": ["fear"],
        "theology": ["god"],
    }
    with pytest.raises(LabelError, match="no seed words for theology"):
        reference.check_seed_words({"morale": ["fear"]}, themes=THEMES)
    with pytest.raises(LabelError, match="unknown theme"):
        reference.check_seed_words({"morale": ["a"], "theology": ["b"], "money": ["c"]}, themes=THEMES)
    with pytest.raises(LabelError, match="under two themes: god"):
        reference.check_seed_words({"morale": ["god"], "theology": ["god"]}, themes=THEMES)
    with pytest.raises(LabelError, match="not valid YAML"):
        reference.read_seed_words(write(tmp_path, "morale: [fear\n", "s.yml"), themes=THEMES)


@pytest.mark.parametrize(
    ("edit", "needle"),
    [
        (lambda t: t + "999-p001,1,0,0,0,0\n", "999-p001"),
        (lambda t: "\n".join(t.splitlines()[:-1]) + "\n", "no row for kept paragraph"),
        (lambda t: t.replace("sleeper_cells", "sleepers"), "unknown theme column(s) sleepers"),
        (lambda t: t.replace("000-p003,0,0,1,0,0", "000-p003,0,0,7,0,0"), "000-p003 ('7')"),
        (lambda t: t + t.splitlines()[1] + "\n", "duplicated row(s) for 000-p003"),
    ],
)
def test_bad_reference_files_exit_2_from_the_cli(project_copy, capsys, edit, needle):
    path = project_copy.labels
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert main(["--root", str(project_copy.root), "reference"]) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.slow  # over half a second
def test_reference_command_writes_agreement(project_copy, capsys):
    (project_copy.reference / "agreement.csv").unlink()
    assert main(["--root", str(project_copy.root), "reference"]) == 0
    assert (project_copy.reference / "agreement.csv").exists()
    assert "krippendorff_alpha" in capsys.readouterr().out
