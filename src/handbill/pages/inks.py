"""Screen colours to print inks: RGB to CMYK through the print profile, black in black ink alone."""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageCms

from handbill.kit.boundary import read_bytes
from handbill.pages.colourops import RGB8, ColourError, rgb8

CMYK = tuple[float, float, float, float]
# Colours this close to grey (CIELAB chroma) are printed in black ink alone: text, rules, QR
# codes and greys in four inks blur when the plates are a hair out of register, and a grey made
# of four inks drifts in hue on press. 15 takes in the blue-black, slate and warm-black greys
# designers use for small text (NHS dark grey #425563 is 12), not a navy (#003087 is 56) or a
# brown.
NEUTRAL_CHROMA = 15.0
SOLID_BLACK = 0.9


@dataclass
class Inks:
    """Converts colours for one print profile (a ``colourops.Target``); conversions are batched,
    as each littleCMS call costs far more than the arithmetic."""

    space = "/DeviceCMYK"
    converts = frozenset({"rgb", "lab-d50", "lab-d65"})

    profile: bytes
    brand: dict[RGB8, CMYK] = field(default_factory=dict)  # the kit's own print colours
    _known: dict[RGB8, CMYK] = field(default_factory=dict)

    def __post_init__(self) -> None:
        target = ImageCms.getOpenProfile(io.BytesIO(self.profile))
        srgb = ImageCms.createProfile("sRGB")
        lab = ImageCms.createProfile("LAB", 6500)
        # Relative colorimetric with black-point compensation: brand colours stay as close as
        # the press can print them, and the darkest screen colour maps to the press's darkest.
        self._to_cmyk = ImageCms.buildTransform(
            srgb,
            target,
            "RGB",
            "CMYK",
            renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
            flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
        )
        self._to_lab = ImageCms.buildTransform(srgb, lab, "RGB", "LAB")
        self._k_lightness = _black_scale(target, lab)

    def colour(self, values: Sequence[float], kind: str) -> tuple[float, ...]:
        if kind == "rgb" and len(values) == 3:
            return self.cmyk(rgb8(values))
        if kind.startswith("lab") and len(values) == 3:
            return self.cmyk(_lab_to_rgb(values, kind))
        raise ColourError(f"a colour of {len(values)} values in a {kind} colour space")

    def picture(self, image: Image.Image, profile: bytes | None) -> Image.Image:
        return self.convert_image(image, profile)

    def cmyk(self, rgb: RGB8) -> CMYK:
        """The inks for one colour (convert ``prepare`` first for many)."""
        if rgb not in self._known:
            self.prepare([rgb])
        return self._known[rgb]

    def prepare(self, colours: Iterable[RGB8]) -> None:
        """Convert every colour not yet known, in one pass through the profile."""
        todo = sorted({c for c in colours if c not in self._known})
        if not todo:
            return
        row = Image.new("RGB", (len(todo), 1))
        row.putdata(todo)
        inks = ImageCms.applyTransform(row, self._to_cmyk)
        labs = ImageCms.applyTransform(row, self._to_lab)
        assert inks is not None and labs is not None
        for index, colour in enumerate(todo):
            if colour in self.brand:
                self._known[colour] = self.brand[colour]
                continue
            lightness, a, b = labs.getpixel((index, 0))  # type: ignore[misc]
            chroma = math.hypot(a - 128, b - 128)
            if chroma < NEUTRAL_CHROMA:
                self._known[colour] = (0.0, 0.0, 0.0, self._k_for(lightness * 100 / 255))
            else:
                c, m, y, k = inks.getpixel((index, 0))  # type: ignore[misc]
                self._known[colour] = (_ink(c), _ink(m), _ink(y), _ink(k))

    def _k_for(self, lightness: float) -> float:
        """The black ink that prints a grey of this lightness; 100 % for anything darker than
        black ink alone can print, and for a tint above 90 %, which looks solid but is printed
        as a screen of dots that frays the edges of small text."""
        scale = self._k_lightness
        for (k0, l0), (k1, l1) in itertools.pairwise(scale):
            if lightness >= l1:
                share = 0.0 if l0 == l1 else (l0 - lightness) / (l0 - l1)
                k = min(1.0, max(0.0, k0 + share * (k1 - k0)))
                return 1.0 if k > SOLID_BLACK else round(k, 3)
        return 1.0

    def convert_image(self, image: Image.Image, source: bytes | None = None) -> Image.Image:
        """An RGB image in the profile's CMYK (from its own ICC profile when it has one)."""
        if source:
            original = ImageCms.getOpenProfile(io.BytesIO(source))
            transform = ImageCms.buildTransform(
                original,
                ImageCms.getOpenProfile(io.BytesIO(self.profile)),
                "RGB",
                "CMYK",
                renderingIntent=ImageCms.Intent.PERCEPTUAL,
                flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
            )
        else:
            transform = self._to_cmyk
        converted = ImageCms.applyTransform(image.convert("RGB"), transform)
        assert converted is not None
        return converted


def _lab_to_rgb(values: Sequence[float], kind: str) -> RGB8:
    """A CIELAB colour (D50 or D65 white, as its PDF colour space says) as sRGB."""
    lab = ImageCms.createProfile("LAB", 6500 if kind == "lab-d65" else 5000)
    transform = ImageCms.buildTransform(lab, ImageCms.createProfile("sRGB"), "LAB", "RGB")
    lightness, a, b = values
    pixel = Image.new("LAB", (1, 1), (round(lightness * 2.55), round(a) + 128, round(b) + 128))
    converted = ImageCms.applyTransform(pixel, transform)
    assert converted is not None
    red, green, blue = converted.getpixel((0, 0))  # type: ignore[misc]
    return red, green, blue


def _ink(value: int) -> float:
    return round(value / 255, 3)


def _black_scale(target: Any, lab: Any) -> list[tuple[float, float]]:
    """(black ink, lightness) from paper white to solid black, lightness falling."""
    back = ImageCms.buildTransform(
        target, lab, "CMYK", "LAB", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC
    )
    steps = list(range(0, 256, 5))
    row = Image.new("CMYK", (len(steps), 1))
    row.putdata([(0, 0, 0, k) for k in steps])
    measured = ImageCms.applyTransform(row, back)
    assert measured is not None
    scale: list[tuple[float, float]] = []
    for index, k in enumerate(steps):
        lightness = measured.getpixel((index, 0))[0] * 100 / 255  # type: ignore[index]
        if not scale or lightness < scale[-1][1]:
            scale.append((k / 255, lightness))
    return scale


@cache
def inks_for(profile: Path, brand: tuple[tuple[RGB8, CMYK], ...] = ()) -> Inks:
    """The converter for a profile file (read once per process)."""
    return Inks(read_bytes(profile, "colour profile"), dict(brand))
