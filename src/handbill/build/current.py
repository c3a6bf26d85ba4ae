"""What the kit produces now: which recorded outputs are current, and which are left over."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from handbill.build.places import PRIVATE, private_folder
from handbill.build.writers import MANIFEST_NAME, recorded_in, recorded_outputs, remove_outputs
from handbill.errors import KitError, display_path
from handbill.kit.loader import Kit, rows_of
from handbill.kit.material import Material
from handbill.kit.social import social_ending
from handbill.render.templating import output_stem, row_stem

# What one job writes beside its stem: the PDF (grey, press or home sheets), its HTML for
# debugging, and its editable copies.
_PDF_ENDINGS = r"(\.grey)?(\.press|\.home)?\.(pdf|html)"


def folder_of(material: Material) -> str:
    """The start of a material's outputs' recorded paths: "", or private/ for the private
    folder beside the output folder."""
    return f"{PRIVATE}/" if material.private else ""


def merge_path(material: Material) -> str:
    """Where a mail merge of ``material`` goes, as recorded (in the private folder)."""
    return f"{PRIVATE}/{output_stem(material)}.merge.pdf"


def check_unique_outputs(kit: Kit) -> None:
    """Refuse two materials that would write the same file: the second would overwrite the
    first, and the manifest could describe only one of them."""
    owner: dict[str, Material] = {}
    for material in kit.materials.values():
        stems = [output_stem(material)]
        if material.per:
            try:
                count = len(rows_of(kit, material))
            except KitError:
                continue  # its table is reported with the material, which is not built
            stems = [row_stem(kit, material, n) for n in range(1, count + 1)]
        for stem in dict.fromkeys(stems):
            other = owner.setdefault(stem.casefold(), material)
            if other is not material:
                raise KitError(
                    f"materials/{other.path.name} and materials/{material.path.name} would "
                    f"both write {stem}.pdf; give one of them its own 'output:' name",
                    material.path,
                )


def table_readable(kit: Kit, material: Material) -> bool:
    try:
        rows_of(kit, material)
    except KitError:
        return False
    return True


def current_outputs(kit: Kit) -> Callable[[dict[str, Any]], bool]:
    """A test of one recorded manifest entry: does the kit as it is now still make that file?

    An entry of a material that is gone, a row that is gone, an output name the data no longer
    gives, or an editable copy no longer asked for is not current.
    """
    stems: dict[str, list[str]] = {}  # material -> its stems (one per row for per: materials)

    def stems_of(material: Material) -> list[str]:
        if material.name not in stems:
            count = len(rows_of(kit, material)) if material.per else 0
            stems[material.name] = [row_stem(kit, material, n) for n in range(1, count + 1)] or [
                output_stem(material)
            ]
        return stems[material.name]

    def current(entry: dict[str, Any]) -> bool:
        material = kit.materials.get(str(entry.get("material")))
        path, row, kind = entry.get("path"), entry.get("row", 0), entry.get("kind")
        if material is None or not isinstance(path, str) or not isinstance(row, int):
            return False
        if material.per and not table_readable(kit, material):
            return True  # its table is broken for now: keep what it made until it is fixed
        if entry.get("merge"):
            return not material.per and path == merge_path(material)
        if kind in ("docx", "txt") and kind not in material.exports:
            return False
        if bool(material.per) != bool(row) or row < 0 or row > len(stems_of(material)):
            return False
        stem = stems_of(material)[row - 1 if row else 0]
        if kind in ("png", "jpg", "caption"):  # social images, for the sizes still asked for
            wanted = kind == "caption" or entry.get("social") in material.social
            wanted = wanted and bool(material.social)
            return wanted and social_ending(path, folder_of(material) + stem)
        ending = r"\.(docx|txt)" if kind in ("docx", "txt") else _PDF_ENDINGS
        ending = r"\.form\.pdf" if kind == "form" else ending
        return re.fullmatch(re.escape(folder_of(material) + stem) + ending, path) is not None

    return current


def remove_unmade_forms(out_dir: Path, made: list[list[dict[str, Any]]]) -> list[str]:
    """Delete the NAME.form.pdf of an earlier build where the output was made again without
    one (every field now has a value), so that no form with blanks is left beside a PDF that
    has none. ``made`` holds the entries of each output laid out in this build."""
    unmade = set()
    for entries in made:
        main = entries[0]
        if main.get("mode") == "home" and not main.get("greyscale"):
            form = str(main["path"]).removesuffix(".pdf") + ".form.pdf"
            if not any(entry["path"] == form for entry in entries):
                unmade.add(form)
    earlier = [e for e in recorded_outputs(out_dir) if e.get("path") in unmade]
    return remove_outputs(out_dir, earlier)


def clear_old_private(out_dir: Path) -> str:
    """Remove the outputs that an earlier version of handbill recorded in OUT/private/, where
    it kept private outputs, so that none stays in the folder that is published; one line.

    Like stale outputs, only the files that still hold what handbill wrote go, with the old
    manifest; anything else left there is named, for the user to move out.
    """
    old = out_dir / PRIVATE
    manifest = old / MANIFEST_NAME
    if os.path.islink(old) or os.path.islink(manifest) or not manifest.is_file():
        return ""
    removed = []
    for entry in recorded_in(old, f"{PRIVATE}/"):
        rows = entry.get("rows")
        outputs = [entry, *(rows if isinstance(rows, list) else [])]
        removed += remove_outputs(out_dir, outputs, lambda path: out_dir / path)
    with contextlib.suppress(OSError):
        manifest.unlink()
    for folder in sorted(old.glob("**/"), key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):
            folder.rmdir()  # only when empty
    where, now = display_path(old), display_path(private_folder(out_dir))
    count = f"{len(removed)} private output{'s' * (len(removed) != 1)}"
    line = f"removed {count} of an earlier build from {where}/ (private outputs now go in {now}/)"
    left = sorted(str(p.relative_to(old)) for p in old.rglob("*") if not p.is_dir())
    if left:
        shown = ", ".join(left[:3]) + (f" and {len(left) - 3} more" if len(left) > 3 else "")
        line += (
            f"; {where}/ still holds {len(left)} file{'s' * (len(left) != 1)} handbill did not "
            f"write or that changed since ({shown}): move them out of "
            f"{display_path(out_dir)}/ before publishing it"
        )
    return line
