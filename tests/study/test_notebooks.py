"""The committed notebooks: executed, narrative, thin (no function or class definitions)."""

import ast
import re

import nbformat
import pytest
from helpers import ROOT

from themes.study.notebooks import NEEDS, needs, notebook_paths, run_notebooks

NOTEBOOKS = notebook_paths(ROOT / "notebooks")


def code_of(cell) -> str:
    """A code cell's Python, without IPython magics."""
    return "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))


def test_there_are_seven_numbered_notebooks():
    assert [p.name for p in NOTEBOOKS] == [
        "01_corpus.ipynb",
        "02_reference_set.ipynb",
        "03_lda.ipynb",
        "04_nmf.ipynb",
        "05_themes_vs_reference.ipynb",
        "06_your_own_corpus.ipynb",
        "07_keyatm_and_intrusion.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_thin_and_narrative(path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    for word in ("Question", "Inputs", "Outputs"):
        assert word in first.source
    assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells)
    code = [c for c in nb.cells if c.cell_type == "code"]
    for cell in code:
        tree = ast.parse(code_of(cell))
        defs = [
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda)
        ]
        assert not defs, f"{path.name}: a definition belongs in themes/, not in a notebook:\n{cell.source}"
        assert len(cell.source.splitlines()) <= 12
    assert "run_record" in nb.cells[-1].source
    markdown = sum(len(c.source) for c in nb.cells if c.cell_type == "markdown")
    assert markdown > sum(len(c.source) for c in code)  # more explanation than code


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_holds_its_executed_outputs(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code)
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not re.search(r"/tmp/|/work/|/home/", nbformat.writes(nb))  # no machine paths in outputs


def test_figures_are_visible_without_running_anything():
    for name in (
        "01_corpus",
        "02_reference_set",
        "03_lda",
        "04_nmf",
        "05_themes_vs_reference",
        "06_your_own_corpus",
        "07_keyatm_and_intrusion",
    ):
        nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        assert any("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])), name


def test_only_the_corpus_and_your_own_corpus_notebooks_run_without_labels():
    # what themes init's README promises a study without hand labels yet
    assert [p.stem for p in NOTEBOOKS if "labels" not in needs(p)] == ["01_corpus", "06_your_own_corpus"]
    assert all(set(needs(p)) <= set(NEEDS) for p in NOTEBOOKS)


@pytest.mark.parametrize(
    ("path", "need", "reads"),
    [
        (ROOT / "notebooks" / "02_reference_set.ipynb", "coders", "agreement.csv"),
        (ROOT / "notebooks" / "07_keyatm_and_intrusion.ipynb", "intrusion", "intrusion.csv"),
    ],
    ids=lambda x: getattr(x, "stem", x),
)
def test_a_notebook_reading_what_a_study_may_lack_says_it_needs_it(path, need, reads):
    # one coder, or no intrusion tests answered: the main job leaves these notebooks instead of failing
    assert reads in "".join(c.source for c in nbformat.read(path, as_version=4).cells)
    assert need in needs(path)


@pytest.mark.slow  # starts a Jupyter kernel
def test_without_labels_the_notebooks_needing_them_are_left_as_they_are(tmp_path):
    plain = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    labelled = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 / 0")])  # would fail if run
    labelled.metadata["themes"] = {"needs": ["labels"]}
    nbformat.write(plain, tmp_path / "01_plain.ipynb")
    nbformat.write(labelled, tmp_path / "02_labelled.ipynb")
    before = (tmp_path / "02_labelled.ipynb").read_bytes()
    assert run_notebooks(tmp_path, available=["coders"]) == [tmp_path / "01_plain.ipynb"]
    assert (tmp_path / "02_labelled.ipynb").read_bytes() == before
    assert nbformat.read(tmp_path / "01_plain.ipynb", as_version=4).cells[0].outputs  # executed
