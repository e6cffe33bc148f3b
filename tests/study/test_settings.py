"""A study's settings: the folder's file, the command line, the corpus's scale, quick looks, reruns."""

from __future__ import annotations

import pytest

from themes.errors import ThemesError
from themes.study.config import QUICK_NOTE, StudyConfig
from themes.study.design import DEFAULT_MODELS, design_for
from themes.study.project import Project
from themes.study.rerun import record_run, run_key, up_to_date
from themes.study.settings import SETTINGS_FILE, run_config, study_config


def write_settings(root, text):
    path = root / SETTINGS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_command_line_overrides_the_folder_which_overrides_the_defaults(tmp_path):
    write_settings(tmp_path, "seeds: [0, 1, 2]\nk_range: 3-6\nn_perm: 50\nseed_word_checks: false\n")
    config = study_config(tmp_path, {"seeds": "7,8"})
    assert config.seeds == (7, 8) and config.k_range == (3, 4, 5, 6) and config.n_perm == 50
    assert config.seed_word_checks is False and config.n_boot == StudyConfig().n_boot


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("n_perms: 10\n", ["unknown setting 'n_perms'", "n_perm"]),
        ("seeds: [0, x]\n", ["seeds", "list of whole numbers"]),
        ("seed_word_checks: maybe\n", ["seed_word_checks", "true or false"]),
        ("n_boot: -5\n", ["n_boot", "0 or more"]),
        ("seeds: [0\n", ["not valid YAML", "line"]),
        ("- 1\n- 2\n", ["name: value"]),
        ("k_range: 0-3\n", ["K grid"]),
    ],
)
def test_a_bad_setting_is_one_sentence(tmp_path, text, words):
    write_settings(tmp_path, text)
    with pytest.raises(ThemesError) as info:
        study_config(tmp_path)
    message = str(info.value)
    assert all(w in message for w in words) and "\n" not in message


def test_the_scale_follows_the_corpus_and_is_recorded():
    small, large = StudyConfig().resolve(50), StudyConfig().resolve(5000)
    assert small.scale == "small" and small.models is DEFAULT_MODELS and len(small.seeds) == 5
    assert large.scale == "large" and large.models is design_for("large") and len(large.seeds) == 3
    assert "lda_sklearn" in small.sweep_models and "lda_sklearn" not in large.sweep_models
    assert large.models["nmf_minibatch"].settings["max_iter"] == 50 and large.seed_word_variants == 12
    assert small.changes() == [] and any("lda_sklearn" in c for c in large.changes())
    assert StudyConfig(scale="small").resolve(5000).scale == "small"
    assert StudyConfig(seeds=(4,)).resolve(5000).seeds == (4,)  # a value the study gives is kept


def test_a_quick_look_is_smaller_and_says_so():
    quick = StudyConfig(quick=True).resolve(50)
    assert quick.k_range == (3, 5, 7, 9, 11) and quick.seeds == (0,) and not quick.seed_word_checks
    assert quick.n_boot == 200 and quick.n_perm == 500 and QUICK_NOTE in quick.changes()
    assert quick.resolved and not StudyConfig(quick=True).resolved  # make_study resolves once only


def test_a_rerun_is_up_to_date_only_when_nothing_changed(tmp_path):
    project = Project(tmp_path)
    for folder in (project.raw, project.reference, project.results):
        folder.mkdir(parents=True)
    (project.raw / "a.txt").write_text("text", encoding="utf-8")
    (project.results / "MANIFEST.json").write_text("{}", encoding="utf-8")
    config = StudyConfig()
    key = run_key(project, config, notebooks=True)
    assert not up_to_date(project, key)
    record_run(project, key)
    assert up_to_date(project, key)
    assert run_key(project, config, notebooks=False) != key
    assert run_key(project, StudyConfig(n_perm=10), notebooks=True) != key
    (project.results / "MANIFEST.json").write_text('{"edited": 1}', encoding="utf-8")
    assert not up_to_date(project, key)  # an output edited by hand
    record_run(project, key)
    (project.raw / "a.txt").write_text("other text", encoding="utf-8")
    assert not up_to_date(project, run_key(project, config, notebooks=True))


def test_a_large_study_draws_fewer_bootstrap_resamples_and_groups_documents_into_folds():
    assert [StudyConfig().resolve(n).n_boot for n in (50, 531, 2000, 5000, 20000)] == [
        1000,
        1000,
        500,
        200,
        200,
    ]
    assert StudyConfig(n_boot=50).resolve(20000).n_boot == 50
    assert (
        StudyConfig().resolve(50).supervised_folds == 0 and StudyConfig().resolve(5000).supervised_folds == 10
    )


def test_the_supervised_baseline_in_folds_keeps_whole_documents_out(planted):
    from themes.comparison import baselines

    dtm, labels = planted
    documents = [f"d{i // 3}" for i in range(len(dtm.paragraph_ids))]  # twelve documents of three
    calls = []
    real = baselines.supervised_classifier

    class Spy:
        def __init__(self, seed):
            self.inner = real(seed)

        def fit(self, X, y):
            calls.append(X.shape[0])
            self.inner.fit(X, y)
            return self

        def predict_proba(self, X):
            return self.inner.predict_proba(X)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(baselines, "supervised_classifier", Spy)
        folded = baselines.supervised_scores(dtm, labels, documents, seed=0, n_folds=4)
        n_folded = len(calls)
        baselines.supervised_scores(dtm, labels, documents, seed=0)
    n_docs = len(set(documents))
    assert n_folded == 4 * labels.shape[1] and len(calls) - n_folded == n_docs * labels.shape[1]
    assert set(calls[:n_folded]) == {
        len(documents) - len(documents) // 4
    }  # three documents left out each time
    assert folded.shape == (len(documents), labels.shape[1])


def test_the_notebooks_read_the_settings_the_last_run_used(tmp_path):
    # before any run: the folder's settings; after one: what the run recorded, flags included
    import json

    write_settings(tmp_path, "seeds: [0, 1, 2]\n")
    project = Project(tmp_path)
    assert run_config(project).seeds == (0, 1, 2)
    config = study_config(tmp_path, {"scale": "large", "seeds": "4,5"}).resolve(
        50
    )  # as reproduce --scale large
    quick = StudyConfig(quick=True).resolve(50)
    for ran in (config, quick):
        recorded = {k: getattr(ran, k) for k in ("seeds", "k_range", "scale", "n_boot", "n_perm", "quick")}
        recorded |= {"seed_word_checks": ran.seed_word_checks, "sweep_models": list(ran.sweep_models)}
        (tmp_path / "results").mkdir(exist_ok=True)
        (tmp_path / "results" / "MANIFEST.json").write_text(
            json.dumps({"config": recorded}), encoding="utf-8"
        )
        got = run_config(project).resolve(50)
        assert (got.scale, got.seeds, got.k_range, got.n_boot, got.n_perm) == (
            ran.scale,
            ran.seeds,
            ran.k_range,
            ran.n_boot,
            ran.n_perm,
        )  # a quick look's reduced settings are not reduced again
        assert got.models == ran.models and got.sweep_models == ran.sweep_models
    (tmp_path / "results" / "MANIFEST.json").write_text("not json", encoding="utf-8")
    with pytest.raises(ThemesError, match="not a manifest"):
        run_config(project)
