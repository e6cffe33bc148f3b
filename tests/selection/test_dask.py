"""The grid of fits on a Dask cluster: the same fits and scores as a serial run, and clear errors."""

import dask
import pandas as pd
import pytest
from distributed import LocalCluster, get_task_stream
from helpers import ROOT, snapshot

from themes.cli import main
from themes.errors import ThemesError
from themes.selection.dask_cluster import connect, dask_active, dask_backend
from themes.selection.sweep import run_sweep
from themes.study.design import get_spec
from themes.verify import verdict as verify

pytestmark = pytest.mark.slow  # starts a Dask cluster of worker processes

GRID = {"k_range": (3,), "seeds": (0, 1)}


def test_sweep_on_two_dask_workers_equals_the_serial_sweep(real_study):
    dtm = real_study.dtm
    estimators = {name: get_spec(name).prototype() for name in ("nmf_sklearn", "lda_gensim")}
    serial = run_sweep(dtm, estimators, **GRID)
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
        connect(scheduler=cluster.scheduler_address) as client,
        dask_backend(client, scatter=[dtm]),
    ):
        assert dask_active()
        # the matrix was broadcast on entry: every worker holds it before any task ran
        assert all(len(keys) == 1 for keys in client.has_what().values())
        with get_task_stream(client) as stream:
            on_cluster = run_sweep(dtm, estimators, **GRID)
        # the fits ran on both worker processes, not in this one
        assert len({task["worker"] for task in stream.data}) == 2
    assert not dask_active()

    pd.testing.assert_frame_equal(on_cluster.scores, serial.scores)
    assert [(f.name, f.k, f.seed) for f in on_cluster.fits] == [(f.name, f.k, f.seed) for f in serial.fits]
    for a, b in zip(on_cluster.fits, serial.fits, strict=True):
        assert a.topic_term.tobytes() == b.topic_term.tobytes()
        assert a.doc_topic.tobytes() == b.doc_topic.tobytes()


def test_reproduce_with_an_unreachable_scheduler_is_one_line_and_exit_2(capsys, tmp_path):
    # nothing listens on port 1; the cluster is reached first, so nothing is written
    verify.copy_inputs(ROOT, tmp_path)
    before = snapshot(tmp_path)
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        code = main(["--root", str(tmp_path), "reproduce", "--scheduler", "tcp://127.0.0.1:1"])
    assert snapshot(tmp_path) == before
    err = capsys.readouterr().err
    assert code == 2
    assert "no Dask scheduler answered at 'tcp://127.0.0.1:1'" in err and err.count("\n") == 1


def test_connect_refuses_a_scheduler_and_local_workers_together():
    with pytest.raises(ThemesError, match="not both"), connect(scheduler="tcp://127.0.0.1:1", n_workers=2):
        pass
