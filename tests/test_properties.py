"""Property: any text in any field builds a PDF that shows it, or fails with a handled error."""

from __future__ import annotations

import json
import shutil
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from conftest import FIXTURE_KIT
from handbill.cli import cli
from handbill.kit.fonts import coverage
from handbill.kit.loader import load_kit
from pdftools import page_texts

# Characters the bundled font can draw: text made of them must build. Arbitrary text (most of
# Unicode) must build or be refused with a clear error.
DRAWABLE = sorted(
    chr(code) for code in coverage(load_kit(FIXTURE_KIT).font_paths) if chr(code).isprintable()
)
ANY_TEXT = st.one_of(st.text(alphabet=DRAWABLE, max_size=60), st.text(max_size=60))
# Markdown gives meaning to some characters in content (emphasis, links, headings, code,
# escapes), and the typographer turns quotes and dashes into typographic ones, so content is
# drawn from the rest and compared word by word.
WORD = st.text(
    alphabet=[c for c in DRAWABLE if c not in "*_`[]<>#\\!~|&=+-.:;'\"()"],
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip() != "")


def has_mark(text: str) -> bool:
    """Text with a combining mark is drawn correctly, but WeasyPrint's text layer can drop the
    letter before the mark (seen with "È" + U+0326), so extraction cannot confirm it. The same
    holds for Arabic script, drawn by the bundled Urdu font: WeasyPrint maps some shaped glyphs
    to the wrong or no characters in the text layer (Kozea/WeasyPrint#2841)."""
    return any(unicodedata.category(c) == "Mn" or "ARABIC" in unicodedata.name(c, "") for c in text)


def normalised(text: str) -> str:
    """Letters only: spacing and combining marks left out. PDF text extraction may split a
    letter from its mark with a space (the mark is drawn either way) and lines wrap anywhere."""
    # Letters and digits only: extraction may also turn a mark into a separate punctuation
    # glyph, and the typographer changes quotes and dashes.
    text = unicodedata.normalize("NFD", text)
    return "".join(c for c in text if unicodedata.category(c)[0] in "LN")


def right_to_left(text: str) -> bool:
    """Text with a right-to-left letter: the bidi algorithm draws a number or word next to it in
    the order the reader reads ("ؠ 0A" is drawn, and extracted, as "0ؠ A"), so words are
    compared by their letters, not as runs."""
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=ANY_TEXT, subtitle=ANY_TEXT, words=st.lists(WORD, max_size=8))
@example(title="0", subtitle="", words=["\u0620", "0A"])
def test_any_text_builds_or_fails_cleanly(title: str, subtitle: str, words: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        kit = Path(folder) / "kit"
        shutil.copytree(FIXTURE_KIT, kit)
        # JSON strings are valid YAML 1.2 scalars, so any text can be written into front matter.
        quoted = [json.dumps(text, ensure_ascii=False) for text in (title, subtitle)]
        front = f"template: faq\ntitle: {quoted[0]}\nsubtitle: {quoted[1]}\n"
        body = " ".join(words)
        (kit / "materials" / "sheet.md").write_text(f"---\n{front}---\n{body}\n", encoding="utf-8")
        result = CliRunner().invoke(cli, ["build", "sheet", "--kit", str(kit), "-j", "1"])
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception  # an unhandled error: the property fails with its traceback
        event("built" if result.exit_code == 0 else "refused")
        if result.exit_code != 0:
            assert result.exit_code == 1
            assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr
            return
        text = normalised(" ".join(page_texts(kit / "dist" / "sheet.pdf")))
        mixed = right_to_left(" ".join((title, subtitle, *words)))
        for shown in (title, subtitle, *words):
            if has_mark(shown):
                continue
            if mixed:
                assert not Counter(normalised(shown)) - Counter(text), shown
            else:
                assert normalised(shown) in text
