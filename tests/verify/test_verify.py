"""`themes verify` gives a verdict in tiers: identical, equivalent, holds, DRIFT.

The tier rules are tested on copies of the committed results with one number changed (one file's
tier on small hand-made files: tests/verify/test_file_tiers.py). The rebuild of
tests/study/test_reproduce.py runs directly and under other OpenBLAS kernels than the committed
results were made with, and must compare as identical or equivalent. The claims held against the
rebuilt results are those the study declares in its own ``study/findings.py``.
"""

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from helpers import ROOT

from themes.cli import main
from themes.errors import ThemesError
from themes.study.claims import FINDINGS_FILE, check_findings, load_claims
from themes.verify import verdict as verify

OWN_CLAIMS = """
from themes.study.claims import Finding

def keywords_lead(t):
    s = t["summary"].set_index("model")
    return Finding(bool(s["auc_mean"].idxmax() == "keywords"), f"best: {s['auc_mean'].idxmax()}")

def naive_lda_recovers_everything(t):
    n = int(t["summary"].set_index("model").at["lda_naive", "themes_recovered"])
    return Finding(n == 5, f"lda_naive recovers {n} themes")

CLAIMS = {
    "counting the seed words leads": keywords_lead,
    "naive LDA recovers every theme": naive_lda_recovers_everything,
}
"""
"""A study's own claims: the first holds on the committed results, the second never did."""


@pytest.fixture(scope="module")
def committed(tmp_path_factory):
    """A project holding a copy of the committed results and the study's own claims (study/findings.py)."""
    target = tmp_path_factory.mktemp("committed") / "project"
    shutil.copytree(ROOT / "results", target / "results")
    study = FINDINGS_FILE.parent
    shutil.copytree(ROOT / study, target / study, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.fixture
def rebuilt(committed, tmp_path):
    """A second copy of the committed results, to be altered as a rebuild might alter it."""
    target = tmp_path / "rebuilt"
    shutil.copytree(committed / "results", target / "results")
    return target


def _csv(path, table):
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False)
    return path


def _edit(root, name, model, column, change, theme=None):
    """Change one cell (``change(old) -> new``) of a results table, as a rebuild might; the row before."""
    path = root / "results" / name
    table = pd.read_csv(path)
    rows = table["model"] == model
    if theme is not None:
        rows &= table["theme"] == theme
    assert rows.sum() == 1
    before = table.loc[rows].iloc[0].copy()
    table.loc[rows, column] = change(before[column])
    table.to_csv(path, index=False, float_format="%.6g")
    return before


def test_an_auc_moved_beyond_tolerance_inside_its_interval_holds(committed, rebuilt, findings_hold):
    old = _edit(rebuilt, "alignment.csv", "lda_gensim", "auc_mean", lambda x: x + 0.01, theme="morale")
    assert old["auc_ci_low"] < old["auc_mean"] < old["auc_ci_high"]
    result = verify.compare_trees(committed, rebuilt)
    assert result.tier == "holds"
    tiers = result.files.set_index("file")["tier"]
    assert tiers["results/alignment.csv"] == "holds" and tiers["results/summary.csv"] == "identical"
    assert tiers["results/MANIFEST.json"] == "identical"
    (move,) = result.moves.itertuples()
    assert (move.model, move.theme, move.number, move.inside) == ("lda_gensim", "morale", "auc_mean", True)
    assert (move.low, move.high) == (old["auc_ci_low"], old["auc_ci_high"])


def test_an_auc_pushed_outside_its_interval_is_drift_naming_file_model_theme_and_number(
    committed, rebuilt, findings_hold
):
    old = _edit(rebuilt, "alignment.csv", "nmf_sklearn", "auc_mean", lambda _: 0.99, theme="theology")
    assert old["auc_ci_high"] < 0.99
    result = verify.compare_trees(committed, rebuilt)
    assert result.tier == "DRIFT"
    assert result.files.set_index("file").at["results/alignment.csv", "tier"] == "DRIFT"
    report = verify.format_report(result)
    moved = [line for line in report.splitlines() if "moved" in line]
    assert len(moved) == 1
    assert all(
        s in moved[0] for s in ("results/alignment.csv", "nmf_sklearn/theology", "auc_mean", "OUTSIDE")
    )
    assert f"{old['auc_mean']:g} -> 0.99" in moved[0] and report.splitlines()[-1].startswith("DRIFT")


def test_summary_means_and_the_chosen_k_are_held_against_their_intervals(committed, rebuilt, findings_hold):
    _edit(rebuilt, "summary.csv", "nmf_seeded", "f1_mean", lambda x: x + 0.02)
    _edit(rebuilt, "model_selection.csv", "lda_gensim", "K", lambda _: 3)
    moves = verify.compare_trees(committed, rebuilt).moves.set_index("number")
    assert moves.at["f1_mean", "inside"] and moves.at["f1_mean", "file"] == "results/summary.csv"
    assert not moves.at["K", "inside"]  # K=3 is far from within one standard error of the best NPMI


def test_a_finding_made_false_is_drift_naming_the_claim(committed, rebuilt):
    claim = "plain LDA is unstable across seeds, NMF stable"
    claims = load_claims(committed)  # the seed study's own, from the copy of its study/findings.py
    assert check_findings(committed / "results", claims).set_index("claim").at[claim, "holds"]
    # one number of the K sweep, not a headline: plain LDA's stability at its chosen K raised above NMF's
    selection = pd.read_csv(committed / "results" / "model_selection.csv").set_index("model")
    chosen = selection.at["lda_gensim", "K"]
    path = rebuilt / "results" / "model_sweep.csv"
    sweep = pd.read_csv(path)
    row = (sweep["model"] == "lda_gensim") & (sweep["K"] == chosen)
    assert row.sum() == 1
    sweep.loc[row, "stability_mean"] = 0.99
    sweep.to_csv(path, index=False, float_format="%.6g")
    result = verify.compare_trees(committed, rebuilt)
    assert result.tier == "DRIFT"
    # no file left its tolerance by more than its interval: the failed claim alone makes it DRIFT
    assert "DRIFT" not in set(result.files["tier"])
    assert list(result.findings["claim"]) == list(claims)
    failed = result.findings.set_index("claim").loc[claim]
    assert failed["held_before"] and not failed["holds"]
    report = verify.format_report(result)
    assert f"finding no longer holds: {claim}" in report
    held = int(result.findings["holds"].sum())
    assert held < len(claims) and f"{held} of {len(claims)} claims of study/findings.py hold" in report


def _study(root, results, claims=None):
    """A study folder holding a copy of ``results``, and ``claims`` as its study/findings.py (if given)."""
    shutil.copytree(results, root / "results")
    if claims is not None:
        (root / FINDINGS_FILE).parent.mkdir(parents=True)
        (root / FINDINGS_FILE).write_text(claims, encoding="utf-8")
    return root


def test_a_study_without_study_findings_has_no_claims(committed, tmp_path):
    # a study of one's own on which the seed study's claims would fail (the seeding effect is not
    # there to check them on): none of them is held against it, committed or rebuilt
    own = _study(tmp_path / "own", committed / "results")
    (own / "results" / "seeding_effect.csv").unlink()
    rebuilt = _study(tmp_path / "rebuilt", own / "results")
    assert not (own / FINDINGS_FILE).exists() and load_claims(own) == {}
    assert not check_findings(own / "results", load_claims(committed))["holds"].all()  # the seed study's
    result = verify.compare_trees(own, rebuilt)
    assert result.tier == "identical" and result.findings.empty
    report = verify.format_report(result)
    assert "the study declares no claims (study/findings.py): its files alone are compared" in report
    assert "finding does not hold" not in report and "finding no longer holds" not in report
    assert report.splitlines()[-1].startswith("OK: all")


def test_a_declared_claim_failing_on_the_rebuilt_results_is_drift_even_if_it_failed_before(
    committed, tmp_path
):
    own = _study(tmp_path / "own", committed / "results", OWN_CLAIMS)
    rebuilt = _study(tmp_path / "rebuilt", own / "results")  # the same bytes: only the claims differ
    result = verify.compare_trees(own, rebuilt)
    assert set(result.files["tier"]) == {"identical"} and result.moves.empty
    found = result.findings.set_index("claim")
    assert list(found.index) == ["counting the seed words leads", "naive LDA recovers every theme"]
    assert found["holds"].tolist() == [True, False] and found["held_before"].tolist() == [True, False]
    assert result.tier == "DRIFT"  # a claim the study declares and its results do not bear out
    report = verify.format_report(result)
    assert "findings   1 of 2 claims of study/findings.py hold on the rebuilt results" in report
    assert (
        "DRIFT      finding does not hold (nor on the committed results): naive LDA recovers every theme"
        in report
    )
    assert "no longer holds" not in report and report.splitlines()[-1].startswith("DRIFT")
    # the committed study's claims are the ones held: a rebuilt folder's own study/findings.py is not read
    (rebuilt / FINDINGS_FILE).parent.mkdir()
    (rebuilt / FINDINGS_FILE).write_text("CLAIMS = {}\n", encoding="utf-8")
    assert len(verify.compare_trees(own, rebuilt).findings) == 2


def test_claims_that_cannot_be_read_are_refused_in_one_line(tmp_path):
    broken = _study(tmp_path / "broken", ROOT / "results", "CLAIMS = {\n")
    with pytest.raises(ThemesError, match=r"findings\.py could not be read \(SyntaxError"):
        load_claims(broken)
    (broken / FINDINGS_FILE).write_text("claims = {}\n", encoding="utf-8")
    with pytest.raises(ThemesError, match="declares no CLAIMS mapping"):
        load_claims(broken)


def test_a_figure_follows_the_csv_drawn_beside_it(committed, rebuilt, findings_hold):
    figure = rebuilt / "results" / "figures" / "k_sweep.svg"
    figure.write_bytes(figure.read_bytes().replace(b"<svg", b"<svg data-x='1'", 1))
    _edit(rebuilt, "alignment.csv", "lda_gensim", "f1_mean", lambda x: x + 1e-7, theme="morale")
    tiers = verify.compare_trees(committed, rebuilt).files.set_index("file")["tier"]
    assert tiers["results/figures/k_sweep.svg"] == "equivalent"  # k_sweep.csv is identical
    assert tiers["results/MANIFEST.json"] == "identical"


def test_a_missing_file_is_drift(committed, rebuilt):
    (rebuilt / "results" / "failures.csv").unlink()
    result = verify.compare_trees(committed, rebuilt)
    assert result.tier == "DRIFT" and "results/failures.csv: missing" in verify.format_report(result)


def test_the_manifest_is_equivalent_apart_from_its_environment(committed, rebuilt, findings_hold):
    path = rebuilt / "results" / "MANIFEST.json"
    manifest = json.loads(path.read_text())
    manifest["environment"]["threads"]["pools"][0] = "openblas:Zen:1"
    path.write_text(json.dumps(manifest))
    tiers = verify.compare_trees(committed, rebuilt).files.set_index("file")["tier"]
    assert tiers["results/MANIFEST.json"] == "equivalent"
    manifest["seeds"] = [0, 1, 2]
    path.write_text(json.dumps(manifest))
    tiers = verify.compare_trees(committed, rebuilt).files.set_index("file")["tier"]
    assert tiers["results/MANIFEST.json"] == "DRIFT"


@pytest.mark.slow  # two whole comparisons of the results, about a second
def test_the_command_exits_1_only_on_drift(committed, findings_hold, tmp_path, monkeypatch, capsys):
    project = tmp_path / "project"
    verify.copy_inputs(ROOT, project)
    shutil.copytree(committed / "results", project / "results")
    altered = tmp_path / "altered"
    shutil.copytree(committed / "results", altered / "results")

    def fake_reproduce(root, **_):  # the altered results stand in for a rebuild
        shutil.copytree(altered / "results", Path(root) / "results")

    monkeypatch.setattr(verify, "reproduce", fake_reproduce)
    _edit(altered, "alignment.csv", "lda_gensim", "auc_mean", lambda x: x + 0.01, theme="morale")
    assert main(["--root", str(project), "verify"]) == 0
    out = capsys.readouterr().out
    assert "holds         1 files" in out and "study holds" in out and "OK: all" in out
    assert "numbers moved beyond the tolerance, every headline number stays inside its interval" in out
    _edit(altered, "alignment.csv", "lda_gensim", "auc_mean", lambda _: 0.99, theme="morale")
    assert main(["--root", str(project), "verify"]) == 1
    assert "results/alignment.csv lda_gensim/morale auc_mean" in capsys.readouterr().out


def test_the_report_gives_the_largest_change_in_each_equivalent_table(committed, rebuilt, findings_hold):
    # the tables print six significant digits: a change in the last of them, within the tolerance
    _edit(rebuilt, "alignment.csv", "lda_gensim", "auc_mean", lambda x: x + 5e-6, theme="morale")
    report = verify.format_report(verify.compare_trees(committed, rebuilt))
    assert "equivalent results/alignment.csv: largest change 5e-06 (auc_mean)" in report
    assert "study equivalent" in report


def test_a_saved_model_with_other_library_versions_is_equivalent(committed, rebuilt, findings_hold):
    # another numpy and scipy (a conda environment, say), every number of the model the same
    path = rebuilt / "results" / "models" / "lda_gensim" / "model.json"
    record = json.loads(path.read_text())
    record["versions"] = {**record["versions"], "numpy": "2.3.5", "scipy": "1.16.3"}
    path.write_text(json.dumps(record))
    files = verify.compare_trees(committed, rebuilt).files.set_index("file")
    assert tuple(files.loc["results/models/lda_gensim/model.json"]) == (
        "equivalent",
        "other library versions recorded",
    )
    record["themes_version"] = "0.0.1"  # another themes is not the environment
    path.write_text(json.dumps(record))
    tier, detail = verify.compare_file(committed / "results/models/lda_gensim/model.json", path)
    assert tier == "holds" and "/themes_version" in detail


def test_packages_in_other_versions_are_noted_apart_from_those_not_installed(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    pins = tmp_path / "constraints.txt"
    pins.write_text("aaa-not-a-package==1.0\nnumpy==0.0.1  # a comment\npandas==" + pd.__version__ + "\n")
    other, missing = verify.environment_mismatches(pins)
    assert len(other) == 1 and other[0].startswith("numpy ") and other[0].endswith("(pinned: 0.0.1)")
    assert missing == ["aaa-not-a-package"]
    notes = verify.environment_notes(tmp_path)
    assert notes[0].startswith("environment differs from constraints.txt: numpy ")
    assert notes[1] == "1 package of constraints.txt is not installed (aaa-not-a-package)"


def test_a_study_of_ones_own_is_held_against_the_pins_of_the_themes_it_runs_on(tmp_path):
    # themes init makes no constraints.txt: the themes source tree's pins stand in
    assert verify.pins_for(tmp_path) == ROOT / "constraints.txt"
    assert not any("not found" in note for note in verify.environment_notes(tmp_path))


def test_other_openblas_kernels_are_noted(monkeypatch):
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Zen")
    assert any("OPENBLAS_CORETYPE is Zen, not Haswell" in n for n in verify.environment_notes(ROOT))
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    assert not any("OPENBLAS_CORETYPE" in n for n in verify.environment_notes(ROOT))
    monkeypatch.delenv("OPENBLAS_CORETYPE")
    monkeypatch.setattr(verify, "runs_here", lambda core: False)  # an x86 processor without AVX2
    assert any("this processor cannot run the Haswell kernels" in n for n in verify.environment_notes(ROOT))
    monkeypatch.setattr(verify, "runs_here", lambda core: None)  # an ARM processor
    monkeypatch.setattr(verify.platform, "machine", lambda: "aarch64")
    assert any("this processor cannot run the Haswell kernels" in n for n in verify.environment_notes(ROOT))
