"""fit() marks: the attributes templates get, reading them back and resizing them in the HTML."""

from __future__ import annotations

import itertools

import pytest

from handbill.engine.predict import saved_height
from handbill.engine.rewrap import FORCED, lines_at, pieces
from handbill.errors import TemplateError
from handbill.render.fitmarks import MAX_BOXES, FitMark, Fitter, read_marks, with_steps


def test_fit_writes_the_name_the_largest_size_and_the_mark() -> None:
    fit = Fitter()
    assert str(fit("title", 7.2, 3.1, "em", lines=3)) == (
        'data-fit="title" style="font-size: 7.2em; /*fit:0:title:7.2:3.1:em:3:0*/"'
    )
    assert str(fit("tag", 40, 10, "rem", nowrap=True)) == (
        'data-fit="tag" style="font-size: 40rem; /*fit:1:tag:40:10:rem:1:1*/"'
    )


def test_marks_round_trip_through_the_html() -> None:
    fit = Fitter()
    title, tag = fit("title", 7.2, 3.1, "em", lines=3), fit("tag", 40, 10, "rem", nowrap=True)
    html = f"<h1 {title}>A</h1><p {tag}>#B</p>"
    assert read_marks(html) == fit.marks
    assert fit.marks == [
        FitMark(0, "title", 7.2, 3.1, "em", 3, False),
        FitMark(1, "tag", 40.0, 10.0, "rem", 1, True),
    ]
    smaller = with_steps(html, {0: 2, 1: 99})
    assert 'style="font-size: 6.498em; /*fit:0:title:7.2:3.1:em:3:0*/"' in smaller
    assert 'style="font-size: 10rem; /*fit:1:tag:40:10:rem:1:1*/"' in smaller  # the smallest
    assert read_marks(smaller) == fit.marks
    assert with_steps(smaller, {0: 0, 1: 0}) == html
    assert with_steps(html, {}) == html


def test_a_width_given_is_kept_in_the_mark_to_a_tenth_of_a_millimetre() -> None:
    fit = Fitter()
    title = fit("title", 7.2, 3.1, "em", lines=3, width_mm=173.2777)
    assert str(title) == (
        'data-fit="title" style="font-size: 7.2em; /*fit:0:title:7.2:3.1:em:3:0:173.3*/"'
    )
    html = f"<h1 {title}>A</h1>"
    assert read_marks(html) == [FitMark(0, "title", 7.2, 3.1, "em", 3, False, 173.3)]
    assert read_marks(with_steps(html, {0: 3}))[0].width_mm == 173.3
    assert 'style="font-size: 6.173em; /*fit:0:title:7.2:3.1:em:3:0:173.3*/"' in with_steps(
        html, {0: 3}
    )


def test_sizes_step_down_by_five_percent_to_the_smallest() -> None:
    assert FitMark(0, "x", 2, 1.6, "pt", 1, False).sizes == [2, 1.9, 1.805, 1.715, 1.629, 1.6]
    sizes = FitMark(0, "x", 40, 10, "rem", 1, True).sizes
    assert sizes[0] == 40 and sizes[-1] == 10 and len(sizes) == 29
    assert all(0.94 < b / a <= 0.951 for a, b in itertools.pairwise(sizes[:-1]))
    assert FitMark(0, "x", 3, 3, "pt", 1, False).sizes == [3]


@pytest.mark.parametrize(
    ("args", "options", "message"),
    [
        (
            ("title", 9, 2),
            {},
            "fit('title'): the largest size (9) must be between the smallest (2) and 4 times it, "
            'e.g. <h1 {{ fit("title", 7.2, 3.1, "em", lines=3) }}>',
        ),
        (
            ("title", 2, 3),
            {},
            "fit('title'): the largest size (2) must be between the smallest (3) and 4 times it, "
            'e.g. <h1 {{ fit("title", 7.2, 3.1, "em", lines=3) }}>',
        ),
        (
            ("title", "big", 3),
            {},
            "fit('title'): the largest size 'big' must be a number above 0 (up to 1000), "
            'e.g. <h1 {{ fit("title", 7.2, 3.1, "em", lines=3) }}>',
        ),
        (
            ("title", 7, 3, "vw"),
            {},
            "fit('title'): unit 'vw' is not one of em, rem, pt, mm, px, "
            'e.g. <h1 {{ fit("title", 7.2, 3.1, "em", lines=3) }}>',
        ),
        (
            ("title", 7, 3),
            {"lines": 0},
            "fit('title'): lines=0 must be a whole number from 1 to 20, "
            'e.g. <h1 {{ fit("title", 7.2, 3.1, "em", lines=3) }}>',
        ),
        (
            ("title", 7, 3),
            {"width_mm": "wide"},
            "fit('title'): width_mm=wide must be the width of the box's text in millimetres "
            '(above 0, up to 5000), or left out, e.g. fit("title", 7.2, 3.1, "em", lines=3, '
            "width_mm=173.3)",
        ),
        (
            ("title", 7, 3),
            {"width_mm": 0},
            "fit('title'): width_mm=0 must be the width of the box's text in millimetres "
            '(above 0, up to 5000), or left out, e.g. fit("title", 7.2, 3.1, "em", lines=3, '
            "width_mm=173.3)",
        ),
        (
            ('x" onload="', 7, 3),
            {},
            "fit('x\" onload=\"'): name the box with lower-case letters, digits and '-', "
            'starting with a letter, e.g. <h1 {{ fit("title", 7.2, 3.1, "em", lines=3) }}>',
        ),
    ],
)
def test_a_bad_fit_call_is_one_line_saying_what_to_write(
    args: tuple[object, ...], options: dict[str, object], message: str
) -> None:
    with pytest.raises(TemplateError) as raised:
        Fitter()(*args, **options)
    assert raised.value.message == message


def test_the_number_of_boxes_is_capped() -> None:
    fit = Fitter()
    for _ in range(MAX_BOXES):
        fit("box", 2, 1)
    with pytest.raises(TemplateError) as raised:
        fit("box", 2, 1)
    assert raised.value.message == (
        "fit('box'): at most 12 fitted boxes in one material; use fit() for titles and "
        "headlines, and ordinary CSS sizes for the rest"
    )


def test_words_are_wrapped_again_at_another_size() -> None:
    # "Banner-making afternoon" on three lines of 10-unit characters, in a 100-unit column.
    lines = [[("Banner-", 70.0)], [("making", 60.0)], [("afternoon", 90.0)]]
    found = pieces(lines)
    assert found == [(70.0, 0.0), (60.0, 10.0), (90.0, 10.0)]
    assert lines_at(found, 1.0, 100) == 3
    assert lines_at(found, 0.7, 100) == 2  # "Banner-making" is 91 wide
    assert lines_at(found, 0.4, 100) == 1
    assert lines_at(found, 2.0, 100) == 6  # words wider than the column break over lines


def test_a_line_ended_by_force_stays_ended_at_smaller_sizes() -> None:
    # A venue, then its address as a block, in a 120-unit column: "1" would have fitted after
    # "Town Hall", so that break was forced; "Street" after "High" was not (the column ran out).
    lines = [[("Town Hall", 90.0)], [("1 High ", 70.0)], [("Street", 60.0)]]
    assert pieces(lines) == [(40.0, 10.0), (40.0, 10.0), (10.0, 10.0), (40.0, 10.0), (60.0, 10.0)]
    found = pieces(lines, 120)
    assert found == [(40.0, 10.0), (40.0, FORCED), (10.0, 10.0), (40.0, 10.0), (60.0, 10.0)]
    assert lines_at(found, 1.0, 120) == 3
    assert lines_at(found, 0.5, 120) == 2  # "Town Hall" / "1 High Street": never one line
    assert lines_at(pieces(lines), 0.5, 120) == 1


def test_boxes_side_by_side_save_the_most_of_them_and_stacked_boxes_add_up() -> None:
    # (page, top, bottom, height saved)
    stacked = [(0, 0.0, 100.0, 10.0), (0, 100.0, 150.0, 5.0), (1, 0.0, 50.0, 2.0)]
    assert saved_height(stacked) == 17.0
    beside = [(0, 0.0, 100.0, 10.0), (0, 20.0, 80.0, 25.0), (0, 100.0, 150.0, 5.0)]
    assert saved_height(beside) == 30.0
    assert saved_height([]) == 0.0


def test_wrap_mark_round_trips() -> None:
    fit = Fitter()
    html = f"<p {fit('handle-1', 10, 6, 'rem', lines=1, wrap=True, width_mm=100)}>x</p>"
    assert "/*fit:0:handle-1:10:6:rem:1:0:100:wrap*/" in html
    assert read_marks(with_steps(html, {0: 2})) == [
        FitMark(0, "handle-1", 10, 6, "rem", 1, False, 100.0, True)
    ]
    with pytest.raises(TemplateError, match=r"fit\('t'\): wrap= is True or False, and not with"):
        fit("t", 10, 6, "rem", nowrap=True, wrap=True)
