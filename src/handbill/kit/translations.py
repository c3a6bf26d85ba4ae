"""Translations: NAME.LANG.md inherits NAME.md's front matter; picking each material's version."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handbill.errors import KitError, did_you_mean
from handbill.kit.config import LANGUAGE_TAG

if TYPE_CHECKING:
    from handbill.kit.material import Material


def _split(path: Path) -> tuple[str, str] | None:
    """(NAME, LANG) when the file's name is NAME.LANG plus its extension and LANG is a tag."""
    name, dot, language = path.stem.rpartition(".")
    if not dot or not name or not LANGUAGE_TAG.match(language):
        return None
    return name, language


def translation_parts(path: Path) -> tuple[Path, str] | None:
    """(the original's path, LANG) for a translation ``NAME.LANG.md``; None for other files.

    A file named like a translation whose ``NAME.md`` does not exist is a KitError.
    """
    parts = _split(path)
    if parts is None:
        return None
    name, language = parts
    original = path.with_name(name + path.suffix)
    if original.is_file():
        return original, language
    candidates = sorted(
        p.stem
        for p in path.parent.glob("*" + path.suffix)
        if not p.name.startswith((".", "_")) and p != path and not _is_translation(p)
    )
    hint = did_you_mean(name, candidates)
    known = ", ".join(candidates) or "none yet"
    raise KitError(
        f"a translation into '{language}' of '{name}', but there is no {original.name}.{hint} "
        f"Name a translation after the material it translates, NAME.{language}{path.suffix} "
        f"(materials: {known}); if this file is not a translation, take '.{language}' out of "
        "its name.",
        path,
    )


def _is_translation(path: Path) -> bool:
    parts = _split(path)
    return parts is not None and path.with_name(parts[0] + path.suffix).is_file()


def inherit(base: dict[str, Any], own: dict[str, Any], language: str) -> dict[str, Any]:
    """A translation's front matter: the original's, overridden by its own, in ``language``.

    Mappings (``vars``, ``fields`` and mappings inside them) are merged key by key, the
    translation's values winning. ``language`` is the file name's LANG unless the translation
    sets it; an inherited ``output`` gets ``.LANG`` added so the two PDFs do not collide.
    """
    merged = _merge(base, own)
    merged["language"] = own.get("language", language)
    if "output" in base and "output" not in own and isinstance(base["output"], str):
        merged["output"] = f"{base['output']}.{language}"
    return merged


def _merge(base: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in own.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = _merge(base[key], value)
        else:
            merged[key] = value
    return merged


def matches(tag: str, wanted: str) -> bool:
    """Whether a material in ``tag`` is in the language ``wanted`` (``en`` matches ``en-GB``)."""
    tag, wanted = tag.lower(), wanted.lower()
    return tag == wanted or tag.startswith(wanted + "-")


def versions(materials: dict[str, Material], name: str) -> list[Material]:
    """The material ``name`` and its translations, the original first."""
    return [materials[name]] + [m for m in materials.values() if m.translation_of == name]


def version_in(materials: dict[str, Material], name: str, language: str) -> Material | None:
    """The version of ``name`` in ``language``: an exact tag first, else one of its variants."""
    found = versions(materials, name)
    exact = [m for m in found if m.language.lower() == language.lower()]
    return next(iter(exact or [m for m in found if matches(m.language, language)]), None)


def select_language(
    materials: dict[str, Material], names: Sequence[str], language: str
) -> list[Material]:
    """For each name (every original when none are given), its version in ``language``."""
    if not LANGUAGE_TAG.match(language):
        raise KitError(f"'{language}' is not a language tag such as en-GB, cy, pl or ur.")
    if not names:
        chosen = [
            version
            for name, material in materials.items()
            if not material.translation_of
            and (version := version_in(materials, name, language)) is not None
        ]
        if not chosen:
            have = ", ".join(sorted({m.language for m in materials.values()})) or "none"
            raise KitError(
                f"No material in this kit is in '{language}' (languages: {have}). Add a "
                f"translation beside its original, e.g. materials/NAME.{language}.md (see "
                "docs/kit-format.md), or choose one of those languages."
            )
        return chosen
    chosen = []
    for name in names:
        material = materials[name]
        original = material.translation_of or name
        have = ", ".join(m.language for m in versions(materials, original))
        if material.translation_of and not matches(material.language, language):
            raise KitError(
                f"'{name}' is the '{material.language}' version of '{original}', not "
                f"'{language}'. Name '{original}' to get its version in '{language}' "
                f"(it has: {have}), or leave out the language."
            )
        version = material if material.translation_of else version_in(materials, name, language)
        if version is None:
            raise KitError(
                f"'{name}' has no version in '{language}' (it has: {have}). Add "
                f"materials/{name}.{language}.md to translate it, or choose one of those "
                "languages."
            )
        chosen.append(version)
    return chosen
