"""Reading corpora: JSON Lines and Parquet in chunks, and one-sentence errors naming the line or row."""

import json

import pandas as pd
import pytest

from themes.corpus import documents
from themes.errors import CorpusError

TEXT = "The fighters who left the front were told that the organisation would welcome them back."


def test_json_lines_are_read_in_order_with_dates(tmp_path):
    path = tmp_path / "texts.jsonl"
    rows = [{"id": f"r{i}", "text": f"{TEXT} {i}", "date": f"2018-01-{i + 1:02d}"} for i in range(5)]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    docs = documents.load_documents(path)
    assert [(d.doc_id, d.text, d.date) for d in docs] == [(r["id"], r["text"], r["date"]) for r in rows]
    assert docs[2].source == f"{path} line 3"


def test_parquet_is_read_in_chunks_with_row_numbers(tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "CHUNK_ROWS", 3)
    path = tmp_path / "texts.parquet"
    table = pd.DataFrame({"id": [f"p{i}" for i in range(8)], "text": [f"{TEXT} {i}" for i in range(8)]})
    table.assign(extra=1).to_parquet(path)
    docs = documents.load_documents(path)
    assert [d.doc_id for d in docs] == table["id"].tolist() and docs[7].text == f"{TEXT} 7"
    assert docs[4].source == f"{path} row 5"


def test_an_empty_text_in_a_table_is_a_document_without_text(tmp_path):
    path = tmp_path / "texts.csv"
    pd.DataFrame({"id": ["a", "b"], "text": [TEXT, ""]}).to_csv(path, index=False)
    assert [d.text for d in documents.load_documents(path)] == [TEXT, ""]


def test_csv_line_numbers_count_quoted_line_breaks(tmp_path):
    path = tmp_path / "texts.csv"
    path.write_text(f'id,text\na,"{TEXT}\n\n{TEXT}"\na,{TEXT}\n', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"texts.csv line 5 repeats the id 'a'"):
        documents.load_documents(path)


@pytest.mark.parametrize(
    ("name", "write", "message"),
    [
        (
            "bad.csv",
            lambda p: p.write_text(f"id,text\na,{TEXT}\nb,one,two\n", encoding="utf-8"),
            r"bad.csv line 3 has 3 fields where the header has 2",
        ),
        ("header.csv", lambda p: p.write_text("id,text\n", encoding="utf-8"), r"header.csv has no rows"),
        ("blank.csv", lambda p: p.write_text("\n", encoding="utf-8"), r"blank.csv is empty"),
        (
            "cols.parquet",
            lambda p: pd.DataFrame({"name": ["a"], "body": [TEXT]}).to_parquet(p),
            r"cols.parquet has no 'id' or 'text' column",
        ),
        (
            "none.parquet",
            lambda p: pd.DataFrame(
                {"id": pd.Series([], dtype=str), "text": pd.Series([], dtype=str)}
            ).to_parquet(p),
            r"none.parquet has no rows",
        ),
        (
            "junk.parquet",
            lambda p: p.write_bytes(b"not parquet at all"),
            r"junk.parquet is not a readable Parquet",
        ),
        (
            "fields.jsonl",
            lambda p: p.write_text(f'{{"id": "a", "text": "{TEXT}"}}\n{{"id": "b"}}\n', encoding="utf-8"),
            r"fields.jsonl line 2 has no 'text' field",
        ),
        (
            "ids.jsonl",
            lambda p: p.write_text(json.dumps({"id": " ", "text": TEXT}) + "\n", encoding="utf-8"),
            r"ids.jsonl line 1 has an empty id",
        ),
    ],
)
def test_bad_tables_fail_with_one_sentence_naming_the_place(tmp_path, name, write, message):
    path = tmp_path / name
    write(path)
    with pytest.raises(CorpusError, match=message) as info:
        documents.load_documents(path)
    assert "\n" not in str(info.value) and str(info.value).endswith(".")
