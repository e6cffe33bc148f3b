"""`themes init`: a study of one's own, and the main job on it before any hand labels exist.

The corpus is one the project has never seen: the Lee news corpus of gensim's test data.
"""

import json
from pathlib import Path

import gensim
import nbformat
import pandas as pd
import pytest

from themes import corpus, files, reference
from themes.cli import main
from themes.study.config import StudyConfig
from themes.study.inputs import load_study
from themes.study.run import reproduce
from themes.study.scaffold import LABELS_TEMPLATE, init_study

ROOT_NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
LEE = Path(gensim.__file__).parent / "test" / "test_data" / "lee_background.cor"
SEED_WORDS = "fire: [bushfire, firefighters, blaze]\nconflict: [israeli, palestinian, attack]\n"


def lee_articles(n: int) -> list[str]:
    return [line.strip() for line in LEE.read_text(encoding="utf-8").splitlines()[:n]]


@pytest.fixture
def lee_folder(tmp_path):
    folder = tmp_path / "lee"
    folder.mkdir()
    for i, text in enumerate(lee_articles(60)):
        (folder / f"lee_{i:03d}.txt").write_text(text + "\n", encoding="utf-8")
    return folder


def test_init_writes_a_study_that_reads_back(tmp_path, lee_folder, capsys):
    study = tmp_path / "study"
    assert main(["init", str(study), "--themes", "fire,conflict", "--corpus", str(lee_folder)]) == 0
    ref = study / "data" / "reference"
    assert reference.read_themes(ref / "codebook.md") == ["fire", "conflict"]
    assert "**Definition.**" in (ref / "codebook.md").read_text(encoding="utf-8")
    provenance = corpus.read_provenance(study / "data" / "raw")
    assert len(provenance) == 60
    copied = study / "data" / "raw" / provenance["file"].iloc[7]
    assert files.sha256_file(copied) == provenance["sha256"].iloc[7]
    assert copied.read_bytes() == (lee_folder / copied.name).read_bytes()
    template = pd.read_csv(ref / LABELS_TEMPLATE, dtype=str, keep_default_na=False)
    kept = pd.read_csv(study / "data" / "processed" / "paragraphs.csv").query("status == 'kept'")
    assert list(template.columns) == ["paragraph_id", "fire", "conflict"]
    assert template["paragraph_id"].tolist() == kept["paragraph_id"].tolist()
    assert (template[["fire", "conflict"]] == "").all().all()
    assert reference.read_coders(ref) == [] and reference.unrecorded(ref) == []  # no coder yet
    nb = nbformat.read(study / "notebooks" / "01_corpus.ipynb", as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert 'ROOT = ".."' in params.source
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    # before any label or seed word: no labels, no seed words, and the study still loads
    loaded = load_study(study)
    assert loaded.labels is None and loaded.seed_words == {}


def test_init_copies_a_table_corpus(tmp_path):
    table = tmp_path / "news.csv"
    # (an id holding "/" or ".." is refused by the corpus reader, tests/test_faults.py)
    pd.DataFrame({"id": ["a:1", "b 2", "c"], "text": lee_articles(3)}).to_csv(table, index=False)
    project = init_study(tmp_path / "study", ["fire", "conflict"], corpus=table)
    provenance = corpus.read_provenance(project.raw)
    assert provenance["doc_id"].tolist() == ["a:1", "b 2", "c"]
    assert provenance["file"].tolist() == ["a_1.txt", "b_2.txt", "c.txt"]
    assert (project.raw / "c.txt").read_text(encoding="utf-8") == lee_articles(3)[2]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--themes", "fire,conflict"], "is not empty"),
        (["--themes", "Fire,conflict"], "'Fire'"),
        (["--themes", "fire,fire"], "more than once"),
    ],
)
def test_init_refuses_bad_input_in_one_line(tmp_path, capsys, argv, needle):
    study = tmp_path / "study"
    if needle == "is not empty":
        study.mkdir()
        (study / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert main(["init", str(study), *argv]) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err
    assert not study.exists() or [p.name for p in study.iterdir()] == ["notes.txt"]


def _executed(path: Path) -> bool:
    return any(c.get("outputs") for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")


@pytest.mark.slow
def test_main_job_without_labels_on_an_unseen_corpus(tmp_path, lee_folder, capsys):
    study = tmp_path / "study"
    assert main(["init", str(study), "--themes", "fire,conflict", "--corpus", str(lee_folder)]) == 0
    (study / "data" / "reference" / "seed_words.yml").write_text(SEED_WORDS, encoding="utf-8")
    config = StudyConfig(seeds=(0,), k_range=(3, 4), n_boot=10, n_perm=10)
    manifest = reproduce(study, config=config, progress=False)

    err = capsys.readouterr().err
    assert "no reference labels" in err and "intrusion create --model" in err
    assert manifest["labels"]["present"] is False
    assert "lda_gensim" in manifest["labels"]["intrusion_tests_to_create"]
    results = study / "results"
    on_disk = json.loads((results / "MANIFEST.json").read_text(encoding="utf-8"))
    assert on_disk["labels"] == manifest["labels"]
    # the same manifest wherever the study folder is (verify rebuilds it in a temporary folder)
    assert str(tmp_path) not in (results / "MANIFEST.json").read_text(encoding="utf-8")
    # the notebooks that need no labels ran on the new study; the others were named and left
    ran = [p.stem for p in sorted((study / "notebooks").glob("*.ipynb")) if _executed(p)]
    assert ran == ["01_corpus", "06_your_own_corpus"]
    assert "left 02_reference_set.ipynb unexecuted: it needs reference labels" in err
    assert not (results / "alignment.csv").exists() and not (results / "summary.csv").exists()
    # the README's output contract, for the files that need no labels
    models = pd.read_csv(results / "models.csv")
    assert list(models.columns[:7]) == [
        "model",
        "K",
        "seed",
        "coherence_npmi",
        "coherence_cv",
        "diversity",
        "stability",
    ]
    scores = pd.read_csv(results / "paragraph_scores.csv")
    assert list(scores.columns) == ["paragraph_id", "model", "fire", "conflict"]
    assert set(scores["model"]) == {"lda_seeded", "nmf_seeded", "keyatm", "keywords"}
    assert scores[["fire", "conflict"]].stack().between(0, 1).all()
    topics = pd.read_csv(results / "topics.csv")
    assert {"model", "topic", "matched_theme", "top_words"} <= set(topics.columns)
    seeded = topics[topics["model"] == "nmf_seeded"]
    assert seeded.set_index("topic").loc["conflict", "matched_theme"] == "conflict"
    assert "israeli" in seeded.set_index("topic").loc["conflict", "top_words"]
    assert (topics.loc[topics["model"] == "lda_sklearn", "matched_theme"] == "other").all()
    for name in ("lda_sklearn", "nmf_seeded"):
        assert (results / "explorer" / f"{name}.html").stat().st_size > 1000
        assert (results / "figures" / f"top_words_{name}.png").exists()
        assert (results / "models" / name / "model.json").exists()
    assert (results / "explorer" / "plotly.min.js").exists()


def test_init_says_which_documents_kept_no_paragraph_and_copies_notebooks_about_the_new_study(
    tmp_path, lee_folder, capsys
):
    (lee_folder / "zz_short.txt").write_text("Too short to keep.\n\nAlso short.\n", encoding="utf-8")
    study = tmp_path / "study"
    assert main(["init", str(study), "--themes", "fire,conflict", "--corpus", str(lee_folder)]) == 0
    out = capsys.readouterr().out
    assert "1 document(s) kept no paragraph" in out and "zz_short: 2 block(s): too_short 2" in out
    assert ".themes-cache/" in (study / ".gitignore").read_text(encoding="utf-8")
    text = "\n".join(
        c.source
        for p in sorted((study / "notebooks").glob("*.ipynb"))
        for c in nbformat.read(p, as_version=4).cells
    )
    for seed_study_word in ("morale", "theology", "sleeper_cells", "deserter", "MEMRI", "document 001"):
        assert seed_study_word not in text
    title = nbformat.read(study / "notebooks" / "02_reference_set.ipynb", as_version=4).cells[0].source
    assert "**fire**, **conflict**" in title
    # the package's own notebooks keep the seed study's prose
    assert "morale" in nbformat.read(ROOT_NOTEBOOKS / "02_reference_set.ipynb", as_version=4).cells[17].source


@pytest.mark.slow
def test_every_notebook_a_labelled_study_can_feed_runs_on_other_themes(tmp_path, lee_folder, capsys):
    study = tmp_path / "study"
    assert main(["init", str(study), "--themes", "fire,conflict", "--corpus", str(lee_folder)]) == 0
    ref = study / "data" / "reference"
    (ref / "seed_words.yml").write_text(SEED_WORDS, encoding="utf-8")
    template = pd.read_csv(ref / LABELS_TEMPLATE, dtype=str, keep_default_na=False)
    texts = pd.read_csv(study / "data" / "processed" / "paragraphs.csv").set_index("paragraph_id")["text"]
    # labels from the words of the text (a test of the machinery, not of the method)
    for theme, words in {
        "fire": ("fire", "blaze", "bushfire"),
        "conflict": ("israel", "palestin", "attack"),
    }.items():
        template[theme] = [int(any(w in texts[p].lower() for w in words)) for p in template["paragraph_id"]]
    template.to_csv(ref / "labels.csv", index=False)
    (study / "study").mkdir()
    (study / "study" / "settings.yml").write_text(
        "seeds: [0, 1]\nk_range: [3, 4]\nn_boot: 10\nn_perm: 50\nseed_word_checks: false\n", encoding="utf-8"
    )
    assert main(["--root", str(study), "reproduce", "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    ran = [p.stem for p in sorted((study / "notebooks").glob("*.ipynb")) if _executed(p)]
    assert ran == ["01_corpus", "03_lda", "04_nmf", "05_themes_vs_reference", "06_your_own_corpus"]
    assert "estimated time" in err and "K sweep: 4 of 16 fits read from the cache" in err  # the measured ones
    # a second run with nothing changed does nothing
    assert main(["--root", str(study), "reproduce", "--jobs", "1"]) == 0
    assert "nothing changed since the last run" in capsys.readouterr().err
