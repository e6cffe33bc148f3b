"""Who made each file of labels and answers: ``coders.yml`` read, checked and required."""

from __future__ import annotations

import pytest
from helpers import ROOT

from themes.cli import main
from themes.errors import LabelError
from themes.reference.coders import (
    CODERS_HEADER,
    coder_of,
    describe_coders,
    read_coders,
    record_coder,
    require_recorded,
    unrecorded,
)

REFERENCE = ROOT / "data" / "reference"


def test_every_label_and_answer_file_of_the_seed_study_names_its_coder():
    assert unrecorded(REFERENCE) == []
    records = read_coders(REFERENCE)
    # no label or answer of the seed study was made by a person, and what is not known is said so
    assert {r.kind for r in records} == {"language model"}
    earlier = [r for r in records if r.round != "intrusion2"]
    assert all(r.model == r.version == r.prompt == "not recorded" for r in earlier)
    # the second intrusion round was recorded as it was done: its prompt is committed
    later = [r for r in records if r.round == "intrusion2"]
    assert len(later) == 2 and all((REFERENCE / r.prompt).is_file() for r in later)
    assert all((REFERENCE / i).is_file() for r in records for i in r.instructions if "*" not in i)
    coding = [coder_of(REFERENCE, REFERENCE / f) for f in ("labels_coder1.csv", "labels_coder2.csv")]
    assert describe_coders(coding) == "two language-model coders"
    answers = coder_of(REFERENCE, REFERENCE / "intrusion" / "keyatm" / "answers" / "topic" / "coder2.csv")
    assert (answers.id, answers.role) == ("intrusion2_coder2", "intrusion")
    earlier = coder_of(
        REFERENCE, REFERENCE / "rounds" / "intrusion1_keyatm" / "answers" / "topic" / "coder2.csv"
    )
    assert earlier.id == "intrusion1_coder2"
    assert coder_of(
        REFERENCE, REFERENCE / "intrusion" / "nmf_seeded" / "answers" / "word" / "coder1.csv"
    ).id == ("intrusion1_coder1")


def test_describe_coders_names_people_and_models():
    people = [r for r in read_coders(REFERENCE)][:1]
    person = people[0].__class__(**{**people[0].__dict__, "kind": "person"})
    assert describe_coders([person]) == "one person"
    assert describe_coders([person, people[0]]) == "one person and one language-model coder"


def entry(**change) -> dict:
    base = dict(id="r_a", name="a", kind="person", role="coding", round="r", date="2026-12-01")
    return base | dict(instructions=["codebook.md"], files=["labels_a.csv"]) | change


def test_recording_a_coder_keeps_the_file_and_refuses_what_is_unclear(tmp_path):
    (tmp_path / "coders.yml").write_text(CODERS_HEADER, encoding="utf-8")
    record_coder(tmp_path, entry())
    assert (tmp_path / "coders.yml").read_text(encoding="utf-8").startswith(CODERS_HEADER)
    assert [r.name for r in read_coders(tmp_path)] == ["a"]
    with pytest.raises(LabelError, match="already records 'r_a'"):
        record_coder(tmp_path, entry())
    with pytest.raises(LabelError, match="lacks model, version, prompt; write 'not recorded'"):
        record_coder(tmp_path, entry(id="r_b", kind="language model"))
    with pytest.raises(LabelError, match="kind 'robot'"):
        record_coder(tmp_path, entry(id="r_c", kind="robot"))
    record_coder(tmp_path, entry(id="r_d", name="d", files=["labels_*.csv"]))
    (tmp_path / "labels_a.csv").write_text("paragraph_id\n", encoding="utf-8")
    with pytest.raises(LabelError, match="claimed by r_a and r_d"):
        coder_of(tmp_path, tmp_path / "labels_a.csv")


def test_an_unrecorded_file_is_refused_in_one_sentence(tmp_path):
    (tmp_path / "labels_x.csv").write_text("paragraph_id\n", encoding="utf-8")
    (tmp_path / "labels_template.csv").write_text("paragraph_id\n", encoding="utf-8")  # not labels
    assert unrecorded(tmp_path) == ["labels_x.csv"]
    with pytest.raises(LabelError, match=r"labels_x.csv names no coder in .*coders.yml; record who made it"):
        require_recorded(tmp_path)
    require_recorded(tmp_path, pending=["labels_x.csv"])


@pytest.mark.slow  # reads the corpus
def test_themes_reference_refuses_a_labels_file_whose_coder_is_not_recorded(project_copy, capsys):
    path = project_copy.reference / "coders.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("files: [labels_coder2.csv, ", "files: ["), encoding="utf-8")
    assert main(["--root", str(project_copy.root), "reference"]) == 2
    err = capsys.readouterr().err
    assert "labels_coder2.csv names no coder" in err and err.count("\n") == 1


def test_the_notes_on_the_coders_say_what_they_were():
    from themes.report.prose import coders_note
    from themes.study.project import Project
    from themes.study.reference_rounds import reference_coders

    records = reference_coders(Project(ROOT))
    assert [r.id for r in records] == ["round1_coder1", "round1_coder2"]
    note = coders_note(records)
    assert note.startswith("The reference was coded by two language-model coders")
    assert "not recorded" in note and "not show that human readers" in note
    people = [r.__class__(**{**r.__dict__, "kind": "person"}) for r in records]
    assert coders_note(people) == "The reference was coded by two people."
