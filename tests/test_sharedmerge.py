"""Shared-layout merges: the same pages as letters laid out in full, and full layout as fallback."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

import handbill.merge.shared
from conftest import REPO, write
from handbill.errors import LayoutError
from handbill.kit.loader import load_kit
from handbill.kit.markdown import smart_text
from handbill.merge.groups import grouped
from handbill.merge.merge import merge
from handbill.merge.rows import scan_rows
from handbill.merge.shared import chunk_size, shared_plan
from pdftools import page_texts

NAMES = ["Amira Khan", "O'Brien / Smith", "Zoë Hughes", "Tom Whitaker", "Ann Lee", "Bo"]


def supporters(path: Path, names: list[str], address: str = "", at: int = 2) -> Path:
    """Rows from the first three example supporters, with these names (and row ``at`` maybe
    with this address)."""
    with (REPO / "data" / "supporters.csv").open(encoding="utf-8") as handle:
        examples = list(csv.DictReader(handle))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(examples[0]))
        writer.writeheader()
        for number, name in enumerate(names):
            row = {**examples[number % 3], "name": name}
            if address and number == at:
                row["address"] = address
            writer.writerow(row)
    return path


def appeal(kit_dir: Path, template: str, duplex: bool = False) -> None:
    """A one-page letter asking the reader to a meeting, with fields name and town."""
    write(
        kit_dir / "materials" / "appeal.md",
        f"""
        ---
        template: {template}
        title: An appeal
        pages: 1
        duplex: {str(duplex).lower()}
        published: false
        fields: {{name: your name, town: your town}}
        ---
        Dear friend in [[town]],

        Please come to the meeting.

        [[name]]
        """,
    )


def counting_bases(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of rows in each call laying out bases, as the merges go on."""
    laid_out: list[int] = []
    real = handbill.merge.shared.lay_out_bases

    def counted(kit: object, material: object, plan: object, rows: list[object], *rest: object):  # type: ignore[no-untyped-def]
        laid_out.append(len(rows))
        return real(kit, material, plan, rows, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(handbill.merge.shared, "lay_out_bases", counted)
    return laid_out


def pictures(path: Path) -> list[bytes]:
    document = pdfium.PdfDocument(str(path))
    try:
        return [page.render(scale=50 / 72).to_pil().tobytes() for page in document]
    finally:
        document.close()


def test_shared_layouts_give_the_same_pages_as_full_layouts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The example letter over rows from three constituencies, one with a two-line address."""
    long = "Flat 4, 22 Cathedral Road, Pontcanna, Cardiff CF11 9LJ, " * 3
    source = supporters(tmp_path / "s.csv", NAMES, long.strip(", "))
    kit = load_kit(REPO)
    shared = merge(kit, kit.materials["letter-to-mp"], source, tmp_path / "shared", jobs=2)
    monkeypatch.setattr(handbill.merge.shared, "shared_plan", lambda *args: None)
    full = merge(kit, kit.materials["letter-to-mp"], source, tmp_path / "full", jobs=1)
    assert shared.entry["laid_out_in_full"] == 0 and full.entry["laid_out_in_full"] == 6
    made = pictures(tmp_path / "shared-private" / "letter-to-mp.merge.pdf")
    assert len(made) == 6 and made == pictures(tmp_path / "full-private" / "letter-to-mp.merge.pdf")
    texts = page_texts(tmp_path / "shared-private" / "letter-to-mp.merge.pdf")
    # Names are printed with typographic apostrophes (O\u2019Brien), in both layouts.
    printed = [smart_text(name) for name in NAMES]
    for name, text in zip(printed, texts, strict=True):
        others = [n for n in printed if n != name and n not in name]
        assert name in text and not any(f"\n{n}\n" in text for n in others)
    assert "Pontcanna, Cardiff CF11 9LJ" in texts[2]


def test_a_sign_off_too_long_for_its_page_is_laid_out_in_full(tmp_path: Path) -> None:
    """Rows 2 and 5 share a base (as do 3 and 6, 4 and 7); row 5's name (the sign-off) would
    run off its page."""
    names = [*NAMES[:3], "A very long name line, " * 60, *NAMES[4:]]
    source = supporters(tmp_path / "s.csv", names)
    kit = load_kit(REPO)
    report = merge(kit, kit.materials["letter-to-mp"], source, tmp_path / "out", jobs=1)
    assert report.entry["laid_out_in_full"] == 1
    assert [r["pages"] for r in report.entry["rows"]] == [1, 1, 1, 2, 1, 1]
    assert [r["first_page"] for r in report.entry["rows"]] == [1, 2, 3, 4, 6, 7]
    assert report.warnings == [
        "letter-to-mp row 5: 2 pages, expected 1; shorten the row's text or the letter"
    ]
    texts = page_texts(tmp_path / "out-private" / "letter-to-mp.merge.pdf")
    assert NAMES[2] in texts[2] and "A very long name line" in texts[3]
    assert "very long name line" in texts[4] and "Dear" not in texts[4]


def test_split_letters_from_shared_layouts(tmp_path: Path) -> None:
    source = supporters(tmp_path / "s.csv", NAMES[:3])
    kit = load_kit(REPO)
    report = merge(kit, kit.materials["letter-to-mp"], source, tmp_path / "out", split=True, jobs=1)
    folder = tmp_path / "out-private" / "letter-to-mp.merge"
    files = sorted(p.name for p in folder.iterdir())
    assert files == ["00002-amira-khan.pdf", "00003-o-brien-smith.pdf", "00004-zoë-hughes.pdf"]
    assert [r["path"] for r in report.entry["rows"]] == [
        f"private/letter-to-mp.merge/{f}" for f in files
    ]
    for name, file in zip(NAMES, files, strict=False):
        assert len(PdfReader(folder / file).pages) == 1
        assert smart_text(name) in page_texts(folder / file)[0]


def test_two_sided_shared_letters_start_on_a_front(kit_dir: Path, tmp_path: Path) -> None:
    appeal(kit_dir, "letter", duplex=True)
    rows = tmp_path / "rows.csv"
    rows.write_text("name,town\nAnn,Leeds\nBob,Leeds\nCy,York\nDi,York\n", encoding="utf-8")
    kit = load_kit(kit_dir)
    report = merge(kit, kit.materials["appeal"], rows, tmp_path / "out", jobs=1)
    assert report.entry["laid_out_in_full"] == 0
    assert [r["first_page"] for r in report.entry["rows"]] == [1, 3, 5, 7]
    texts = page_texts(tmp_path / "out-private" / "appeal.merge.pdf")
    assert len(texts) == 8 and [t.strip() for t in texts[1::2]] == ["", "", "", ""]
    assert "Ann" in texts[0] and "Bob" in texts[2] and "York" in texts[4] and "Di" in texts[6]


def test_rows_that_differ_only_in_their_sign_off_share_one_base(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every supporter has an address of their own: in a merge it is printed under their name,
    in the sign-off, so that rows from one constituency share one laid-out letter (at the top of
    the page it would make each row a letter of its own, many times slower)."""
    with (REPO / "data" / "supporters.csv").open(encoding="utf-8") as handle:
        example = next(csv.DictReader(handle))
    source = tmp_path / "s.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(example))
        writer.writeheader()
        for number, name in enumerate(NAMES, 1):
            writer.writerow({**example, "name": name, "address": f"{number} Mill Lane, Otley"})
    laid_out = counting_bases(monkeypatch)
    kit = load_kit(REPO)
    made = merge(kit, kit.materials["letter-to-mp"], source, tmp_path / "out", jobs=1)
    assert made.entry["laid_out_in_full"] == 0 and sum(laid_out) == 1
    texts = page_texts(tmp_path / "out-private" / "letter-to-mp.merge.pdf")
    for number, (name, text) in enumerate(zip(NAMES, texts, strict=True), 1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines[lines.index(smart_text(name)) + 1] == f"{number} Mill Lane, Otley", lines[-4:]


def with_columns(source: Path, target: Path, columns: dict[str, list[str]]) -> Path:
    """``source`` with more columns, one value a row."""
    with source.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*rows[0], *columns])
        writer.writeheader()
        for number, row in enumerate(rows):
            writer.writerow({**row, **{name: values[number] for name, values in columns.items()}})
    return target


def test_columns_the_letter_never_reads_do_not_split_its_groups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A supporters' list with an email, phone, date joined and consent for every row makes
    the same three groups (one per constituency) as without them, and the same pages."""
    plain = supporters(tmp_path / "plain.csv", NAMES)
    unused = {
        "email": [f"s{n}@example.org" for n in range(6)],
        "phone": [f"07700 90012{n}" for n in range(6)],
        "joined": [f"2018-0{n + 1}-01" for n in range(6)],
        "consent": ["yes", "no"] * 3,
    }
    extra = with_columns(plain, tmp_path / "extra.csv", unused)
    kit = load_kit(REPO)
    material = kit.materials["letter-to-mp"]
    found = []
    for table in (plain, extra):
        scan = scan_rows(kit, material, table, {})
        plan = shared_plan(kit, material, scan.first, {})
        assert plan.per_letter == {"name", "address"}
        assert plan.grouping == ("town", "constituency", "mp_name", "hospital")
        groups = grouped(plan, scan.rows())
        assert [(g.count, g.first) for g in groups.values()] == [(2, 2), (2, 3), (2, 4)]
        found.append(list(groups))
    assert found[0] == found[1]  # the same keys
    laid_out = counting_bases(monkeypatch)
    for table, out in ((plain, "plain"), (extra, "extra")):
        report = merge(kit, material, table, tmp_path / out, jobs=1)
        assert report.entry["laid_out_in_full"] == 0 and report.entry["pages"] == 6
    assert laid_out == [3, 3]  # each merge: one base for each constituency
    made = pictures(tmp_path / "extra-private" / "letter-to-mp.merge.pdf")
    assert len(made) == 6 and made == pictures(
        tmp_path / "plain-private" / "letter-to-mp.merge.pdf"
    )


def test_a_column_read_only_under_a_condition_still_decides_the_letter(
    kit_dir: Path, tmp_path: Path
) -> None:
    """The letter thanks supporters who agreed to be contacted at their email address: the
    markers never show the email (the condition is false for them), the first row of the
    'yes' group reads it, and the rows are grouped again with it."""
    write(
        kit_dir / "templates" / "thanks.html",
        """
        {% extends "letter.html" %}
        {% block body %}{% if row.consent == "yes" -%}
        <p>We will write to you at {{ row.email }}.</p>
        {%- endif %}{{ super() }}{% endblock %}
        """,
    )
    appeal(kit_dir, "thanks")
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "name,town,consent,email\n"
        "Ann,Leeds,yes,ann@example.org\nBob,Leeds,yes,bob@example.org\n"
        "Cy,Leeds,no,cy@example.org\nDi,Leeds,no,di@example.org\n",
        encoding="utf-8",
    )
    kit = load_kit(kit_dir)
    material = kit.materials["appeal"]
    plan = shared_plan(kit, material, scan_rows(kit, material, rows, {}).first, {})
    assert plan.grouping == ("town", "consent")  # the email only shows when consent is "yes"
    report = merge(kit, material, rows, tmp_path / "out", jobs=1)
    texts = page_texts(tmp_path / "out-private" / "appeal.merge.pdf")
    assert len(texts) == 4
    assert "ann@example.org" in texts[0] and "bob@example.org" in texts[1]
    assert "bob@" not in texts[0] and "ann@" not in texts[1]
    assert not any("We will write" in text for text in texts[2:])
    # Grouped again by email too, every row is a group of one: laid out in full.
    assert report.entry["laid_out_in_full"] == 4


def test_rows_alone_in_their_group_are_laid_out_in_full_without_a_base(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = supporters(tmp_path / "s.csv", NAMES[:3])  # three constituencies, a row each
    laid_out = counting_bases(monkeypatch)
    kit = load_kit(REPO)
    report = merge(kit, kit.materials["letter-to-mp"], source, tmp_path / "out", jobs=1)
    assert laid_out == [] and report.entry["laid_out_in_full"] == 3
    texts = page_texts(tmp_path / "out-private" / "letter-to-mp.merge.pdf")
    assert [smart_text(NAMES[n]) in texts[n] for n in range(3)] == [True, True, True]


def test_rows_are_split_evenly_over_the_workers() -> None:
    """Chunks of at most SHARED_CHUNK rows, as many for each worker."""
    assert handbill.merge.shared.SHARED_CHUNK == 200
    assert chunk_size(1000, 2) == 167  # six chunks, three a worker, not five of 200
    assert chunk_size(10_000, 2) == 200 and chunk_size(50_000, 4) == 199
    assert chunk_size(30, 2) == 15 and chunk_size(1, 2) == 1


def red_pixels(path: Path) -> list[int]:
    """How many pixels of each page, at 100 dpi, are the rules' red (#c00000, give or take)."""
    document = pdfium.PdfDocument(str(path))
    try:
        found = []
        for page in document:
            data = page.render(scale=100 / 72).to_pil().convert("RGB").tobytes()
            pixels = zip(data[0::3], data[1::3], data[2::3], strict=True)
            found.append(sum(1 for r, g, b in pixels if r > 150 and g < 80 and b < 80))
        return found
    finally:
        document.close()


def _with_css(kit_dir: Path, rule: str) -> None:
    """The example kit's files in ``kit_dir``, the letter's stylesheet ending with ``rule``."""
    import shutil

    kit_dir.mkdir()
    for part in ("handbill.toml", "materials", "templates", "assets", "data"):
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, kit_dir / part)
        else:
            shutil.copy(source, kit_dir / part)
    css = kit_dir / "assets" / "css" / "letter.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n" + rule + "\n", encoding="utf-8")


def _both_ways(tmp_path: Path, rule: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """The example letter over eight rows (three groups), with ``rule`` in its CSS,
    merged as it is and with every letter laid out in full."""
    kit_dir = tmp_path / "kit"
    _with_css(kit_dir, rule)
    names = [f"{name} {n}" for n in (1, 2) for name in ("Ann Lee", "Bo Tan", "Cy Ode")]
    source = supporters(tmp_path / "s.csv", [*names, "Di Ray 1", "Di Ray 2"])
    kit = load_kit(kit_dir)
    made = merge(kit, kit.materials["letter-to-mp"], source, tmp_path / "made", jobs=2)
    with monkeypatch.context() as patched:
        patched.setattr(handbill.merge.shared, "shared_plan", lambda *args: None)
        full = merge(kit, kit.materials["letter-to-mp"], source, tmp_path / "full", jobs=1)
    return made, full


def test_a_sign_off_styled_by_its_sibling_paragraphs_keeps_that_style(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rule that reaches the name only through the paragraphs before it (here a rule above
    it) is not there when the sign-off is laid out alone: no base is kept, the letters are laid
    out in full, with the rule."""
    rule = ".letter-body > p:not(.signature) + p.signature { border-top: 2px solid #c00000; }"
    made, _ = _both_ways(tmp_path, rule, monkeypatch)
    assert made.entry["laid_out_in_full"] == 8
    assert made.warnings == [
        "letter-to-mp: 3 of 3 groups of letters laid out in full, which is slower: the sign-off "
        "(name, address) laid out alone did not look as it does in the letter (a rule with "
        ":nth-child, + or ~ that reaches it through the paragraphs before it, or a sign-off "
        "split over two pages). The letters are right"
    ]
    pages = pictures(tmp_path / "made-private" / "letter-to-mp.merge.pdf")
    assert pages == pictures(tmp_path / "full-private" / "letter-to-mp.merge.pdf")
    assert all(red_pixels(tmp_path / "made-private" / "letter-to-mp.merge.pdf"))  # each letter


def test_letters_styled_by_their_place_are_each_laid_out_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rule on every second letter of a document would style letters by how the rows fall
    into documents and groups; each letter is laid out as it is alone (the rule then matches
    none), said once, whichever way the letters are made."""
    rule = ".merge-letter:nth-child(2n) .letter-body p { color: #c00000; }"
    made, full = _both_ways(tmp_path, rule, monkeypatch)
    pages = pictures(tmp_path / "made-private" / "letter-to-mp.merge.pdf")
    assert pages == pictures(tmp_path / "full-private" / "letter-to-mp.merge.pdf")
    assert not any(red_pixels(tmp_path / "made-private" / "letter-to-mp.merge.pdf"))
    for report in (made, full):
        assert report.entry["laid_out_in_full"] == 8
        assert [w for w in report.warnings if "by its place" in w] == [
            "letter-to-mp: the kit's CSS styles a letter by its place among the others (the "
            'color of <p class="subject"> differs from one letter to the next: a rule with '
            ":nth-child, :first-child, + or ~ that reaches the letter itself); each letter is "
            "laid out on its own, as when built alone, which takes longer. Remove that rule to "
            "merge faster"
        ]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_stylesheet_importing_from_the_web_stops_the_merge_with_one_line(
    tmp_path: Path, jobs: int
) -> None:
    """Copied from a web page: the merge's checks of the letter's styles meet it first, and
    leave it to the layout to refuse it, as a single build does."""
    from handbill.errors import FetchError

    kit_dir = tmp_path / "kit"
    _with_css(kit_dir, "")
    css = kit_dir / "assets" / "css" / "letter.css"
    web = "@import url('https://fonts.googleapis.com/css2?family=Open+Sans');\n"
    css.write_text(web + css.read_text(encoding="utf-8"), encoding="utf-8")
    kit = load_kit(kit_dir)
    source = supporters(tmp_path / "s.csv", NAMES)
    with pytest.raises(FetchError) as caught:
        merge(kit, kit.materials["letter-to-mp"], source, tmp_path / "out", jobs=jobs)
    assert caught.value.format_message().startswith(
        f"{kit_dir / 'materials' / 'letter-to-mp.md'}: letter-to-mp: refused to fetch "
        "https://fonts.googleapis.com/css2?family=Open+Sans (handbill never fetches from the "
        "network;"
    )


def test_a_letter_hidden_by_the_kits_css_is_one_clear_error(tmp_path: Path) -> None:
    """Letters are found on the pages by their element's box: CSS that gives it none stops the
    merge with what to change, not a traceback."""
    kit_dir = tmp_path / "kit"
    _with_css(kit_dir, ".merge-letter { display: none }")
    source = supporters(tmp_path / "s.csv", ["Ann Lee 1", "Bo Tan 1"])
    kit = load_kit(kit_dir)
    with pytest.raises(LayoutError, match="row 2 was not laid out: the kit's CSS hides it"):
        merge(kit, kit.materials["letter-to-mp"], source, tmp_path / "out", jobs=1)


def test_a_table_inside_a_paragraph_is_read_as_the_letter_is(tmp_path: Path) -> None:
    """The HTML parser ends a <p> at a <table> (standards mode): the bases, built from the
    letter parsed once, must be read that way too, or the table takes the paragraph's style."""
    kit_dir = tmp_path / "kit"
    _with_css(kit_dir, ".subject { padding-left: 40mm; color: #c00000 }")
    template = kit_dir / "templates" / "letter.html"
    subject = '<p class="subject">{{ with_fields(vars.subject) }}</p>'
    assert subject in template.read_text(encoding="utf-8")
    table = '<table class="ref"><tr><td>Our ref: T-42</td></tr></table>'
    template.write_text(
        template.read_text(encoding="utf-8").replace(subject, subject[:-4] + f" {table}</p>"),
        encoding="utf-8",
    )
    names = [f"{name} {n}" for n in (1, 2) for name in ("Ann Lee", "Bo Tan", "Cy Ode")]
    source = supporters(tmp_path / "s.csv", names)  # three groups of two
    kit = load_kit(kit_dir)
    made = merge(kit, kit.materials["letter-to-mp"], source, tmp_path / "made", jobs=1)
    assert made.entry["laid_out_in_full"] == 0
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(handbill.merge.shared, "shared_plan", lambda *args: None)
        merge(kit, kit.materials["letter-to-mp"], source, tmp_path / "full", jobs=1)
    shared = pictures(tmp_path / "made-private" / "letter-to-mp.merge.pdf")
    assert shared == pictures(tmp_path / "full-private" / "letter-to-mp.merge.pdf")
