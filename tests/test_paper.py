"""Paper sizes: names, orientation and explicit millimetre sizes."""

from __future__ import annotations

import pytest

from handbill.kit.paper import parse_paper


@pytest.mark.parametrize(
    ("text", "orientation", "size"),
    [
        ("A4", None, (210, 297)),
        ("a5", None, (148, 210)),
        ("A3 landscape", None, (420, 297)),
        ("A6", "landscape", (148, 105)),
        ("DL", None, (99, 210)),
        ("148mm x 210mm", None, (148, 210)),
        ("Letter", None, (215.9, 279.4)),
    ],
)
def test_sizes_in_mm(text: str, orientation: str | None, size: tuple[float, float]) -> None:
    paper = parse_paper(text, orientation)
    assert (paper.width_mm, paper.height_mm) == size


def test_css_and_label() -> None:
    paper = parse_paper("A3", "landscape")
    assert paper.css == "420mm 297mm"
    assert paper.label == "A3 landscape"


@pytest.mark.parametrize(
    ("text", "orientation", "message"),
    [
        ("A9", None, "unknown paper size 'A9'. Use one of A2, A3, A4"),
        ("A4", "sideways", "orientation must be 'portrait' or 'landscape'"),
        ("5mm x 5mm", None, "out of range"),
    ],
)
def test_bad_sizes_say_what_to_write(text: str, orientation: str | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_paper(text, orientation)


def test_a_misspelt_orientation_is_named_with_the_right_one() -> None:
    with pytest.raises(ValueError) as caught:
        parse_paper("A5 portait")
    assert str(caught.value) == (
        "unknown orientation 'portait' in 'A5 portait': write 'A5 portrait' or "
        "'A5 landscape'. Did you mean 'portrait'?"
    )
