"""Security faults: nothing a model, seed-word or table file says makes the program do more than read it.

A saved model may come from anyone: its arrays are read by fixed names inside its folder, their
headers checked against the file before anything is allocated, its regular expressions and
settings against the package's own, its shapes against each other. YAML goes through one strict
loader (no aliases, bounded size and depth). Every CSV a person may open in a spreadsheet is
defused, and what the package writes it reads back as it was.
"""

from __future__ import annotations

import io
import os
import shutil

import numpy as np
import pandas as pd
import pytest
from fault_cases import (
    GOOD,
    change_record,
    make_project,
    one_line,
    planted_rows,
    refused,
    run,
    run_process,
    set_vectorizer_param,
    table_corpus,
    write,
)
from helpers import planted_texts

from themes import files


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "project")


@pytest.fixture
def scratch(tmp_path):
    folder = tmp_path / "scratch"
    folder.mkdir()
    return folder


def _models(root):
    return root / "results" / "models"


def _estimator_attr(name, value):
    def change(data):
        data["estimator"]["attributes"][name] = value

    return change


def _estimator_param(name, value):
    def change(data):
        pairs = data["estimator"]["params"]["__dict__"]
        pairs[:] = [p for p in pairs if p[0] != name] + [[name, value]]

    return change


def _npy_header(path, shape, dtype="<f8"):
    """An .npy file whose header announces ``shape`` but holds 16 bytes of data."""
    header = {"descr": dtype, "fortran_order": False, "shape": shape}
    text = repr(header).encode("latin1")
    text += b" " * (64 - (10 + len(text) + 1) % 64) + b"\n"
    path.write_bytes(b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text + bytes(16))


def _load(folder, name):
    return np.load(folder / f"{name}.npy")


# Each case: (model, tamper(folder, scratch), words the one-line refusal must hold). The model is
# then asked to score a text with `themes score`.
TAMPERED = {
    "an array named by a path out of the folder": (
        "nmf_sklearn",
        lambda f, s: (
            np.save(s.parent / "outside.npy", _load(f, "estimator.components_")),
            change_record(f, _estimator_attr("components_", {"__npy__": "../../../../outside"})),
        ),
        ["'../../../../outside'", "not estimator.components_"],
    ),
    "an array named by an absolute path": (
        "nmf_sklearn",
        lambda f, s: (
            np.save(s / "abs.npy", _load(f, "estimator.components_")),
            change_record(f, _estimator_attr("components_", {"__npy__": str(s / "abs")})),
        ),
        ["not estimator.components_"],
    ),
    "an array named after another array of the folder": (
        "nmf_sklearn",
        lambda f, s: change_record(f, _estimator_attr("components_", {"__npy__": "topic_term"})),
        ["'topic_term'", "estimator.components_"],
    ),
    "an array that is a symbolic link out of the folder": (
        "nmf_sklearn",
        lambda f, s: (
            np.save(s / "linked.npy", _load(f, "estimator.components_")),
            (f / "estimator.components_.npy").unlink(),
            (f / "estimator.components_.npy").symlink_to(s / "linked.npy"),
        ),
        ["symbolic link", "estimator.components_.npy"],
    ),
    "an array header asking for 745 GiB": (
        "nmf_sklearn",
        lambda f, s: _npy_header(f / "estimator.components_.npy", (1_000_000, 100_000)),
        ["estimator.components_.npy", "800,000,000,000 bytes"],
    ),
    "a truncated array": (
        "lda_sklearn",
        lambda f, s: (f / "topic_term.npy").write_bytes((f / "topic_term.npy").read_bytes()[:-80]),
        ["topic_term.npy", "announces"],
    ),
    "an array of pickled objects": (
        "nmf_sklearn",
        lambda f, s: np.save(f / "estimator.components_.npy", np.array([{"a": 1}], dtype=object)),
        ["estimator.components_.npy", "not numbers"],
    ),
    "an array that is not .npy at all": (
        "nmf_sklearn",
        lambda f, s: write(f / "topic_term.npy", b"#!/bin/sh\necho hi\n"),
        ["topic_term.npy", "header"],
    ),
    "NaN in the estimator's components": (
        "nmf_sklearn",
        lambda f, s: np.save(
            f / "estimator.components_.npy", np.full_like(_load(f, "estimator.components_"), np.nan)
        ),
        ["NaN or infinite", "estimator.components_.npy"],
    ),
    "NaN in every topic-term value": (
        "lda_sklearn",
        lambda f, s: np.save(f / "topic_term.npy", np.full_like(_load(f, "topic_term"), np.nan)),
        ["NaN or infinite", "topic_term.npy"],
    ),
    "infinity in the vectorizer's idf": (
        "supervised",
        lambda f, s: np.save(f / "vectorizer.idf.npy", np.full_like(_load(f, "vectorizer.idf"), np.inf)),
        ["NaN or infinite", "vectorizer.idf.npy"],
    ),
    "NaN in LDA's Dirichlet component": (
        "lda_sklearn",
        lambda f, s: np.save(
            f / "estimator.exp_dirichlet_component_.npy",
            np.full_like(_load(f, "estimator.exp_dirichlet_component_"), np.nan),
        ),
        ["NaN or infinite", "exp_dirichlet_component_"],
    ),
    "topic-term of another shape": (
        "lda_sklearn",
        lambda f, s: np.save(f / "topic_term.npy", np.full((2, 5), 0.2)),
        ["topic_term.npy", "shape (2, 5)"],
    ),
    "doc-topic of another shape": (
        "lda_sklearn",
        lambda f, s: np.save(f / "doc_topic.npy", np.full((7, 3), 1 / 3)),
        ["doc_topic.npy", "shape (7, 3)"],
    ),
    "components of another shape": (
        "nmf_sklearn",
        lambda f, s: np.save(f / "estimator.components_.npy", np.ones((11, 5))),
        ["components_", "shape (11, 5)"],
    ),
    "topic-term rows that are not shares": (
        "lda_sklearn",
        lambda f, s: np.save(f / "topic_term.npy", -_load(f, "topic_term")),
        ["topic_term.npy", "shares summing to one"],
    ),
    "a catastrophic word pattern": (
        "nmf_sklearn",
        lambda f, s: change_record(f, lambda d: set_vectorizer_param(d, "token_pattern", "(a+)+$")),
        ["'(a+)+$'", "not one of the package's own"],
    ),
    "a word pattern that is not the package's": (
        "keywords",
        lambda f, s: change_record(
            f, lambda d: set_vectorizer_param(d, "token_pattern", r"\w"), "scorer.json"
        ),
        ["word pattern", "not one of the package's own"],
    ),
    "a vectorizer setting of the wrong type": (
        "lda_sklearn",
        lambda f, s: change_record(f, lambda d: set_vectorizer_param(d, "min_token_length", "2")),
        ["min_token_length"],
    ),
    "a vectorizer setting it does not have": (
        "lda_sklearn",
        lambda f, s: change_record(f, lambda d: set_vectorizer_param(d, "analyzer", "char")),
        ["vectorizer settings other than"],
    ),
    "stop words that are not words": (
        "supervised",
        lambda f, s: change_record(
            f, lambda d: set_vectorizer_param(d, "extra_stop_words", {"__tuple__": [1, 2]}), "scorer.json"
        ),
        ["extra_stop_words"],
    ),
    "phrases that are not a mapping": (
        "nmf_sklearn",
        lambda f, s: change_record(f, lambda d: d["vectorizer"].update(phrasegrams=[1, 2])),
        ["phrases"],
    ),
    "display words fewer than the terms": (
        "nmf_sklearn",
        lambda f, s: change_record(f, lambda d: d["vectorizer"].update(display_words=["a"])),
        ["display words"],
    ),
    "an estimator parameter it does not take": (
        "nmf_sklearn",
        lambda f, s: change_record(f, _estimator_param("run_this", "os.system")),
        ["run_this", "does not take"],
    ),
    "a trillion iterations": (
        "nmf_sklearn",
        lambda f, s: change_record(f, _estimator_param("max_iter", 10**12)),
        ["max_iter", "out-of-range"],
    ),
    "a parameter that is a nested structure of numbers out of range": (
        "lda_sklearn",
        lambda f, s: change_record(f, _estimator_param("doc_topic_prior", [1e300, -1e300])),
        ["doc_topic_prior"],
    ),
    "an attribute replacing a method": (
        "nmf_sklearn",
        lambda f, s: change_record(f, _estimator_attr("transform", 1)),
        ["'transform'", "may not"],
    ),
    "an attribute replacing the class": (
        "lda_sklearn",
        lambda f, s: change_record(f, _estimator_attr("__class__", "x")),
        ["'__class__'"],
    ),
    "a feature count other than the vocabulary's": (
        "nmf_sklearn",
        lambda f, s: change_record(f, _estimator_attr("n_features_in_", 5)),
        ["n_features_in_ = 5"],
    ),
    "a topic count other than the arrays'": (
        "nmf_sklearn",
        lambda f, s: change_record(f, _estimator_param("n_components", 4)),
        ["4 topics"],
    ),
    "seed columns outside the vocabulary": (
        "keyatm",
        lambda f, s: change_record(
            f,
            lambda d: d["estimator"]["attributes"]["seed_columns_"]["__dict__"][0].__setitem__(1, [10**6]),
        ),
        ["seed columns"],
    ),
    "a record nested 100,000 deep": (
        "nmf_sklearn",
        lambda f, s: write(f / "model.json", "[" * 100_000 + "]" * 100_000),
        ["model.json"],
    ),
    "a record holding NaN": (
        "nmf_sklearn",
        lambda f, s: (
            change_record(f, _estimator_param("tol", "NOT_A_NUMBER")),
            write(f / "model.json", (f / "model.json").read_text().replace('"NOT_A_NUMBER"', "NaN")),
        ),
        ["NaN", "model.json"],
    ),
    "a record that is a list": (
        "nmf_sklearn",
        lambda f, s: write(f / "model.json", "[1, 2, 3]"),
        ["not a JSON object"],
    ),
    "a record over 256 MiB": (
        "nmf_sklearn",
        lambda f, s: os.truncate(f / "model.json", 300 * 2**20),
        ["model.json", "bytes"],
    ),
    "library versions that are not a mapping": (
        "nmf_sklearn",
        lambda f, s: change_record(f, lambda d: d.update(versions=["numpy"])),
        ["'versions'"],
    ),
    "topic names that are not text": (
        "lda_sklearn",
        lambda f, s: change_record(f, lambda d: d.update(topic_names=[1, 2, 3])),
        ["topic names"],
    ),
    "paragraph ids that are not text": (
        "lda_sklearn",
        lambda f, s: change_record(f, lambda d: d.update(paragraph_ids={"a": 1})),
        ["paragraph ids"],
    ),
    "a theme matched to a topic the model lacks": (
        "lda_sklearn",
        lambda f, s: change_record(f, lambda d: d["matching"].update(morale="topic_99"), "scorer.json"),
        ["topic the model does not have"],
    ),
    "seed words that are one string": (
        "keywords",
        lambda f, s: change_record(f, lambda d: d["seed_words"].update(morale="fear"), "scorer.json"),
        ["seed words of morale"],
    ),
    "a classifier's array named after another theme's": (
        "supervised",
        lambda f, s: change_record(
            f,
            lambda d: d["classifiers"]["morale"]["attributes"].update(coef_={"__npy__": "classifier1.coef_"}),
            "scorer.json",
        ),
        ["classifier1.coef_", "classifier0.coef_"],
    ),
    "a classifier of another width": (
        "supervised",
        lambda f, s: np.save(f / "classifier0.coef_.npy", np.ones((1, 5))),
        ["coef_", "shape (1, 5)"],
    ),
    "a constant classifier that is not a number": (
        "supervised",
        lambda f, s: change_record(
            f, lambda d: d["classifiers"].update(morale={"constant": "x"}), "scorer.json"
        ),
        ["'constant'"],
    ),
    "a scorer of an unknown kind": (
        "keywords",
        lambda f, s: change_record(f, lambda d: d.update(kind="shell"), "scorer.json"),
        ["unknown kind"],
    ),
    "classifiers for other themes": (
        "supervised",
        lambda f, s: change_record(f, lambda d: d["classifiers"].pop("morale"), "scorer.json"),
        ["other themes"],
    ),
    "an estimator class that is not a backend": (
        "nmf_sklearn",
        lambda f, s: change_record(f, lambda d: d["estimator"].update({"class": "os.system"})),
        ["'os.system'", "not allowed"],
    ),
}


SLOW_TAMPERED = ("a record over 256 MiB",)  # hashing the project before and after reads 300 MB


@pytest.mark.parametrize(
    "case", [pytest.param(c, marks=pytest.mark.slow) if c in SLOW_TAMPERED else c for c in TAMPERED]
)
def test_a_tampered_model_is_refused_in_one_line(case, project, scratch, capsys):
    model, tamper, needles = TAMPERED[case]
    tamper(_models(project) / model, scratch)
    text = write(scratch / "new.txt", GOOD + "\n")
    refused(["--root", project, "score", "--model", model, text], capsys, *needles, unchanged=project)


@pytest.mark.slow  # a new process: a catastrophic pattern would never return
def test_a_catastrophic_word_pattern_is_never_compiled(project, scratch):
    change_record(
        _models(project) / "nmf_sklearn", lambda d: set_vectorizer_param(d, "token_pattern", "(a+)+$")
    )
    text = write(scratch / "aaa.txt", "a" * 40 + "! " + GOOD + "\n")
    result = run_process(["--root", project, "score", "--model", "nmf_sklearn", text], timeout=60)
    assert result.returncode == 2
    one_line(result.stderr, "not one of the package's own")


def test_a_model_name_that_is_a_path_is_refused(project, scratch, capsys):
    # a working model outside results/models must not be reachable through --model
    shutil.copytree(_models(project) / "nmf_sklearn", project / "results" / "elsewhere")
    text = write(scratch / "new.txt", GOOD + "\n")
    refused(["--root", project, "score", "--model", "../elsewhere", text], capsys, "not a model name")
    argv = ["--root", project, "intrusion", "create", "--model", "../elsewhere", "--out", scratch / "o"]
    refused(argv, capsys, "not a model name")
    assert not (scratch / "o").exists()


# ------------------------------------------------------------------------ YAML

LAUGHS = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "morale: [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
)


@pytest.mark.slow  # a new process: the expansion would take all memory and time
def test_a_billion_laughs_seed_word_file_is_refused_at_once(project):
    write(project / "data/reference/seed_words.yml", LAUGHS)
    result = run_process(["--root", project, "reference"], timeout=60)
    assert result.returncode == 2
    one_line(result.stderr, "anchor &a", "seed_words.yml")


SEED_FILES = {
    "an alias": ("base: &w [fear]\nmorale: *w\n", ["anchor &w"]),
    "a merge key": ("base: &w {a: 1}\nmorale:\n  <<: *w\n", ["anchor &w"]),
    "nesting 5,000 deep": ("morale: " + "[" * 5000 + "]" * 5000 + "\n", ["levels deep"]),
    "block nesting 100 deep": ("".join("  " * i + f"k{i}:\n" for i in range(100)), ["levels deep"]),
    "a file of 2 MiB": ("# " + "x" * 2**21 + "\nmorale: [fear]\n", ["bytes"]),
}


@pytest.mark.parametrize("case", list(SEED_FILES))
def test_seed_word_yaml_beyond_the_strict_loader_is_refused(case, project, capsys):
    text, needles = SEED_FILES[case]
    write(project / "data/reference/seed_words.yml", text)
    refused(["--root", project, "reference"], capsys, *needles, "seed_words.yml", unchanged=project)


@pytest.mark.slow  # a new process: the expansion would take all memory and time
def test_seed_words_given_to_fit_go_through_the_same_loader(scratch):
    corpus = table_corpus(scratch / "c.csv", planted_rows())
    seeds = write(scratch / "seeds.yml", LAUGHS)
    argv = ["fit", "--corpus", corpus, "--model", "nmf_seeded", "--k", "3", "--seed-words", seeds]
    result = run_process([*argv, "--out", scratch / "o"], timeout=60)
    assert result.returncode == 2
    one_line(result.stderr, "anchor", "seeds.yml")
    assert not (scratch / "o").exists()


# -------------------------------------------------------- spreadsheet formulas

FORMULA = '=HYPERLINK("http://example.com","click")'


def test_scores_printed_by_score_are_defused(project, scratch, capsys):
    texts, _, _ = planted_texts(n_per_group=2)
    starts = [f"{FORMULA} The", "-The", "@The", "+The"]
    text = write(
        scratch / "f.txt", "\n\n".join(f"{a} {t}." for a, t in zip(starts, texts, strict=False)) + "\n"
    )
    code, out, err = run(["--root", project, "score", "--model", "keywords", text], capsys)
    assert code == 0, err
    cells = [c for line in out.splitlines() for c in line.split(",")]
    assert not any(c[:1] in ("=", "+", "-", "@") for c in cells), out
    table = files.read_csv(io.StringIO(out), dtype=str, keep_default_na=False)
    assert len(table) == 4 and table["text"].str.startswith(("=HYPERLINK", "-The", "@The", "+The")).all()


ODD_IDS = ["-minus", "=equals", "+plus", "@at"]


def test_ids_that_start_like_a_formula_round_trip_through_init_corpus_and_score(project, scratch, capsys):
    rows = planted_rows(n_per_group=2, ids=[*ODD_IDS, "plain1", "plain2"])
    study = scratch / "study"
    code, _, err = run(
        ["init", study, "--themes", "sea,farm", "--corpus", table_corpus(scratch / "c.csv", rows)], capsys
    )
    assert code == 0, err
    provenance = (study / "data/raw/provenance.csv").read_text(encoding="utf-8")
    assert not any(line.startswith(("=", "+", "-", "@")) for line in provenance.splitlines())
    code, _, err = run(["--root", study, "corpus"], capsys)  # reads its own provenance back
    assert code == 0, err
    paragraphs = files.read_csv(study / "data/processed/paragraphs.csv", dtype=str, keep_default_na=False)
    assert {f"{i}-p001" for i in ODD_IDS} <= set(paragraphs["paragraph_id"])
    template = files.read_csv(study / "data/reference/labels_template.csv", dtype=str, keep_default_na=False)
    assert {f"{i}-p001" for i in ODD_IDS} <= set(template["paragraph_id"])
    # labels made from the template (quotes and all, as a spreadsheet keeps them) are read back
    labels = (study / "data/reference/labels_template.csv").read_text(encoding="utf-8").replace(",,", ",0,")
    write(study / "data/reference/labels.csv", labels.replace(",\n", ",1\n"))
    from themes.reference.labels import read_labels

    assert {f"{i}-p001" for i in ODD_IDS} <= set(read_labels(study / "data/reference/labels.csv").index)
    corpus_table = table_corpus(scratch / "new.csv", [{"id": "=new", "text": GOOD}])
    code, out, err = run(["--root", project, "score", "--model", "keywords", corpus_table], capsys)
    assert code == 0, err
    assert files.read_csv(io.StringIO(out))["paragraph_id"].tolist() == ["=new-p001"]


def test_intrusion_forms_handed_to_coders_are_defused(tmp_path):
    from themes.models.fitting import fit_matrix
    from themes.study.design import get_corpus_spec
    from themes.text.matrix import DocumentTermMatrix
    from themes.text.vectorizer import Vectorizer
    from themes.validate.intrusion import write_intrusion_test

    texts, ids, groups = planted_texts(n_per_group=12)
    table = pd.DataFrame({"paragraph_id": ids, "doc_id": groups, "text": [f"{FORMULA} {t}" for t in texts]})
    dtm = DocumentTermMatrix.from_paragraphs(Vectorizer(stem=False, corpus_stop_min_df=None), table, fit=True)
    model = fit_matrix(get_corpus_spec("nmf_sklearn").make(k=3, seed=0, seed_words=None), dtm, name="nmf")
    folder = write_intrusion_test(model, table, tmp_path / "test", seed=0, n_paragraphs=5, n_topics=1)
    form = (folder / "form" / "topic_intrusion.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in form and ",=HYPERLINK" not in form and "\n=HYPERLINK" not in form
    back = files.read_csv(folder / "form" / "topic_intrusion.csv", dtype=str, keep_default_na=False)
    assert back["text"].str.startswith("=HYPERLINK").all()


def test_a_defused_value_reads_back_exactly(tmp_path):
    values = ["=1+1", "'=1+1", "''=x", "-3", "'quoted'", "plain", "@", "'", "", "\tx"]
    path = files.write_csv(tmp_path / "t.csv", pd.DataFrame({"v": values}))
    assert files.read_csv(path, dtype=str, keep_default_na=False)["v"].tolist() == values
    assert not any(line[:1] in ("=", "+", "-", "@", "\t") for line in path.read_text().splitlines())
