"""Read a filled-in NAME.form.pdf back: its text fields' values, as untrusted input."""

from __future__ import annotations

import stat
import unicodedata
from pathlib import Path
from typing import Any

from handbill.errors import HandbillError, did_you_mean
from handbill.guard import MB, bounded

FORM_KEY = "/HandbillForm"  # written by engine/forms.py into the document information
MAX_FORM_BYTES = 20 * MB  # a filled form is the PDF handbill wrote plus a few words
MAX_FORM_FIELDS = 200
MAX_VALUE_CHARS = 500  # a name, a town, an address: never a page of text
FORM_SECONDS = 10.0
_JOINERS = "\u200c\u200d\u200e\u200f"  # joiners and direction marks, which scripts need
FORM_MEMORY = 512 * MB


def read_form(path: Path, material: str, known: set[str]) -> dict[str, str]:
    """The values filled in ``path``, a form handbill wrote for ``material``; empty fields are
    left out. A file too large, not a PDF, another material's form, a field the material does
    not use or a value that is not plain text stops with one line."""
    where = path.name
    try:
        info = path.stat()
    except OSError as exc:
        raise HandbillError(f"--from-form: cannot read {where}: {exc.strerror}") from exc
    if not stat.S_ISREG(info.st_mode):  # a pipe or a device would be read for ever
        raise HandbillError(f"--from-form: {where} is not an ordinary file; give the PDF")
    size = info.st_size
    if size > MAX_FORM_BYTES:
        raise HandbillError(
            f"--from-form: {where} is {size / MB:.0f} MB; a filled form is at most "
            f"{MAX_FORM_BYTES // MB} MB. Fill in the {material}.form.pdf that handbill wrote."
        )
    with bounded(
        f"--from-form {where}", "filled form", FORM_SECONDS, FORM_MEMORY, "is it the form?"
    ):
        owner, fields = _read(path, where)
    if owner != material:
        which = (
            f"is the form of '{owner}', not of '{material}'"
            if owner
            else f"is not a fillable form of '{material}' written by handbill"
        )
        raise HandbillError(
            f"--from-form: {where} {which}; fill in {material}.form.pdf from the output folder"
        )
    values = {}
    for name, value in fields.items():
        if name not in known:
            raise HandbillError(
                f"--from-form: {where} has a field '{name}' that {material} does not use."
                f"{did_you_mean(name, known)} Fields it uses: {', '.join(sorted(known))}."
            )
        values[name] = _checked(where, name, value)
    return {name: value for name, value in values.items() if value}


def _read(path: Path, where: str) -> tuple[str, dict[str, Any]]:
    """The form's material and its fields' raw values, read with pypdf."""
    import pypdf
    from pypdf.errors import PyPdfError

    unreadable = f"--from-form: {where} is not a PDF handbill can read"
    try:
        reader = pypdf.PdfReader(path, strict=False)
        info: Any = reader.metadata or {}
        owner = info.get(FORM_KEY, "")
        if _has_scripts(reader.trailer["/Root"]):
            raise HandbillError(
                f"--from-form: {where} contains scripts; handbill reads only the text of a "
                "form's fields: fill in the form handbill wrote, in a PDF reader"
            )
        found = reader.get_fields() or {}
    except HandbillError:
        raise
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise HandbillError(unreadable) from exc
    if len(found) > MAX_FORM_FIELDS:
        raise HandbillError(f"--from-form: {where} has {len(found)} fields; a form has fewer")
    fields: dict[str, Any] = {}
    for name, field in found.items():
        if field.get("/FT") != "/Tx":
            raise HandbillError(
                f"--from-form: {where}: field '{_shown(name)}' is not a text field; handbill "
                "reads only text"
            )
        fields[str(name)] = field.get("/V", "")
    return str(owner), fields


def _has_scripts(root: Any) -> bool:
    names = root.get("/Names")
    names = names.get_object() if names is not None else {}
    opening = root.get("/OpenAction")
    opening = opening.get_object() if opening is not None else {}
    return (
        "/JavaScript" in names
        or (isinstance(opening, dict) and opening.get("/S") == "/JavaScript")
        or "/AA" in root
    )


def _checked(where: str, name: str, value: Any) -> str:
    """A field's value as text for the build: plain text of a sensible length, one line."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise HandbillError(f"--from-form: {where}: field '{name}' does not hold text")
    text = " ".join(value.split())  # a line break typed in a blank joins the line
    if len(text) > MAX_VALUE_CHARS:
        raise HandbillError(
            f"--from-form: {where}: field '{name}' holds {len(text)} characters; at most "
            f"{MAX_VALUE_CHARS}"
        )
    if any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs") and c not in _JOINERS for c in text):
        raise HandbillError(
            f"--from-form: {where}: field '{name}' holds a character that cannot be printed; "
            "type it again"
        )
    return unicodedata.normalize("NFC", text)


def _shown(name: object) -> str:
    text = str(name)
    return text if len(text) <= 40 and text.isprintable() else text[:37] + "..."
