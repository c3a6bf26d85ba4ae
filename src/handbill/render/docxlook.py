"""The campaign's look for Word copies: its paper, language, fonts, colours and page numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handbill.kit.config import Brand
from handbill.kit.languages import text_direction
from handbill.kit.palette import BLACK, WHITE, legible
from handbill.kit.paper import Paper

# Sizes of the title and headings as multiples of the body text: each level stays above the
# next and above body text, whatever size the kit picks (export_font_size).
SCALE = {"Title": 2.0, "Heading 1": 1.6, "Heading 2": 1.35, "Heading 3": 1.2, "Heading 4": 1.1}
MARGIN_MM = 20.0


@dataclass(frozen=True)
class DocLook:
    """What a Word copy takes from the kit; the defaults are a plain A4 British document."""

    width_mm: float = 210.0
    height_mm: float = 297.0
    language: str = "en-GB"
    body_font: str = ""
    heading_font: str = ""
    text: str = BLACK
    heading: str = BLACK
    title: str = BLACK

    @classmethod
    def of(cls, paper: Paper, language: str, brand: Brand) -> DocLook:
        """The look of a material: its paper and language, the brand's fonts and colours."""

        # Word documents are printed on white: brand colours are taken darker where they
        # would not read on white (a pale yellow heading becomes ochre).
        def ink(name: str) -> str:
            return legible(brand.colours[name], (WHITE,))

        return cls(
            width_mm=paper.width_mm,
            height_mm=paper.height_mm,
            language=language,
            body_font=brand.font_body,
            heading_font=brand.font_heading,
            text=ink("text"),
            heading=ink("primary"),
            title=ink("secondary"),
        )


def apply_look(document: Any, look: DocLook, font_size: float) -> None:
    """Set the page, the language and the brand's styles on a new python-docx document."""
    from docx.shared import Mm, Pt, RGBColor

    section = document.sections[0]
    section.page_width, section.page_height = Mm(look.width_mm), Mm(look.height_mm)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))
    _set_language(document, look.language)
    styles = document.styles
    normal = styles["Normal"]
    normal.font.size = Pt(font_size)
    normal.font.color.rgb = RGBColor.from_string(look.text.lstrip("#").upper())
    normal.paragraph_format.line_spacing = 1.4
    normal.paragraph_format.space_after = Pt(font_size * 0.6)
    _set_font(normal, look.body_font)
    for name, scale in SCALE.items():
        style = styles[name]
        style.font.size = Pt(round(font_size * scale, 1))
        style.font.bold = True
        colour = look.title if name == "Title" else look.heading
        style.font.color.rgb = RGBColor.from_string(colour.lstrip("#").upper())
        # The stock styles are drawn in theme colours (Word's blue), which win over a plain
        # colour: take the theme away so the brand's colour shows.
        _drop_theme_colour(style)
        _brand_rules(style, colour)
        _set_font(style, look.heading_font or look.body_font)
        style.paragraph_format.space_before = Pt(font_size * (1.0 if name != "Title" else 0))
        style.paragraph_format.space_after = Pt(font_size * 0.4)
    _add_page_numbers(section, font_size)


def _set_font(style: Any, family: str) -> None:
    """Use one family for every script, in place of the theme's Calibri/Cambria."""
    if not family:
        return
    from docx.oxml.ns import qn

    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{theme}"), None)
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{script}"), family)


def _drop_theme_colour(style: Any) -> None:
    from docx.oxml.ns import qn

    colour = style.element.get_or_add_rPr().find(qn("w:color"))
    if colour is not None:
        for attribute in ("themeColor", "themeShade", "themeTint"):
            colour.attrib.pop(qn(f"w:{attribute}"), None)


def _brand_rules(style: Any, colour: str) -> None:
    """A rule under a stock style (Word's Title has one, in theme blue) in the brand's colour."""
    from docx.oxml.ns import qn

    properties = style.element.pPr
    borders = properties.find(qn("w:pBdr")) if properties is not None else None
    for edge in list(borders) if borders is not None else []:
        for attribute in ("themeColor", "themeShade", "themeTint"):
            edge.attrib.pop(qn(f"w:{attribute}"), None)
        edge.set(qn("w:color"), colour.lstrip("#").upper())


def _set_language(document: Any, language: str) -> None:
    """The document's proofing language: spelling is checked in the kit's language."""
    from docx.oxml.ns import qn

    document.core_properties.language = language
    defaults = document.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    lang.set(qn("w:val"), language)
    lang.set(qn("w:eastAsia"), language)
    # Right-to-left text is proofed under w:bidi, and its paragraphs run from the right.
    lang.set(qn("w:bidi"), language if text_direction(language) == "rtl" else "ar-SA")
    if text_direction(language) == "rtl":
        normal = document.styles["Normal"].element.get_or_add_pPr()
        normal.append(normal.makeelement(qn("w:bidi"), {}))


def _add_page_numbers(section: Any, font_size: float) -> None:
    """A centred page number in the footer (a PAGE field Word keeps up to date)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    run.font.size = Pt(max(8.0, font_size * 0.75))
    for kind, text in (("begin", ""), ("instr", " PAGE "), ("separate", ""), ("num", "1")):
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        elif kind == "num":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)
