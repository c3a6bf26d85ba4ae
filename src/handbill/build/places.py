"""Where outputs live: the output folder, and the private folder beside it (never inside it)."""

from __future__ import annotations

import os
from pathlib import Path

from handbill.errors import HandbillError, display_path

# The start of a recorded path that lives in the private folder: the manifests, the build
# cache and the merge name a private output as private/NAME, and ``located`` finds it in
# <OUT>-private/NAME. The private folder sits beside the output folder, not in it, so that the
# output folder (dist/) can be copied to a web host as a whole without supporters' letters.
PRIVATE = "private"
PRIVATE_SUFFIX = "-private"
# Why the private folder matters, in the words the build's summary line and messages use.
PRIVATE_NOTE = "supporters' details, not for publishing"


def private_folder(out_dir: Path) -> Path:
    """<OUT>-private/, beside the output folder ``out_dir`` (an absolute path): the letters of
    mail merges, the outputs of ``private: true`` materials and the packs that hold them."""
    if not out_dir.name:
        raise HandbillError(
            f"cannot build into {out_dir}: private outputs ({PRIVATE_NOTE}) go in a folder "
            "beside the output folder, named after it, and this folder has no name. Choose a "
            "named folder with --out, e.g. --out print"
        )
    return out_dir.with_name(out_dir.name + PRIVATE_SUFFIX)


def located(out_dir: Path, path: str) -> Path:
    """The file a recorded path names: private/NAME in the private folder, NAME in ``out_dir``."""
    head, slash, rest = path.partition("/")
    if slash and head == PRIVATE:
        return private_folder(out_dir) / rest
    return out_dir / path


def check_private_folder(out_dir: Path) -> Path | None:
    """Refuse a private folder that is a link or not a folder; it, if it is there already.

    A link would have supporters' letters written wherever it points, perhaps into a folder
    that is published; a file in its place would stop the first private output half-way.
    """
    folder = private_folder(out_dir)
    if os.path.islink(folder):
        raise HandbillError(
            f"{display_path(folder)} is a link to {os.readlink(folder)}; handbill writes private "
            f"outputs ({PRIVATE_NOTE}) only into a real folder beside {out_dir.name}. Remove "
            "the link, or choose another output folder with --out."
        )
    if not os.path.lexists(folder):
        return None
    if not folder.is_dir():
        raise HandbillError(
            f"{display_path(folder)} is a file, but handbill keeps private outputs "
            f"({PRIVATE_NOTE}) in a folder of that name beside {out_dir.name}. Move or rename "
            "the file, or choose another output folder with --out."
        )
    return folder
