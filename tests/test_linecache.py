"""Remembered line splits change nothing: every example output is byte-identical without them."""

from __future__ import annotations

import pytest
from weasyprint import HTML

import handbill.linecache
from conftest import REPO
from handbill.build import Options, jobs_for, prepare
from handbill.fetcher import KitURLFetcher
from handbill.kit import load_kit, stock_dir
from handbill.pdf import render, write_pdf

KIT = load_kit(REPO)


@pytest.mark.parametrize(
    "job", jobs_for(KIT, KIT.select(())), ids=lambda job: f"{job.material}-{job.row}"
)
def test_pdf_is_identical_to_plain_weasyprint(job) -> None:  # type: ignore[no-untyped-def]
    rendered = prepare(KIT, job, {}, Options())
    remembered, _ = render(KIT, rendered)
    fetcher = KitURLFetcher((KIT.root, stock_dir()))
    plain = HTML(string=rendered.html, base_url=KIT.root.as_uri() + "/", url_fetcher=fetcher)
    expected = write_pdf(plain.render(), "t", rendered.material.language)
    assert write_pdf(remembered, "t", rendered.material.language) == expected


def test_the_cache_is_used_only_inside_a_render(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = handbill.linecache._split_first_line
    monkeypatch.setattr(
        handbill.linecache,
        "_split_first_line",
        lambda text, *a: calls.append(text) or real(text, *a),
    )
    rendered = prepare(KIT, jobs_for(KIT, KIT.select(["event-flyer"]))[0], {}, Options())
    render(KIT, rendered)
    remembered = len(calls)
    calls.clear()
    fetcher = KitURLFetcher((KIT.root, stock_dir()))
    HTML(string=rendered.html, base_url=KIT.root.as_uri() + "/", url_fetcher=fetcher).render()
    # Flex layout asks for the same lines over and over; with the cache Pango is asked once.
    assert remembered * 5 < len(calls)
    assert handbill.linecache._local.memo is None
