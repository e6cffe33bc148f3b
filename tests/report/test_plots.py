"""Figures: functions draw what they are given on the ax they get, and return it; saving
writes PNG, SVG and CSV deterministically."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Rectangle

from themes import files
from themes.report import plots as plotting


def bar_widths(ax) -> list[float]:
    return [p.get_width() for p in ax.patches if isinstance(p, Rectangle)]


def test_bars_draw_one_bar_per_label_with_its_value_first_label_on_top():
    fig, axes = plotting.new_figure()
    ax = axes[0, 0]
    assert plotting.plot_bars(ax, ["a", "b", "c"], [2.0, 1.0, 0.5], title="T") is ax
    assert bar_widths(ax) == [2.0, 1.0, 0.5]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    assert ax.yaxis_inverted() and ax.get_title() == "T"


def test_heatmap_shows_each_value_labels_and_outlined_cells():
    fig, axes = plotting.new_figure()
    matrix = pd.DataFrame([[0.2, 0.9], [0.7, 0.1]], index=["t1", "t2"], columns=["x", "y"])
    ax = plotting.plot_heatmap(axes[0, 0], matrix, outline=[("t1", "y")])
    assert ax is axes[0, 0]
    assert sorted(t.get_text() for t in ax.texts) == ["0.10", "0.20", "0.70", "0.90"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["x", "y"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["t1", "t2"]
    outlined = [p for p in ax.patches if isinstance(p, Rectangle) and not p.get_fill()]
    assert len(outlined) == 1 and outlined[0].get_xy() == (0.5, -0.5)  # column y, row t1


def test_theme_scores_draw_a_point_per_model_and_theme_and_the_chance_line():
    table = pd.DataFrame(
        {
            "theme": ["a", "b", "a", "b"],
            "model": ["m1", "m1", "m2", "m2"],
            "auc_mean": [0.9, 0.6, 0.7, 0.5],
            "auc_ci_low": [0.8, 0.5, 0.6, 0.4],
            "auc_ci_high": [0.95, 0.7, 0.8, 0.6],
        }
    )
    fig, axes = plotting.new_figure()
    ax = plotting.plot_theme_scores(axes[0, 0], table)
    points = [line for line in ax.lines if line.get_marker() == "o"]
    assert len(points) == 2 and [list(p.get_ydata()) for p in points] == [[0.9, 0.6], [0.7, 0.5]]
    assert any(list(line.get_ydata()) == [0.5, 0.5] for line in ax.lines)  # chance
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["m1", "m2"]


def test_theme_scores_draw_the_matching_null_beside_each_point():
    table = pd.DataFrame(
        {
            "theme": ["a", "b"],
            "model": ["m1", "m1"],
            "auc_mean": [0.9, 0.6],
            "auc_ci_low": [0.8, 0.5],
            "auc_ci_high": [0.95, 0.7],
            "auc_null_95": [0.72, 0.65],
        }
    )
    fig, axes = plotting.new_figure()
    ax = plotting.plot_theme_scores(axes[0, 0], table)
    from matplotlib.collections import PathCollection

    dashes = [c for c in ax.collections if isinstance(c, PathCollection) and len(c.get_offsets())]
    assert len(dashes) == 1 and dashes[0].get_offsets()[:, 1].tolist() == [0.72, 0.65]
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"m1", "null, 95th pct."}


def test_top_words_figure_has_one_panel_per_topic_titled_with_its_theme():
    words = pd.DataFrame(
        {
            "topic": ["t1", "t1", "t2", "t2", "t3", "t3"],
            "matched_theme": ["a", "a", "other", "other", "b", "b"],
            "rank": [1, 2] * 3,
            "word": ["w1", "w2", "w3", "w4", "w5", "w6"],
            "weight": [0.5, 0.3, 0.4, 0.2, 0.6, 0.1],
        }
    )
    fig = plotting.figure_top_words(words, title="model", ncols=2)
    drawn = [ax for ax in fig.axes if ax.axison]
    assert [ax.get_title() for ax in drawn] == ["t1 -> a", "t2 -> other", "t3 -> b"]
    assert bar_widths(drawn[2]) == [0.6, 0.1]
    assert len(fig.axes) == 4 and not fig.axes[3].axison  # the spare panel is blank


def test_k_curve_rings_the_chosen_k():
    summary = pd.DataFrame(
        {"model": "m", "K": [3, 4, 5], "coherence_npmi_mean": [0.1, 0.3, 0.2], "coherence_npmi_se": 0.01}
    )
    fig, axes = plotting.new_figure()
    ax = plotting.plot_k_curve(axes[0, 0], summary, "coherence_npmi", selected={"m": 4})
    ring = [line for line in ax.lines if line.get_markersize() == 10]
    assert len(ring) == 1 and list(ring[0].get_xdata()) == [4]
    assert np.allclose(ring[0].get_ydata(), [0.3])


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
    files.write_text(target, "old\n")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        files.write_text(target, "new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]  # no temporary file left behind


def test_fourteen_models_each_get_their_own_colour_and_marker():
    models = [f"m{i}" for i in range(14)]
    styles = plotting.model_styles(models)
    assert len({(tuple(color), marker) for color, marker in styles.values()}) == 14


def test_intrusion_figure_has_a_chance_line_and_a_legend_entry_per_model():
    table = pd.DataFrame(
        {
            "model": ["a", "b", "c"],
            "word_share_correct": [0.6, 0.6, 0.3],
            "word_ci_low": [0.4, 0.4, 0.1],
            "word_ci_high": [0.8, 0.8, 0.5],
            "chance": [1 / 6] * 3,
            "auc_mean": [0.75, 0.75, 0.6],  # a and b on the same spot: their names must not be drawn there
        }
    )
    fig = plotting.figure_intrusion_vs_auc(table, coders="two language-model coders")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["chance (0.17)", "a", "b", "c"]
    assert not ax.texts  # no name written beside a point, so none over another
    assert any(list(line.get_xdata()) == [1 / 6, 1 / 6] for line in ax.lines)
    assert "two language-model coders" in ax.get_xlabel()


def test_prevalence_by_document_keeps_ids_as_written_and_names_absent_documents():
    by_doc = pd.DataFrame({"source": ["reference"] * 2, "doc_id": ["000", "004"], "a": [0.5, 0.1]})
    fig = plotting.figure_prevalence_by_document(by_doc, ["a"], documents=["000", "003", "004"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["reference  000", "reference  004"]
    assert "document 003" in ax.get_title()


def test_result_tables_read_back_with_ids_as_text_and_counts_whole(tmp_path):
    from themes.report.tables import for_page, read_table

    path = tmp_path / "t.csv"
    path.write_text("model,doc_id,K,auc_p_holm,text\nm,000,5,1.0,short\nkeywords,003,,1.0," + "x" * 80 + "\n")
    table = read_table(path)
    assert table["doc_id"].tolist() == ["000", "003"]
    assert str(table["K"].dtype) == "Int64" and table["K"].iloc[0] == 5
    assert table["auc_p_holm"].dtype == float  # a p-value of 1.0 stays a number with decimals
    fitted = for_page(table, text=20)
    assert fitted["text"].iloc[1] == "x" * 19 + "…" and fitted["text"].iloc[0] == "short"
    assert list(fitted.columns) == ["model", "doc_\u200bid", "K", "auc_\u200bp_\u200bholm", "text"]


def test_figures_of_the_reference_say_who_coded_it():
    data = pd.DataFrame({"theme": ["a", "b"], "paragraphs": [3, 1]})
    fig = plotting.figure_prevalence(data, coders="two language-model coders")
    assert fig.axes[0].get_title() == "Reference themes: prevalence (coded by two language-model coders)"
    assert plotting.figure_prevalence(data).axes[0].get_title() == "Reference themes: prevalence"
