"""The ``[print]`` table of handbill.toml: bleed, marks, home sheets, and PDF/X with its profile."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handbill.errors import KitError
from handbill.kit.boundary import read_bytes, roots_of, stock_dir
from handbill.kit.checker import Checker

PDF_X = ("4", "1a", "none")
# The stock profile: basICColor's "ISO Coated v2 300%", built on the FOGRA39 characterisation
# (the usual sheet-fed offset on coated paper in the UK and Europe), zlib licence; see
# assets/icc/ISOcoated_v2_300_bas.LICENSE.txt and docs/printing.md.
STOCK_PROFILE = "assets/icc/ISOcoated_v2_300_bas.icc"
STOCK_CONDITION = "FOGRA39"
# Total area coverage: the sum of the four inks. Coated offset stock takes 300-330 %; 300 % is
# safe on every press, and the stock profile never goes above it.
MAX_INK = 300.0
POSTER_TILES = ("fewest", "full-size")


@dataclass(frozen=True)
class PrintSettings:
    """How outputs are prepared for a print shop (press) and for home printers."""

    bleed_mm: float = 3.0
    crop_marks: bool = True
    mark_offset_mm: float = 3.0
    duplex_flip: str = "short"
    tile_overlap_mm: float = 10.0
    # "fewest": a poster a little smaller on fewer A4 sheets (an A3 on two at about 85 %);
    # "full-size": at its own size, however many sheets that takes.
    poster_tiles: str = "fewest"
    pdf_x: str = "4"  # press PDFs: "4" (PDF/X-4), "1a" (PDF/X-1a) or "none" (RGB, no output intent)
    profile: Path | None = field(default=None, repr=False)  # None: the stock profile
    output_condition: str = STOCK_CONDITION  # the OutputConditionIdentifier a shop recognises
    profile_sha256: str = ""  # in repr, so a new profile rebuilds press outputs

    @property
    def profile_path(self) -> Path:
        return self.profile or stock_dir() / STOCK_PROFILE


def read_print_settings(root: Path, data: dict[str, Any], check: Checker) -> PrintSettings:
    """The [print] table, every problem added to ``check``."""
    defaults = PrintSettings()
    values: dict[str, Any] = {}
    for key, low, high in (
        ("bleed_mm", 0, 10),
        ("mark_offset_mm", 0, 10),
        ("tile_overlap_mm", 5, 30),
    ):
        value = data.get(key, getattr(defaults, key))
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not low <= value <= high
        ):
            check.add("print", key, f"must be a number of millimetres from {low} to {high}")
        else:
            values[key] = float(value)
    marks = data.get("crop_marks", True)
    if not isinstance(marks, bool):
        check.add("print", "crop_marks", "must be true or false")
    else:
        values["crop_marks"] = marks
    flip = data.get("duplex_flip", "short")
    if flip not in ("short", "long"):
        check.add(
            "print", "duplex_flip", "must be 'short' or 'long' (the edge your printer flips on)"
        )
    else:
        values["duplex_flip"] = flip
    tiles = data.get("poster_tiles", "fewest")
    if tiles not in POSTER_TILES:
        check.add(
            "print",
            "poster_tiles",
            "must be 'fewest' (a poster a little smaller on fewer A4 sheets) or 'full-size'",
        )
    else:
        values["poster_tiles"] = tiles
    pdf_x = str(data.get("pdf_x", "4")).lower()
    if pdf_x not in PDF_X:
        check.add(
            "print",
            "pdf_x",
            f"'{data['pdf_x']}' is not a PDF/X version handbill writes; use \"4\" (PDF/X-4, "
            'the default), "1a" (PDF/X-1a, for shops that ask for it) or "none" (RGB)',
        )
    else:
        values["pdf_x"] = pdf_x
    values.update(_profile(root, data, check))
    return PrintSettings(**values)


def _profile(root: Path, data: dict[str, Any], check: Checker) -> dict[str, Any]:
    """The shop's ICC profile and output condition, or the stock ones."""
    condition = check.string(data, "print", "output_condition")
    if "profile" not in data:
        if condition:
            check.add(
                "print",
                "output_condition",
                "names the condition of a shop's own profile; give the profile too, "
                'e.g. profile = "assets/icc/shop.icc"',
            )
        path = stock_dir() / STOCK_PROFILE
        return {"profile_sha256": _sha(read_bytes(path, "colour profile"))}
    given = check.string(data, "print", "profile")
    try:
        content = read_bytes(root / given, "colour profile", roots_of(root))
        description = cmyk_profile_name(content)
    except KitError as exc:
        check.add("print", "profile", f"'{given}': {exc.reason}")
        return {}
    except ValueError as exc:
        check.add("print", "profile", f"'{given}' {exc}")
        return {}
    return {
        "profile": root / given,
        "output_condition": condition or description,
        "profile_sha256": _sha(content),
    }


def cmyk_profile_name(content: bytes) -> str:
    """The description of a CMYK output ICC profile; ValueError saying what is wrong if not one."""
    import io

    from PIL import ImageCms

    try:
        profile = ImageCms.getOpenProfile(io.BytesIO(content))
        kind, space = profile.profile.device_class, profile.profile.xcolor_space.strip()
        name = ImageCms.getProfileDescription(profile).strip()
        if space == "CMYK" and kind == "prtr":
            # A profile that parses may still be unusable (cut short): try converting with it.
            ImageCms.buildTransform(ImageCms.createProfile("sRGB"), profile, "RGB", "CMYK")
    except Exception:
        raise ValueError(
            "is not an ICC colour profile, or is damaged; ask the print shop for the .icc "
            "file of the paper and press your job goes on"
        ) from None
    if space != "CMYK" or kind != "prtr":
        what = {"RGB": "an RGB", "GRAY": "a greyscale", "Lab": "a Lab"}.get(space, f"a {space}")
        use = {"prtr": "printer", "mntr": "screen", "scnr": "scanner", "abst": "effect"}
        raise ValueError(
            f"is {what} {use.get(kind, 'colour-space')} profile; a print shop's profile is a "
            "CMYK printer profile (ask them for the .icc of the paper and press, e.g. FOGRA39 "
            "or FOGRA51 for coated paper)"
        )
    return name or "Custom"


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
