"""Documents to paragraphs: each cleaning rule on small inline texts, then the real corpus."""

import json
import shutil

import pandas as pd
import pytest
from helpers import ROOT

from themes import corpus, files
from themes.corpus.cleaning import CleaningRules, classify_block
from themes.corpus.documents import Document
from themes.corpus.paragraphs import build_paragraphs, merge_blocks, split_blocks
from themes.errors import CorpusError, CorpusWarning

SENTENCE = (
    "The fighters who left the front were told that the organisation would welcome them back if they "
    "returned before the end of the month and fought again with their brothers."
)


OTHER = (
    "Sleeper cells planted in the desert now fund themselves by smuggling cigarettes and oil across the "
    "border, according to several estimates published in the summer."
)


def doc(text: str, doc_id: str = "d", date: str = "") -> Document:
    return Document(doc_id, text, f"{doc_id}.txt", date)


def rows(text: str) -> pd.DataFrame:
    return build_paragraphs([doc(text)])


@pytest.mark.parametrize(
    ("block", "reason"),
    [
        ("## **The Retreat of Islamic State Militants**", "heading"),
        ("ISIS Weekly Takes A Softer Position: The Deserters Erred, But Are Not Infidels", "heading"),
        ("**Dr. Michael Barak**", "byline"),
        ("What if You'd Been an ISIS Fighter?, by Sophie Mangal", "byline"),
        ("Sunday, October 29, 2017", "date"),
        ("15 يوليو، 2018", "date"),
        (
            "أخبار المركز • إصدارات جديدة لمركز المستقبل في معرض الشارقة الدولي للكتاب خلال الفترة من",
            "foreign_script",
        ),
        ("Share this Report:", "share_line"),
        ("## ABOUT THE ICT", "about_block"),
        (
            "For tailored research please contact us at [JWMG@ict.org.il](mailto:JWMG@ict.org.il).",
            "contact_link",
        ),
        (
            "A graph posted by the author. Orange indicates the IS area under siege; Brown: infidels",
            "caption",
        ),
        ("[2] Telegram.me/ Wikalat Nashir News, February 1, 2018.", "footnote"),
        ("*R. Green is the director of MEMRI's Jihad and Terrorism Threat Monitor", "footnote"),
        ("They fled, and the video said so, twice over.", "too_short"),
        (SENTENCE, ""),
    ],
)
def test_each_rule_names_its_block(block, reason):
    assert classify_block(block) == reason


def test_a_caption_is_recognised_by_the_blank_lines_an_image_leaves():
    caption = "ISIS deserters: ordinary fighters (left) and Thomas Barnouin."
    assert classify_block(caption, gap_before=2) == "caption"
    assert classify_block(caption, gap_before=1) != "caption"
    table = rows(f"{SENTENCE}\n\n\n\n{caption}\n\n{SENTENCE}")
    assert table.loc[table["text"] == caption, "reason"].tolist() == ["caption"]


def test_an_about_section_runs_until_the_next_heading():
    text = (
        f"{SENTENCE}\n\n## ABOUT THE INSTITUTE\n\nFounded in 1996, the institute is one of the leading "
        "academic "
        "institutes in the world, facilitating international cooperation in the global struggle against "
        f"terrorism and publishing research.\n\n## Appendix\n\n{OTHER}"
    )
    table = rows(text)
    assert table["reason"].tolist() == ["", "about_block", "about_block", "heading", ""]


def test_a_page_break_in_mid_sentence_is_joined_with_offsets_spanning_both_parts():
    first = (
        "In the author's opinion, positive results in the field can be achieved even if the number of "
        "fighters is small. Thus, she recommended dividing the number"
    )
    second = "of IS fighters into several small groups, three for example, to attack from several directions."
    text = f"{first}\n\n{second}\n\n{SENTENCE}"
    table = rows(text)
    kept = corpus.kept(table)
    assert len(kept) == 2 and kept.iloc[0]["reason"] == "merged_page_break"
    assert "dividing the number of IS fighters" in kept.iloc[0]["text"]
    assert (kept.iloc[0]["start"], kept.iloc[0]["end"]) == (0, len(first) + 2 + len(second))
    # without the rule the two halves stay apart
    blocks = split_blocks(doc(text))
    assert len(blocks) == 3 and len(merge_blocks(blocks, CleaningRules())) == 2


def test_verse_lines_become_one_unit():
    verses = "\n\n".join(
        f'"Line {i} of the song, where brothers stand / and never turn to flee the fight"' for i in range(4)
    )
    table = rows(f"{SENTENCE}\n\n{verses}\n\n{SENTENCE}")
    song = table[table["reason"] == "merged_verse"]
    assert len(song) == 1 and song.iloc[0]["status"] == "kept" and song.iloc[0]["text"].count(" / ") == 4


def test_offsets_point_into_the_raw_text():
    raw = f"Title Here\n\n{SENTENCE}\n\n  {SENTENCE.upper()}  \n"
    table = rows(raw)
    for row in table.itertuples():
        assert " ".join(raw[row.start : row.end].split()) == row.text or row.status == "kept"
        assert raw[row.start : row.end].strip() == raw[row.start : row.end]


def test_a_republished_half_paragraph_is_a_near_duplicate_of_its_original():
    original = (
        "The Islamic State released videos condemning deserters. One of the videos quotes the Quran "
        "to those who leave Islam: \u201cwhoever of you should revert from his religion\u201d. "
        "The message is "
        "that those fighters committed a serious crime by abandoning the campaign."
    )
    half = (
        'One of the videos quotes the Koran to those who leave Islam: "whoever of you should revert from '
        'his religion". The message is that those fighters committed a serious crime.'
    )
    unrelated = (
        "Sleeper cells planted in the desert now fund themselves by smuggling cigarettes and oil "
        "across the border, according to several estimates published this summer."
    )
    table = build_paragraphs(
        [doc(f"{original}\n\n{unrelated}", "001", "2018-03-26"), doc(f"{half}\n\n{SENTENCE}", "003")]
    )
    by_text = table.set_index("paragraph_id")
    assert (
        by_text.loc["003-p001", "status"] == "duplicate"
        and by_text.loc["003-p001", "duplicate_of"] == "001-p001"
    )
    assert by_text.loc["003-p002", "status"] == "kept" and by_text.loc["001-p002", "status"] == "kept"
    pairs = corpus.duplicate_pairs(table)
    assert pairs.iloc[0]["containment"] >= 0.5 and pairs.iloc[0]["containment"] > pairs.iloc[0]["similarity"]


# ------------------------------------------------------------ the real corpus


@pytest.fixture(scope="module")
def table(real_paragraphs):
    return real_paragraphs.set_index("paragraph_id")


def kept_text(table) -> str:
    return " ".join(table.loc[table["status"] == "kept", "text"])


def test_page_furniture_of_the_real_corpus_is_not_kept(table):
    text = kept_text(table)
    for furniture in (
        "Founded in 1996",
        "Jihadi Websites Monitoring Group (JWMG) is",
        "JWMG@ict.org.il",
        "A graph posted by the author",
        "Telegram.me",
        "Share this Report",
        "By R. Green",
        "Sophie Mangal",
        "Dr. Michael Barak",
        "أخبار",
        "ordinary fighters (left)",
        "ISIS fighter rebukes",
    ):
        assert furniture not in text, furniture
    reasons = set(table["reason"])
    assert {
        "about_block",
        "foreign_script",
        "caption",
        "footnote",
        "byline",
        "share_line",
        "heading",
    } <= reasons


def test_seed_000_broken_paragraph_is_one_kept_paragraph(table):
    hit = table[table["text"].str.contains("she recommended dividing the number of IS fighters into several")]
    assert len(hit) == 1 and hit.iloc[0]["status"] == "kept"


def test_the_song_of_seed_001_is_one_kept_unit(table):
    song = table[table["text"].str.contains("You were free, head held high")]
    assert len(song) == 1 and song.iloc[0]["status"] == "kept" and "Request the might" in song.iloc[0]["text"]


def test_every_paragraph_of_seed_003_repeats_one_of_seed_001(table):
    republished = table[table["doc_id"] == "003"]
    assert len(republished) > 0 and (republished["status"] == "duplicate").all()
    assert republished["duplicate_of"].str.startswith("001-").all()
    assert not (table.loc[table["doc_id"] == "001", "status"] == "duplicate").any()


def test_the_paragraph_table_has_its_columns_and_stable_unique_ids(real_paragraphs):
    for column in (
        "paragraph_id",
        "doc_id",
        "start",
        "end",
        "text",
        "status",
        "reason",
        "duplicate_of",
        "word_count",
    ):
        assert column in real_paragraphs.columns
    assert real_paragraphs["paragraph_id"].is_unique
    assert set(real_paragraphs["status"]) == {"kept", "dropped", "duplicate"}
    committed = (ROOT / "data" / "processed" / "paragraphs.csv").read_text(encoding="utf-8")
    assert files.csv_text(real_paragraphs) == committed


def test_a_changed_raw_file_fails_its_checksum(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw", raw)
    path = raw / "004_c0c47bbaa33e1972.txt"
    path.write_bytes(path.read_bytes().replace(b"Sunday", b"Monday"))
    with pytest.raises(CorpusError, match="004_c0c47bbaa33e1972.txt does not match its checksum"):
        corpus.load_documents(raw)


def test_own_corpus_from_a_folder_a_csv_and_json_lines(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "essay.txt").write_text(f"My Title\n\n{SENTENCE}\n", encoding="utf-8")
    assert corpus.kept(build_paragraphs(corpus.load_documents(folder)))["doc_id"].tolist() == ["essay"]
    table = tmp_path / "texts.csv"
    pd.DataFrame({"id": ["a", "b"], "text": [SENTENCE, SENTENCE.replace("month", "year")]}).to_csv(
        table, index=False
    )
    assert [d.doc_id for d in corpus.load_documents(table)] == ["a", "b"]
    lines = tmp_path / "texts.jsonl"
    lines.write_text(json.dumps({"id": "x", "text": SENTENCE}) + "\n", encoding="utf-8")
    assert corpus.load_documents(lines)[0].text == SENTENCE


def test_documents_without_paragraphs_are_warned_about_skipped_and_listed(tmp_path):
    texts = [f"{SENTENCE} Report {i}." for i in range(200)]
    for i in (17, 101):
        texts[i] = ""
    texts[150] = "A Title Only"
    path = tmp_path / "many.csv"
    pd.DataFrame({"id": [f"d{i:03d}" for i in range(200)], "text": texts}).to_csv(path, index=False)
    with pytest.warns(CorpusWarning) as caught:
        table = build_paragraphs(corpus.load_documents(path))
    messages = sorted(str(w.message) for w in caught)
    assert len(messages) == 3 and all("\n" not in m and "no analysable paragraph" in m for m in messages)
    assert [m.split(" line ")[1].split(" ")[0] for m in messages] == ["103", "152", "19"]
    summary = corpus.summarize(table).set_index("doc_id")
    skipped = summary[(summary["kept"] == 0) & (summary["duplicate"] == 0)].index.tolist()
    assert skipped == ["d017", "d101", "d150"]
    assert summary.loc["d017", "dropped_empty_text"] == 1 and summary.loc["d150", "dropped_heading"] == 1
    assert table.loc[table["status"] != "dropped", "doc_id"].nunique() == 197


def test_a_corpus_with_nothing_analysable_is_an_error(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text(
        "".join(json.dumps({"id": f"e{i}", "text": " "}) + "\n" for i in range(3)), encoding="utf-8"
    )
    with pytest.raises(
        CorpusError, match=r"none of the 3 documents has an analysable paragraph .*empty.jsonl line 1"
    ):
        build_paragraphs(corpus.load_documents(path))
