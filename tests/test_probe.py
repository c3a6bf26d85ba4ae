"""Probing fit() boxes whose width the template gives, apart from the page, before laying it out."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from conftest import REPO, counting_layouts
from handbill.engine.fitting import render_fitted
from handbill.engine.layout import render
from handbill.engine.measure import measure, too_big
from handbill.engine.probe import STYLE, probe, probe_parts
from handbill.kit.loader import Kit, load_kit, rows_of
from handbill.render.fitmarks import Fitter, read_marks, with_steps
from handbill.render.templating import RenderedHTML, render_html


def test_the_probe_holds_the_head_and_each_box_in_the_elements_it_sits_in() -> None:
    fit = Fitter()
    title = fit("title", 7.2, 3.1, "em", lines=3, width_mm=120)
    other = fit("other", 2, 1)  # no width: left to the full layout
    page = (
        '<!DOCTYPE html><html lang="en"><head><link rel="stylesheet" href="a.css">'
        "<style>p > b { color: red }</style></head>"
        '<body class="t"><div class="poster" style="font-size: 10pt"><img src="x.png">'
        '<section class="hero"><p>An <b>early</b> paragraph<br>'
        f"<h1 {title}>A <em>long</em> title</h1><p>After</p></section><p {other}>B</p>"
        "</div></body></html>"
    )
    start, parts = probe_parts(page, fit.marks)
    assert start == (
        '<!DOCTYPE html><html lang="en"><head><link rel="stylesheet" href="a.css">'
        f"<style>p > b {{ color: red }}</style>{STYLE}</head>"
        '<body data-probe-plain class="t">'
    )
    # The paragraph left open inside the hero closes with it, as in HTML.
    assert parts == {
        0: '<div data-probe-plain class="poster" style="font-size: 10pt">'
        '<section data-probe-plain class="hero">'
        '<h1 data-probe-step="0:@" data-fit="title" style="width: 120mm !important; '
        'font-size: 7.2em; /*fit:0:title:7.2:3.1:em:3:0:120*/">A <em>long</em> title</h1>'
        "</section></div>"
    }


@pytest.fixture(scope="module")
def kit() -> Kit:
    return load_kit(REPO)


def _outputs(kit: Kit) -> list[RenderedHTML]:
    found = []
    for name in ("event-poster", "event-flyer", "placard-a4", "placard-a3"):
        material = kit.materials[name]
        rows = rows_of(kit, material) if material.per else [None]
        for number, row in enumerate(rows, start=1):
            found.append(render_html(kit, material, row, number if row else 0))
    return found


def test_a_box_too_big_for_its_width_costs_no_second_layout(
    kit: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    layouts = counting_layouts(monkeypatch)
    probed = 0
    for rendered in _outputs(kit):
        marks = read_marks(rendered.html)
        steps = probe(kit, rendered, marks).steps
        fitted = render_fitted(kit, rendered)
        assert fitted.problems == [] and fitted.warnings == [], rendered.stem
        final = {m.id: _step(m, fitted.html) for m in marks}
        # The title or hashtag; the placard's handles are given their width too.
        for mark in [m for m in marks if m.width_mm is not None]:
            if not steps[mark.id] or any(v for k, v in final.items() if k != mark.id):
                continue  # fits at the largest size, or the page overflows: not the probe's doing
            probed += 1
            assert final[mark.id] == steps[mark.id]
            assert layouts.count(rendered.stem) == 1, rendered.stem
            # The largest size that fits: one step larger, the page's own box is too big.
            larger = with_steps(rendered.html, {mark.id: steps[mark.id] - 1})
            document, _ = render(kit, dataclasses.replace(rendered, html=larger))
            assert too_big(mark, measure(document).boxes[mark.id]), rendered.stem
    # The example kit has long titles and a hashtag a little too wide for its band.
    assert probed >= 4


def _step(mark: Any, html: str) -> int:
    size = re.search(rf"font-size: ([0-9.]+)[a-z]+; /\*fit:{mark.id}:", html)
    assert size is not None
    return mark.sizes.index(float(size[1]))


def test_a_wrong_width_is_a_warning_and_the_sizes_stay_the_largest_that_fit(
    kit: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    material = kit.materials["event-poster"]
    rendered = render_html(kit, material, rows_of(kit, material)[0], 1)
    assert ":3:0:173.3*/" in rendered.html  # A4: 186 mm less 1.8em (10 pt) each side
    right = render_fitted(kit, rendered)
    assert _step(read_marks(right.html)[0], right.html) > 0  # too long for 7.2em
    # Too narrow: the probe makes the title too small, and the layout starts again from the
    # largest sizes; too wide: the probe finds it fits, and the layout finds it does not.
    for width, count in (("120", 3), ("250", 2)):
        wrong = dataclasses.replace(
            rendered, html=rendered.html.replace(":3:0:173.3*/", f":3:0:{width}*/")
        )
        layouts = counting_layouts(monkeypatch)
        fitted = render_fitted(kit, wrong)
        assert fitted.warnings == [
            f"title: the template's fit() says width_mm={width}, but the box is 173.3 mm wide; "
            "set width_mm=173.3 in the template, or leave width_mm out"
        ]
        assert fitted.html == right.html.replace(":3:0:173.3*/", f":3:0:{width}*/")
        assert len(layouts) == count
        monkeypatch.undo()


def test_a_box_still_undecided_after_the_probes_starts_at_the_largest_size(
    kit: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    material = kit.materials["event-poster"]
    rendered = render_html(kit, material, rows_of(kit, material)[0], 1)
    marks = read_marks(rendered.html)
    found = probe(kit, rendered, marks)
    assert found.steps[0] > 0 and found.layouts == 2  # too big, then its size found
    monkeypatch.setattr("handbill.engine.probe.MAX_ROUNDS", 1)
    undecided = probe(kit, rendered, marks)
    assert (undecided.steps, undecided.sizes, undecided.layouts) == ({}, {}, 1)
    assert render_fitted(kit, rendered).html == with_steps(rendered.html, found.steps)
