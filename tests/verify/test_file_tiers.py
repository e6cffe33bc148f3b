"""One file's tier (``themes.verify.file_tiers``): CSV tables by their numbers, notebooks by their
text outputs."""

import nbformat
import pandas as pd

from themes.verify.file_tiers import compare_file


def _csv(path, table):
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False)
    return path


def test_a_number_moved_within_tolerance_is_equivalent(tmp_path):
    table = pd.DataFrame({"model": ["a", "b"], "auc": [0.712345, 0.5], "verdict": ["recovered", "not"]})
    a = _csv(tmp_path / "a.csv", table)
    b = _csv(tmp_path / "b.csv", table.assign(auc=[0.712345 + 3e-7, 0.5]))
    c = _csv(tmp_path / "c.csv", table.assign(auc=[0.712345 + 1e-3, 0.5]))
    d = _csv(tmp_path / "d.csv", table.assign(verdict=["recovered", "recovered"]))
    e = _csv(tmp_path / "e.csv", table.rename(columns={"auc": "roc_auc"}))
    assert compare_file(a, a) == ("identical", "")
    assert compare_file(a, b) == ("equivalent", "largest change 3e-07 (auc)")
    tier, detail = compare_file(a, c)
    assert tier == "holds" and "auc 1 cells" in detail
    tier, detail = compare_file(a, d)
    assert tier == "holds" and "verdict" in detail
    assert compare_file(a, e)[0] == "DRIFT"


def _notebook(path, value, sha):
    cells = [
        nbformat.v4.new_code_cell(
            "summary", outputs=[nbformat.v4.new_output("stream", text=f"auc {value}\n")]
        ),
        nbformat.v4.new_code_cell(
            "th.run_record(project)",
            outputs=[nbformat.v4.new_output("execute_result", data={"text/plain": f"sha256 {sha}"})],
        ),
    ]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


def test_notebooks_are_equivalent_apart_from_the_run_record_and_rounding(tmp_path):
    a = _notebook(tmp_path / "a.ipynb", "0.6850", "5727cd")
    same = _notebook(tmp_path / "b.ipynb", "0.6851", "abcdef")  # last printed digit, other manifest
    moved = _notebook(tmp_path / "c.ipynb", "0.7000", "5727cd")
    assert compare_file(a, same)[0] == "equivalent"
    assert compare_file(a, moved)[0] == "holds"
