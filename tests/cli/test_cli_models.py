"""The fit and score commands: output, and one clear line with exit code 2 for bad input."""

import io
import json
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from helpers import ROOT, planted_texts

from themes.cli import main


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--k", "0"], "at least 1"),
        (["--k", "50"], "not below the number of paragraphs (50)"),
        (["--k", "5", "--model", "lda_magic"], "unknown model 'lda_magic'"),
    ],
)
def test_fit_rejects_bad_settings(capsys, args, needle):
    argv = ["--root", str(ROOT), "fit", *args]
    if "--model" not in args:
        argv += ["--model", "lda_gensim"]
    code, _, err = run(capsys, *argv)
    assert code == 2 and needle in err and err.count("\n") == 1


@pytest.mark.slow  # over half a second
def test_fit_prints_topics_and_warns_about_missing_seed_words(capsys):
    code, out, err = run(capsys, "--root", str(ROOT), "fit", "--model", "lda_seeded", "--k", "7")
    assert code == 0 and "sleeper_cells" in out and "free_2" in out
    assert "seed words not in the vocabulary" in err and "smuggling" in err


def test_fit_stops_when_a_theme_has_no_seed_word_left(project_copy, capsys):
    path = project_copy.seed_words
    path.write_text(
        path.read_text(encoding="utf-8")
        .replace("  - sleeper\n", "  - zzyzx\n")
        .replace("  - cells\n", "")
        .replace("  - redeploy\n", "")
        .replace("  - refugees\n", "")
        .replace("  - scattered\n", ""),
        encoding="utf-8",
    )
    code, _, err = run(capsys, "--root", str(project_copy.root), "fit", "--model", "nmf_seeded", "--k", "7")
    assert code == 2 and "no seed word of theme(s) sleeper_cells" in err


def test_an_emptied_vocabulary_exits_2(tmp_path, capsys):
    """Every word in one paragraph only: min_df=2 leaves nothing to model."""
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    (raw / "a.txt").write_text(
        "Alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar.\n\n"
        "Quebec romeo sierra tango uniform victor whiskey xray yankee zulu amber bronze cobalt denim.\n",
        encoding="utf-8",
    )
    ref = tmp_path / "data" / "reference"
    ref.mkdir()
    (ref / "codebook.md").write_text("## Themes\n\n### letters\n", encoding="utf-8")
    (ref / "seed_words.yml").write_text("letters: [alpha]\n", encoding="utf-8")
    code, _, err = run(capsys, "--root", str(tmp_path), "fit", "--model", "nmf_sklearn", "--k", "1")
    assert code == 2 and "no term is left" in err


def test_score_prints_the_paragraph_scores_columns_for_unseen_text(tmp_path, capsys):
    new = tmp_path / "new.txt"
    new.write_text(
        "The fighters who deserted the battlefield were told that fleeing is a grave sin and that Allah will "
        "punish those who abandon jihad, so they must stand firm and return to the ranks.\n\n"
        "The group now funds its sleeper cells through smuggling of oil and cigarettes across the desert "
        "border, hiding its money with relatives in the villages it lost.\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "--root", str(ROOT), "score", "--model", "keywords", str(new))
    assert code == 0
    table = pd.read_csv(io.StringIO(out))
    assert table.columns.tolist() == [
        "paragraph_id",
        "model",
        "morale",
        "theology",
        "territory",
        "finance",
        "sleeper_cells",
        "text",
    ]
    themes = ["morale", "theology", "territory", "finance", "sleeper_cells"]
    assert len(table) == 2 and ((table[themes] >= 0) & (table[themes] <= 1)).all().all()
    first, second = table.iloc[0], table.iloc[1]
    assert first["theology"] > first["finance"] and second["finance"] > second["theology"]


@pytest.mark.parametrize("model", ["nmf_seeded", "supervised", "lda_gensim"])
def test_score_works_for_topic_models_and_the_supervised_baseline(tmp_path, capsys, model):
    new = tmp_path / "new.txt"
    new.write_text(
        "Allah commands the believers to fight and never to flee; deserting is a sin punished in "
        "hell, the Quran says, and the oath of allegiance binds every fighter.\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "--root", str(ROOT), "score", "--model", model, str(new))
    assert code == 0
    row = pd.read_csv(io.StringIO(out)).iloc[0]
    assert row["model"] == model and 0 <= row["theology"] <= 1


def test_score_rejects_an_unknown_model_and_a_missing_file(tmp_path, capsys):
    code, _, err = run(capsys, "--root", str(ROOT), "score", "--model", "bert", str(ROOT / "README.md"))
    assert code == 2 and "no saved model 'bert'" in err and "choose one of keyatm" in err
    code, _, err = run(
        capsys, "--root", str(ROOT), "score", "--model", "keywords", str(tmp_path / "none.txt")
    )
    assert code == 2 and "does not exist" in err


@pytest.mark.slow  # starts a new Python process
def test_the_installed_command_exits_2_without_a_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "themes", "fit", "--model", "lda_gensim", "--k", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def test_help_and_an_unknown_model_import_no_numeric_library():
    # the registry names the models without importing their estimators, so help and early
    # errors come at once instead of after seconds of importing scikit-learn, gensim and numba
    code = (
        "import contextlib, io, sys; from themes.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        "    codes = [main(['--help']), main(['fit', '--model', 'x', '--k', '3']),"
        " main(['score', '--model', 'x', 'f.txt'])]\n"
        "print(codes, sorted(m for m in ('sklearn', 'gensim', 'numba', 'pandas') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[0, 2, 2] []"


def test_score_says_when_the_saved_model_is_missing_or_from_other_versions(project_copy, tmp_path, capsys):
    new = tmp_path / "new.txt"
    new.write_text(
        "Allah commands the believers to fight and never to flee from the battle.\n", encoding="utf-8"
    )
    root = str(project_copy.root)
    shutil.rmtree(project_copy.results / "models" / "nmf_seeded")
    code, _, err = run(capsys, "--root", root, "score", "--model", "nmf_seeded", str(new))
    assert code == 2 and "no saved model 'nmf_seeded'" in err and err.count("\n") == 1
    meta_path = project_copy.results / "models" / "lda_gensim" / "model.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["versions"]["gensim"] = "3.0.0"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    code, _, err = run(capsys, "--root", root, "score", "--model", "lda_gensim", str(new))
    assert code == 2 and "gensim 3.0.0" in err and err.count("\n") == 1


def test_fit_on_any_corpus_writes_topics_shares_and_a_loadable_model(tmp_path, capsys):
    table = tmp_path / "texts.csv"
    texts, ids, _ = planted_texts(n_per_group=4)
    pd.DataFrame({"id": ids, "text": [t.capitalize() + "." for t in texts]}).to_csv(table, index=False)
    out = tmp_path / "out"
    code, stdout, _ = run(
        capsys, "fit", "--corpus", str(table), "--model", "nmf_sklearn", "--k", "3", "--out", str(out)
    )
    assert code == 0 and "topic_03" in stdout
    shares = pd.read_csv(out / "document_topics.csv")
    assert len(shares) == 12 and shares.columns.tolist() == [
        "paragraph_id",
        "topic_01",
        "topic_02",
        "topic_03",
    ]
    from themes import TopicModel

    model = TopicModel.load(out / "model")
    assert model.transform(["barley harvest"]).shape == (1, 3)
    code, _, err = run(
        capsys, "fit", "--corpus", str(table), "--model", "nmf_seeded", "--k", "2", "--out", str(out)
    )
    assert code == 2 and "--seed-words" in err
    code, _, err = run(capsys, "fit", "--corpus", str(table), "--model", "nmf_sklearn", "--k", "2")
    assert code == 2 and "--out" in err


@pytest.mark.parametrize("name", ["lda_tomotopy", "lda_online"])
def test_fit_on_any_corpus_offers_the_backends_for_large_corpora(tmp_path, capsys, name):
    table = tmp_path / "texts.csv"
    texts, ids, _ = planted_texts(n_per_group=6)
    pd.DataFrame({"id": ids, "text": [t.capitalize() + "." for t in texts]}).to_csv(table, index=False)
    out = tmp_path / "out"
    code, stdout, _ = run(
        capsys, "fit", "--corpus", str(table), "--model", name, "--k", "3", "--out", str(out)
    )
    assert code == 0 and "topic_03" in stdout
    from themes import TopicModel

    model = TopicModel.load(out / "model")  # saved without pickle, the wrapped estimator included
    shares = pd.read_csv(out / "document_topics.csv").set_index("paragraph_id")
    again = model.transform(
        pd.DataFrame({"paragraph_id": ids, "text": [t.capitalize() + "." for t in texts]})
    )
    assert again.shape == shares.shape and np.allclose(again.sum(axis=1), 1.0)
    assert model.name == name


def test_intrusion_create_and_score_from_the_command_line(project_copy, tmp_path, capsys):
    root = str(project_copy.root)
    folder = tmp_path / "test"
    code, out, _ = run(
        capsys,
        "--root",
        root,
        "intrusion",
        "create",
        "--model",
        "nmf_sklearn",
        "--out",
        str(folder),
        "--paragraphs",
        "4",
    )
    assert code == 0 and (folder / "form" / "word_intrusion.csv").is_file()
    assert not list((folder / "form").glob("*key*"))
    # a coder who always picks the intruder, from the key (a test of the scoring only)
    for task in ("word", "topic"):
        key = pd.read_csv(folder / "key" / f"{task}_intrusion_key.csv")
        form = pd.read_csv(folder / "form" / f"{task}_intrusion.csv")
        form["answer"] = form["item_id"].map(dict(zip(key["item_id"], key["intruder_option"], strict=True)))
        form.to_csv(tmp_path / f"oracle_{task}.csv", index=False)
    code, out, _ = run(
        capsys,
        "intrusion",
        "score",
        str(folder),
        "--word",
        str(tmp_path / "oracle_word.csv"),
        "--topic",
        str(tmp_path / "oracle_topic.csv"),
    )
    assert code == 0 and (folder / "scores").is_dir()
    code, _, err = run(capsys, "intrusion", "score", str(folder))
    assert code == 2 and "no answer file" in err and err.count("\n") == 1
    code, _, err = run(capsys, "--root", root, "intrusion", "create", "--model", "bert")
    assert code == 2 and "no saved topic model 'bert'" in err
