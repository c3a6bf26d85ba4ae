"""Small hostile inputs that once exhausted time or memory, or ended in a traceback: each is now
refused with one clear line, quickly, under CPU and address-space limits."""

from __future__ import annotations

import base64
import io
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from conftest import write
from handbill.build.cache import state_file
from hostile import assert_clear_failure, content, make_kit, run_limited, template


@pytest.fixture
def kit(tmp_path: Path) -> Path:
    return make_kit(tmp_path)


def big_png() -> bytes:
    """A 10,000 x 7,000 pixel PNG (70 megapixels) that is only a few kilobytes on disk."""
    stream = io.BytesIO()
    Image.new("1", (10_000, 7_000)).save(stream, "PNG")
    return stream.getvalue()


SVG_BOMB = (
    '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaaaaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
    '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>'
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&e;&e;&e;</text></svg>'
)
USE_BOMB = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><defs><g id="g0"></g>'
    + "".join(f'<g id="g{d}">' + f'<use href="#g{d - 1}"/>' * 10 + "</g>" for d in range(1, 8))
    + '</defs><use href="#g7"/></svg>'
)
YAML_BOMB = "vars:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"  {name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def stylesheet(kit: Path, css: str) -> None:
    write(kit / "assets" / "x.css", css)
    template(kit, "<p>x</p>")
    text = (kit / "templates" / "attack.html").read_text()
    write(
        kit / "templates" / "attack.html",
        text.replace(
            "{% block body %}",
            '{% block stylesheets %}<link rel="stylesheet" href="{{ asset(\'x.css\') }}">'
            "{% endblock %}{% block body %}",
        ),
    )


def image(kit: Path, name: str, data: bytes) -> None:
    (kit / "assets" / "img" / name).write_bytes(data)
    content(kit, f"![picture](assets/img/{name})\n")


def data_url(data: bytes, kind: str = "image/png") -> str:
    return f"data:{kind};base64," + base64.b64encode(data).decode()


def sparse(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as stream:
        stream.truncate(size)


def config_plus(kit: Path, text: str) -> None:
    path = kit / "handbill.toml"
    path.write_text(path.read_text() + "\n" + text)


def font_file(kit: Path) -> None:
    write(kit / "assets" / "fonts" / "bad.ttf", "this is not a font")


INPUTS: dict[str, tuple[Callable[[Path], object], str]] = {
    "a YAML alias bomb": (
        lambda kit: content(kit, "x\n", YAML_BOMB),
        "hostile.md:6: front matter: an alias (*a) repeats a value written elsewhere",
    ),
    "deep YAML": (
        lambda kit: content(kit, "x\n", "vars:\n  x: " + "[" * 5000 + "]" * 5000 + "\n"),
        "front matter: values nested more than 20 levels deep",
    ),
    "deep YAML, block style": (
        lambda kit: content(
            kit,
            "x\n",
            "vars:\n  x:" + "".join("\n" + " " * (i + 2) + "k:" for i in range(700)) + "\n",
        ),
        "front matter: values nested more than 20 levels deep",
    ),
    "a 5000-column table": (
        lambda kit: content(
            kit, ("|" + "a|" * 5000 + "\n") + ("|" + "-|" * 5000 + "\n") + ("|" + "a|" * 5000)
        ),
        "hostile.md:5: a table row with more than 30 columns",
    ),
    "25,000 headings": (
        lambda kit: content(kit, "## h\n\n" * 25_000),
        "more than 500 headings; printed material needs far fewer",
    ),
    "an SVG entity bomb": (
        lambda kit: image(kit, "bomb.svg", SVG_BOMB.encode()),
        "SVG that declares entities, which handbill does not read",
    ),
    "an SVG entity bomb named .dat": (
        lambda kit: image(kit, "bomb.dat", SVG_BOMB.encode()),
        "SVG that declares entities, which handbill does not read",
    ),
    "a huge PNG named .svg": (
        lambda kit: image(kit, "huge.svg", big_png()),
        "image of 10,000 x 7,000 pixels is too large",
    ),
    "a huge PNG as a data: URL in content": (
        lambda kit: content(kit, f"![x]({data_url(big_png())})\n"),
        "image of 10,000 x 7,000 pixels is too large",
    ),
    "a huge PNG as a data: URL in CSS": (
        lambda kit: stylesheet(kit, f"body {{ background: url({data_url(big_png())}) }}"),
        "image of 10,000 x 7,000 pixels is too large",
    ),
    "5000 nested :not(": (
        lambda kit: stylesheet(kit, "p" + ":not(" * 5000 + "a" + ")" * 5000 + " { color: red }"),
        "CSS with brackets or functions nested more than 64 deep",
    ),
    "nested calc()": (
        lambda kit: stylesheet(kit, "p { width: " + "calc(" * 3000 + "1px" + ")" * 3000 + " }"),
        "CSS with brackets or functions nested more than 64 deep",
    ),
    "3000 descendant combinators": (
        lambda kit: stylesheet(kit, " ".join(["div"] * 3000) + " { color: red }"),
        "hostile: the pages could not be laid out: something in the template's HTML or the "
        "kit's CSS is nested too deeply (RecursionError)",
    ),
    "font-size 1e30px": (
        lambda kit: stylesheet(kit, "p { font-size: 1e30px }"),
        "CSS with the length 1e30px, far beyond any page",
    ),
    "a garbage font in [[fonts]]": (
        lambda kit: (
            font_file(kit),
            config_plus(kit, '[[fonts]]\nfamily = "Bad"\nfile = "assets/fonts/bad.ttf"\n'),
        ),
        "Config value 'fonts.file': 'assets/fonts/bad.ttf' is not a font handbill can read",
    ),
    "a garbage font in assets/fonts": (
        font_file,
        "assets/fonts/bad.ttf: not a font handbill can read",
    ),
    "deep JSON": (
        lambda kit: write(kit / "data" / "deep.json", "[" * 100_000 + "]" * 100_000),
        "data/deep.json: the JSON is nested too deeply to read",
    ),
    "JSON 30 levels deep": (
        lambda kit: write(kit / "data" / "deep.json", "[" * 30 + "]" * 30),
        "data/deep.json: the JSON is nested more than 20 levels deep",
    ),
    "deep TOML": (
        lambda kit: config_plus(kit, "[fields]\nx = " + "[" * 100_000 + "]" * 100_000),
        "handbill.toml: TOML nested too deeply to read",
    ),
    "export_font_size: big": (
        lambda kit: content(kit, "x\n", "vars:\n  export_font_size: big\n"),
        "field 'vars': export_font_size must be a text size in points from 6 to 72",
    ),
    "export_font_size: [1]": (
        lambda kit: content(kit, "x\n", "vars:\n  export_font_size: [1]\n"),
        "field 'vars': export_font_size must be a text size in points from 6 to 72",
    ),
    "export_font_size: 1e308": (
        lambda kit: content(kit, "x\n", "vars:\n  export_font_size: 1.0e+308\n"),
        "field 'vars': export_font_size must be a text size in points from 6 to 72",
    ),
    "a JSON per: table with nested values": (
        lambda kit: (
            write(kit / "data" / "rows.json", json.dumps([{"title": {"x": 1}}])),
            content(kit, "x\n", "per: rows\n"),
        ),
        "data/rows.json: row 1: 'title' must be text or a number, not dict",
    ),
    "a per: table of 3,000 rows": (
        lambda kit: (
            write(kit / "data" / "rows.csv", "title\n" + "x\n" * 3_000),
            content(kit, "x\n", "per: rows\n"),
        ),
        "data table 'rows' has 3,000 rows, and a per: material makes one PDF for each",
    ),
    "a data table of a million rows": (
        lambda kit: write(kit / "data" / "rows.csv", "title\n" + "x\n" * 1_000_000),
        "data/rows.csv:50002: more than 50,000 rows; one data table holds at most that many",
    ),
    "ten million empty rows": (
        lambda kit: write(kit / "data" / "rows.csv", "a,b\n" + ",\n" * 9_000_000),
        "data/rows.csv:50002: more than 50,000 rows",
    ),
    "a table of 300 columns": (
        lambda kit: write(kit / "data" / "wide.csv", ",".join(f"c{i}" for i in range(300))),
        "data/wide.csv:1: 300 columns; a table holds at most 200",
    ),
    "a JSON table of a million objects": (
        lambda kit: write(kit / "data" / "many.json", "[" + "{}," * 1_000_000 + "{}]"),
        "data/many.json: more than 500,000 objects; a data table needs far fewer",
    ),
    "a paragraph of quotation marks": (
        lambda kit: content(kit, "\"'a" * 90_000 + "\n"),
        "hostile.md:5: a paragraph with more than 2,000 quotation marks",
    ),
    "a number of 5,000 digits": (
        lambda kit: content(kit, "x\n", "pages: " + "9" * 5_000 + "\n"),
        "front matter: a value YAML cannot read: a number of more than 4,300 digits",
    ),
    "half a character in JSON": (
        lambda kit: (
            write(kit / "data" / "rows.json", '[{"title": "a\\ud800b"}]'),
            template(kit, "{% for r in data.rows %}{{ r.title }}{% endfor %}"),
        ),
        "the HTML holds U+D800, half of a character, which cannot be printed",
    ),
    "a page ten metres wide": (
        lambda kit: template(kit, "<style>@page { size: 10000mm 10000mm !important }</style>x"),
        "hostile: page 1 is 10,000 x 10,000 mm; at most 1,200 mm a side",
    ),
    "a QR code of infinite width": (
        lambda kit: template(kit, "{{ qr('case', 1e308) }}"),
        "QR width '1e+308' must be a number of millimetres up to 500",
    ),
    "a folder as an image": (
        lambda kit: content(kit, "![a](assets)\n"),
        "refused to fetch",
    ),
    "a folder as a font": (
        lambda kit: template(
            kit,
            "<style>@font-face { font-family: Z; src: url(templates) } p { font-family: Z }"
            "</style><p>x</p>",
        ),
        "(not a regular file)",
    ),
    "nested calc() reaching infinity": (
        lambda kit: template(
            kit,
            "<style>p { margin-left: "
            + "calc(" * 36
            + "100000mm"
            + " * 1000000000)" * 36
            + " }</style><p>x</p>",
        ),
        "the pages could not be laid out: a number in the kit's CSS or HTML is out of bounds",
    ),
    "an SVG whose <use> repeats itself ten million times": (
        lambda kit: image(kit, "uses.svg", USE_BOMB.encode()),
        "SVG whose <use> elements repeat its parts into more than 200,000 elements",
    ),
    "a 25 MB data table": (
        lambda kit: sparse(kit / "data" / "big.csv", 25 * 1024 * 1024),
        "data/big.csv: 25.0 MB is more than handbill reads from a data table (at most 20.0 MB)",
    ),
    "a 2 MB handbill.toml": (
        lambda kit: config_plus(kit, "# " + "x" * 2_000_000),
        "handbill.toml: 1.9 MB is more than handbill reads from a handbill.toml",
    ),
}


@pytest.mark.parametrize("case", INPUTS, ids=list(INPUTS))
def test_hostile_input_is_one_clear_line(kit: Path, tmp_path: Path, case: str) -> None:
    setup, expected = INPUTS[case]
    setup(kit)
    result = run_limited(kit, "build", "--out", str(tmp_path / "out"), timeout=90)
    assert_clear_failure(result, expected)
    assert result.seconds < 30, result.seconds


def test_a_huge_merge_table_is_refused(kit: Path, tmp_path: Path) -> None:
    table = write(tmp_path / "supporters.csv", "name\n" + "Ann\n" * 100_001)
    result = run_limited(kit, "build", "hostile", "--merge", str(table), "--out", str(tmp_path))
    assert_clear_failure(
        result, "supporters.csv:100002: more than 100,000 rows; one supporters' table"
    )


def test_a_huge_data_url_warns_in_one_short_line(kit: Path, tmp_path: Path) -> None:
    junk = data_url(os.urandom(3_000_000), "image/png")
    stylesheet(kit, f"body {{ background: url({junk}) }}")
    out = tmp_path / "out"
    result = run_limited(kit, "build", "hostile", "--out", str(out))
    assert result.code == 0, result.stderr[-2000:]
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning: ")]
    assert any("Failed to load image at 'data:image/png;base64," in w for w in warnings)
    assert all(len(line) < 600 for line in result.stderr.splitlines())
    assert state_file(kit, out, "cache").stat().st_size < 100_000


def test_json_tables_may_hold_numbers(kit: Path, tmp_path: Path) -> None:
    write(kit / "data" / "rows.json", json.dumps([{"title": "Rally", "year": 2018, "cost": 2.5}]))
    content(kit, "x\n", "per: rows\noutput: 'hostile-{year}'\n")
    template(kit, "<p>{{ row.title }} {{ row.year }} {{ row.cost }}</p>")
    result = run_limited(kit, "build", "hostile", "--out", str(tmp_path / "out"))
    assert result.code == 0, result.stderr
    assert (tmp_path / "out" / "hostile-2018.pdf").is_file()


def test_a_nested_list_in_the_stock_faq_builds(kit: Path, tmp_path: Path) -> None:
    write(
        kit / "materials" / "nested.md", "---\ntemplate: faq\ntitle: T\n---\n- a\n  - b\n    - c\n"
    )
    result = run_limited(kit, "build", "nested", "--out", str(tmp_path / "out"))
    assert result.code == 0, result.stderr


def test_a_planted_cache_is_not_trusted(kit: Path, tmp_path: Path) -> None:
    """A snapshot and cache shipped in a kit cannot make the build walk the disk, read a
    device or replay their own text."""
    from handbill import __version__

    out = tmp_path / "out"
    generator = f"handbill {__version__}"
    deps = {"/dev/zero": "x", "kit:../../../../../dev/zero": "x", "stock:/dev/zero": "x"}
    write(
        state_file(kit, out, "cache"),
        json.dumps(
            {
                "generator": generator,
                "outputs": {"hostile.pdf": {"key": "k", "deps": deps, "entries": []}},
            }
        ),
    )
    write(
        state_file(kit, out, "snapshot"),
        json.dumps(
            {
                "generator": generator,
                "request": "x",
                "roots": ["/", "kit:../../../.."],
                "deps": ["/dev/zero", "kit:../../../../dev/zero"],
                "state": {},
                "outputs": {},
                "summary": "\x1b[2JBuilt everything",
                "warnings": [],
                "jobs": {"oops": "x"},
            }
        ),
    )
    result = run_limited(kit, "build", "--out", str(out), timeout=60)
    assert result.code == 0, result.stderr
    assert "Built 3 PDFs" in result.stdout and "\x1b" not in result.stdout
    assert result.seconds < 30


@pytest.mark.parametrize(
    "manifest",
    [
        {"outputs": {"card": 1}},
        {"outputs": [1]},
        {"outputs": [{"material": "card"}]},
        {"outputs": [{"material": "card", "path": ["x"]}]},
        {"outputs": [{"material": ["card"], "path": "card.pdf"}]},
        {"outputs": [{"material": "card", "path": "../../secret.txt", "kind": "pdf"}]},
    ],
)
def test_a_planted_manifest_is_rebuilt_or_refused(
    kit: Path, tmp_path: Path, manifest: object
) -> None:
    out = tmp_path / "out"
    write(out / "manifest.json", json.dumps(manifest))
    result = run_limited(kit, "site", "--out", str(out), timeout=60)
    assert result.code in (0, 1) and "Traceback" not in result.stderr, result.stderr
    assert "internal error" not in result.stderr
    if result.code == 1:
        assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1
    else:
        page = (out / "index.html").read_text()
        assert "secret" not in page and "card.pdf" in page


def test_a_linked_output_folder_is_refused(kit: Path, tmp_path: Path) -> None:
    """A kit shipped with dist -> elsewhere cannot make handbill write there."""
    elsewhere = tmp_path / "elsewhere"
    write(elsewhere / "index.html", "theirs")
    os.symlink(elsewhere, kit / "dist")
    result = run_limited(kit, "build")
    assert_clear_failure(result, f"dist is a link to {elsewhere}; handbill writes only into real")
    assert [p.name for p in elsewhere.iterdir()] == ["index.html"]
    assert (elsewhere / "index.html").read_text() == "theirs"


def test_control_codes_never_reach_the_terminal(kit: Path, tmp_path: Path) -> None:
    template(kit, "{{ asset('\\x1b]52;c;b3duZWQ=\\x07x\\nline two') }}")
    result = run_limited(kit, "build", "hostile", "--out", str(tmp_path / "out"))
    assert_clear_failure(result, "asset '\\x1b]52;c;b3duZWQ=\\x07x\\nline two' not found")
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr


def looping_form(path: Path) -> Path:
    """A PDF that says it is the form of 'hostile', whose field is its own parent and child."""
    import pypdf
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = pypdf.PdfWriter()
    writer.add_blank_page(100, 100)
    writer.add_metadata({"/HandbillForm": "hostile"})
    field = DictionaryObject({NameObject("/FT"): NameObject("/Tx")})
    field[NameObject("/T")] = TextStringObject("a")
    reference = writer._add_object(field)
    field[NameObject("/Kids")] = ArrayObject([reference])
    field[NameObject("/Parent")] = reference
    fields = DictionaryObject({NameObject("/Fields"): ArrayObject([reference])})
    writer.root_object[NameObject("/AcroForm")] = fields
    writer.write(path)
    return path


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (looping_form, "--from-form: loop.pdf is not a PDF handbill can read"),
        (lambda path: os.mkfifo(path) or path, "--from-form: loop.pdf is not an ordinary file"),
    ],
    ids=["a field tree that loops", "a named pipe"],
)
def test_a_hostile_filled_form_is_one_clear_line(
    kit: Path, tmp_path: Path, make: Callable[[Path], Path], expected: str
) -> None:
    form = make(tmp_path / "loop.pdf")
    result = run_limited(kit, "build", "hostile", "--from-form", str(form), timeout=60)
    assert_clear_failure(result, expected)
