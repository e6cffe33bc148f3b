"""The README's "Use it from Python" example runs, and so does a student's script written from it
on a corpus the project has never seen (the Lee news corpus shipped in gensim's test data)."""

import re
import shutil
from pathlib import Path

import gensim
import pandas as pd
import pytest
from helpers import ROOT

import themes as th
from themes.errors import SeedWordsWarning


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Use it from Python", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_public_api_is_documented_and_complete():
    assert sorted(th.__all__) == sorted(set(th.__all__))
    for name in th.__all__:
        obj = getattr(th, name)
        assert obj.__doc__, f"themes.{name} has no docstring"
        if isinstance(obj, type(th)):  # a sub-package: its own public names, each documented
            for inner in obj.__all__:
                assert getattr(obj, inner) is not None, f"themes.{name}.{inner} does not import"


def test_the_top_level_is_small_and_holds_no_mutable_registry():
    names = [n for n in th.__all__ if n not in th.SUBPACKAGES and n != "__version__"]
    assert len(names) <= 15, names
    for name in names:
        assert not isinstance(getattr(th, name), dict | list | set), f"themes.{name} is a mutable container"


def test_the_readme_example_runs(tmp_path, monkeypatch, capsys):
    for part in ("data/raw", "data/reference"):
        shutil.copytree(ROOT / part, tmp_path / part)
    monkeypatch.chdir(tmp_path)
    with pytest.warns(SeedWordsWarning, match="seed words not in the vocabulary"):
        exec(compile(readme_example(), "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "sleeper_cells" in out and "auc" in out and "verdict" in out
    assert (tmp_path / "my_model" / "model.json").is_file()


@pytest.mark.slow  # over half a second
def test_a_students_script_on_a_corpus_the_project_has_never_seen(tmp_path):
    lee = Path(gensim.__file__).parent / "test" / "test_data" / "lee_background.cor"
    articles = [line.strip() for line in lee.read_text(encoding="utf-8").splitlines() if line.strip()]
    table = tmp_path / "news.csv"
    pd.DataFrame({"id": [f"lee{i:03d}" for i in range(len(articles))], "text": articles}).to_csv(
        table, index=False
    )
    seeds = tmp_path / "seeds.yml"
    seeds.write_text("fire: [bushfire, blaze, firefighters]\nconflict: [israeli, palestinian, attack]\n")

    # the script, as a student would write it from the README
    paragraphs = th.read_corpus(table)
    vec = th.Vectorizer(min_df=3).fit(paragraphs)
    est = th.models.SeededNMF(n_components=6, seed_words=th.read_seed_words(seeds), random_state=0)
    topics = th.fit_topics(est, vec, paragraphs)
    words = topics.top_words(8)

    assert len(paragraphs) > 200 and {"paragraph_id", "doc_id", "text", "status"} <= set(paragraphs.columns)
    assert list(words.index[:2]) == ["fire", "conflict"]
    # words the seeds do not name: the NSW bushfire articles ("fire" itself is a scikit-learn stop word)
    assert {"sydney", "wales", "winds"} <= set(words.at["fire", "top_words"].split())
    # labels here are a rule of the test's own (articles naming a fire), only to exercise compare
    labels = pd.DataFrame(
        {"fire": paragraphs["text"].str.contains(r"\bfires?\b|bushfire", case=False).astype(int).to_numpy()},
        index=paragraphs["paragraph_id"],
    )
    report = th.compare(topics, labels)
    assert report.matching.at[0, "topic"] == "fire" and report.matching.at[0, "auc"] > 0.7
    assert topics.transform(["Firefighters fought the bushfire near Sydney."]).iloc[0].idxmax() == "fire"
