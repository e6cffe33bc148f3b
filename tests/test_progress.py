"""Progress for a log file: plain lines with the count and the time left, at most one per interval."""

from __future__ import annotations

from themes.progress import PlainProgress, duration, progress


def test_plain_lines_say_the_count_and_the_time_left(capsys):
    now = [0.0]
    bar = PlainProgress(10, "K sweep", every=5, clock=lambda: now[0])
    for _ in range(4):
        now[0] += 2
        bar.update()
    bar.close()
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "themes: K sweep: 10 to do"
    assert lines[1] == "themes: K sweep: 3/10 (30%), 6 s so far, about 14 s left"  # one line per 5 s at most
    assert lines[2] == "themes: K sweep: 4/10 done in 8 s" and len(lines) == 3


def test_off_a_terminal_progress_prints_plain_lines_and_nothing_when_disabled(capsys):
    with progress(2, "notebooks") as bar:
        bar.update(2)
    with progress(2, "quiet", enabled=False) as bar:
        bar.update(2)
    err = capsys.readouterr().err
    assert "themes: notebooks: 2 to do" in err and "notebooks: 2/2 done" in err and "quiet" not in err


def test_durations_read_as_people_say_them():
    assert [duration(s) for s in (4.4, 65, 3725)] == ["4 s", "1 min 05 s", "1 h 02 min"]
