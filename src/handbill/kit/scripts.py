"""Warnings for a material whose language has no bundled face chosen, or no strings table."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from handbill.errors import display_path
from handbill.kit.boundary import read_text, roots_of
from handbill.kit.languages import table_paths, text_direction
from handbill.kit.material import Material

# Languages whose letters the stock languages.css sets in a bundled face of their own (primary
# subtags). Other languages in Latin letters are set in the brand font; a right-to-left
# language missing here would be drawn from whichever bundled or kit font happens to have its
# letters (Arabic once came out in the Urdu Nastaliq that way), which no reader expects.
LANGUAGE_FACES = {
    "ar": "Noto Naskh Arabic",
    "fa": "Noto Naskh Arabic",
    "ur": "Noto Nastaliq Urdu",
    "cy": "Atkinson Hyperlegible Next",
}
# The template's own words are written in English: no table is needed for English versions.
SOURCE_LANGUAGE = "en"
LANGUAGES_DOC = 'docs/kit-format.md, "Template strings"'


def primary(language: str) -> str:
    """The primary subtag, lower case: "ar" for "ar-EG"."""
    return language.split("-")[0].lower()


def kit_sets_language(kit_root: Path, language: str) -> bool:
    """Whether the kit's own assets/css/languages.css has a rule for ``html:lang(LANG)``."""
    css = kit_root / "assets" / "css" / "languages.css"
    if not css.exists() and not css.is_symlink():
        return False
    # Read as every kit file is: inside the kit, or the build stops naming it.
    text = read_text(css, "style sheet", roots_of(kit_root))
    return re.search(rf":lang\(\s*{re.escape(language)}\b", text, re.IGNORECASE) is not None


def language_warnings(
    material: Material, template_dirs: Sequence[Path], kit_root: Path
) -> list[str]:
    """What a reader of ``material`` would see wrong in its language, one line each, naming
    the file and what to add: a right-to-left language without a face chosen for it, and a
    language without a strings table (the template's own words then stay in English)."""
    language = primary(material.language)
    where = display_path(material.path)
    found = []
    if (
        text_direction(language) == "rtl"
        and language not in LANGUAGE_FACES
        and not kit_sets_language(kit_root, language)
    ):
        found.append(
            f"{where}: '{material.language}' is written right to left, and no bundled font is "
            "chosen for it, so its letters are drawn from whichever font has them; add a font "
            "for it under [[fonts]] in handbill.toml and a rule such as "
            f'html:lang({language}) {{ --font-body: "Font Name"; }} in the kit\'s '
            f'assets/css/languages.css (see docs/kit-format.md, "Fonts and writing direction")'
        )
    if language != SOURCE_LANGUAGE and not table_paths(template_dirs, material.language):
        found.append(
            f"{where}: no strings table for '{material.language}', so the template's own words "
            '(such as "Turn over to find out how", "Twitter", "PROOF - NOT FOR PRINT") stay in '
            f"English; add templates/strings/{language}.toml to the kit with their translations "
            f"(see {LANGUAGES_DOC})"
        )
    return found
