"""Remembered line splits, shared fonts and quick QR paths change nothing: same bytes without."""

from __future__ import annotations

import pytest
from weasyprint import HTML

import handbill.linecache
from conftest import REPO
from handbill.actualtext import exact_text
from handbill.fetcher import KitURLFetcher
from handbill.jobs import Options, jobs_for, prepare
from handbill.kit import load_kit, stock_dir
from handbill.pdf import PDF_VARIANT, render, sharing_fonts, write_pdf

KIT = load_kit(REPO)


def test_pdfs_are_identical_to_plain_weasyprint() -> None:
    """Every example output, laid out and drawn as a build does it (remembered line splits, fonts
    shared by the documents of the build, QR paths drawn without parsing), has the same bytes as
    plain WeasyPrint's own rendering and drawing."""
    jobs = jobs_for(KIT, KIT.select(()))
    with sharing_fonts():
        for job in jobs:
            rendered = prepare(KIT, job, {}, Options())
            fast, _ = render(KIT, rendered)
            fetcher = KitURLFetcher((KIT.root, stock_dir()))
            base = KIT.root.as_uri() + "/"
            plain = HTML(string=rendered.html, base_url=base, url_fetcher=fetcher).render()
            language = rendered.material.language
            plain.metadata.title, plain.metadata.lang = "t", language
            with exact_text():  # the one change made on purpose: see actualtext.py
                expected = plain.write_pdf(pdf_variant=PDF_VARIANT)
            assert write_pdf(fast, "t", language) == expected, job
    assert len(jobs) > 30


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
