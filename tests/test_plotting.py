"""Figures: functions return their ax; saving writes PNG, SVG and CSV deterministically."""

import pandas as pd

from themes import io, plotting


def test_plot_functions_draw_on_the_given_ax_and_return_it():
    fig, axes = plotting.new_figure()
    ax = axes[0, 0]
    assert plotting.plot_bars(ax, ["a", "b"], [2, 1]) is ax
    fig, axes = plotting.new_figure()
    matrix = pd.DataFrame([[0.2, 0.9], [0.7, 0.1]], index=["t1", "t2"], columns=["x", "y"])
    assert plotting.plot_heatmap(axes[0, 0], matrix, outline=[("t1", "y")]) is axes[0, 0]


def test_saved_figures_are_byte_identical_and_carry_their_numbers(tmp_path):
    data = pd.DataFrame({"theme": ["a", "b"], "paragraphs": [3, 1]})
    paths = []
    for name in ("one", "two"):
        paths.append(plotting.save_figure(plotting.figure_prevalence(data), tmp_path / name, data))
    for first, second in zip(*paths, strict=True):
        assert first.read_bytes() == second.read_bytes()
    svg = (tmp_path / "one.svg").read_text()
    assert "<dc:date>" not in svg
    assert pd.read_csv(tmp_path / "one.csv").equals(data)


def test_writes_are_whole_or_nothing(tmp_path, monkeypatch):
    target = tmp_path / "table.csv"
    io.write_text(target, "old\n")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(io.os, "replace", broken)
    try:
        io.write_text(target, "new\n")
    except OSError:
        pass
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]  # no temporary file left behind
