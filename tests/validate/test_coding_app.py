"""The coding app's files (no browser): pages, orders, blind intrusion rounds, exports checked."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from helpers import ROOT

from themes.errors import ThemesError
from themes.validate.coding_app import (
    CodingError,
    coder_order,
    read_intrusion_exports,
    read_label_exports,
    read_round,
    write_intrusion_round,
    write_label_round,
)

THEMES = ["fire", "flood"]
PARAGRAPHS = pd.DataFrame(
    {
        "paragraph_id": [f"00{d}-p00{i}" for d in (0, 1) for i in (1, 2, 3)],
        "doc_id": ["000"] * 3 + ["001"] * 3,
        "text": [f'text {i} <b>bold?</b> & "quoted" </script>' for i in range(6)],
    }
)
CODEBOOK = (
    "# Codebook\n\n## Themes\n\n### fire\n\n**Definition.** Flames.\n\n### flood\n\n**Definition.** Water.\n"
)
TESTS = {m: ROOT / "data" / "reference" / "intrusion" / m for m in ("keyatm", "nmf_seeded", "lda_gensim")}


def label_round(folder, coders=("alice", "bob"), seed=0):
    return write_label_round(
        folder,
        PARAGRAPHS,
        themes=THEMES,
        definitions={"fire": "Flames.", "flood": "Water."},
        codebook=CODEBOOK,
        coders=list(coders),
        seed=seed,
        round_name="human1",
    )


def page_data(path) -> dict:
    text = path.read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="coding-data">(.*?)</script>', text, re.S)
    return json.loads(found.group(1))


def test_one_self_contained_page_per_coder_each_in_its_own_order(tmp_path):
    pages = label_round(tmp_path / "r")
    assert [p.name for p in pages] == ["alice.html", "bob.html"]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]+src=|<link[^>]+href=|https?://", text)  # nothing fetched
        assert '</script>"' not in text and "<b>bold?</b>" not in text  # paragraph text stays data
    orders = [[item["id"] for item in page_data(p)["items"]] for p in pages]
    assert sorted(orders[0]) == sorted(PARAGRAPHS["paragraph_id"]) and orders[0] != orders[1]
    assert orders[0] == [PARAGRAPHS["paragraph_id"][i] for i in coder_order(6, seed=0, coder_index=0)]
    assert page_data(pages[0])["export_order"] == PARAGRAPHS["paragraph_id"].tolist()
    again = label_round(tmp_path / "again")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in pages]  # same seed, same bytes
    other = label_round(tmp_path / "other", seed=1)
    assert page_data(other[0])["items"] != page_data(pages[0])["items"]
    record = json.loads((tmp_path / "r" / "round.json").read_text())
    assert (
        record["coders"] == ["alice", "bob"]
        and record["paragraph_ids"] == PARAGRAPHS["paragraph_id"].tolist()
    )


def test_a_round_is_not_written_over_and_coder_names_are_checked(tmp_path):
    label_round(tmp_path / "r")
    with pytest.raises(CodingError, match="already exists"):
        label_round(tmp_path / "r")
    with pytest.raises(CodingError, match="must start with a letter"):
        label_round(tmp_path / "s", coders=["alice", "../bob"])
    with pytest.raises(CodingError, match="give each coder once"):
        label_round(tmp_path / "t", coders=["alice", "alice"])


def export(folder, name: str, rows: list[list]) -> str:
    path = folder / name
    path.write_text("\n".join(",".join(map(str, r)) for r in rows) + "\n", encoding="utf-8")
    return str(path)


def test_exports_are_read_back_and_checked(tmp_path):
    label_round(tmp_path / "r")
    round_ = read_round(tmp_path / "r")
    ids = PARAGRAPHS["paragraph_id"].tolist()
    planted = {pid: [i % 2, int(i % 3 == 0)] for i, pid in enumerate(ids)}
    rows = [["paragraph_id", *THEMES]] + [[pid, *planted[pid]] for pid in ids]
    alice = export(tmp_path, "labels_alice.csv", rows)
    notes = export(tmp_path, "notes_alice.csv", [["paragraph_id", "note"], [ids[2], "unsure"]])
    got = read_label_exports(round_, [alice, notes])
    labels, note = got["alice"]
    assert labels.loc[ids].values.tolist() == [planted[p] for p in ids]
    assert note["note"].tolist() == ["unsure"]
    # a browser's second download of the same name is still the coder's
    again = export(tmp_path, "labels_bob (1).csv", rows)
    assert list(read_label_exports(round_, [again])) == ["bob"]
    bad = {
        "not a file the coding app exports": [export(tmp_path, "alice.csv", rows)],
        "not in round human1": [export(tmp_path, "labels_carol.csv", rows)],
        "give one file per coder": [alice, export(tmp_path, "labels_alice (2).csv", rows)],
        "no row for kept paragraph(s) 001-p003": [export(tmp_path, "labels_bob.csv", rows[:-1])],
        "no labels_<coder>.csv": [notes],
    }
    for needle, paths in bad.items():
        with pytest.raises(ThemesError, match=re.escape(needle)):
            read_label_exports(round_, paths)


def test_intrusion_rounds_are_blind_and_their_key_is_apart(tmp_path):
    pages = write_intrusion_round(tmp_path / "blind", TESTS, coders="carol", seed=3, round_name="intrusion1")
    sets = pd.read_csv(tmp_path / "blind" / "key" / "sets.csv")
    assert sorted(sets["model"]) == sorted(TESTS) and sets["set"].tolist() == ["A", "B", "C"]
    for path in [*pages, tmp_path / "blind" / "round.json"]:
        text = path.read_text(encoding="utf-8").lower()
        assert not [m for m in TESTS if m in text or m in str(path)]
    items = page_data(pages[0])["items"]
    forms = {
        (letter, task): pd.read_csv(TESTS[model] / "form" / f"{task}_intrusion.csv")
        for letter, model in zip(sets["set"], sets["model"], strict=True)
        for task in ("word", "topic")
    }
    assert len(items) == sum(len(f) for f in forms.values())
    first = items[0]
    form = forms[first["set"], first["task"]].set_index("item_id")
    assert first["options"] == [form.at[first["key"], c] for c in form.columns if c.startswith("option_")]


def test_intrusion_exports_must_answer_every_item_once(tmp_path):
    write_intrusion_round(tmp_path / "blind", TESTS, coders="carol", seed=3, round_name="intrusion1")
    round_ = read_round(tmp_path / "blind")
    listed = pd.DataFrame(round_.record["items"])[["set", "task", "item_id"]]
    rows = [["set", "task", "item_id", "answer"]] + [[*r, 1] for r in listed.itertuples(index=False)]
    got = read_intrusion_exports(round_, [export(tmp_path, "intrusion_carol.csv", rows)])
    assert len(got["carol"]) == len(listed) and set(got["carol"]["answer"]) == {1}
    with pytest.raises(CodingError, match="is not answered"):
        read_intrusion_exports(round_, [export(tmp_path, "intrusion_carol.csv", rows[:-1])])
    with pytest.raises(CodingError, match="is answered twice"):
        read_intrusion_exports(round_, [export(tmp_path, "intrusion_carol.csv", [*rows, rows[1]])])
    with pytest.raises(CodingError, match="labelling round"):
        label_round(tmp_path / "r")
        read_intrusion_exports(read_round(tmp_path / "r"), [export(tmp_path, "intrusion_carol.csv", rows)])
