"""``handbill new``: write a minimal kit that builds as it is, one material per stock template."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

from handbill.errors import HandbillError
from handbill.kit.loader import stock_templates

GITIGNORE = (
    "# Made by handbill build: the build's state, the outputs and the private outputs.\n"
    ".handbill/\n/dist/\n/dist-private/\n*-private/\n"
    "# People's names and addresses: never committed, never published (docs/variants.md).\n"
    "/private/\ndata/supporters*.csv\n*.private.csv\n"
)


def new_kit(directory: Path, name: str) -> list[str]:
    """Create the kit; refuse to touch a folder that already has content. Returns the materials."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise HandbillError(
            f"{directory} already exists and is not empty; choose a new folder name"
        )
    source = files("handbill") / "starter"
    config = source.joinpath("handbill.toml").read_text(encoding="utf-8")
    (directory / "materials").mkdir(parents=True)
    for folder in ("templates", "assets", "data"):
        (directory / folder).mkdir()
    # json.dumps gives a correctly escaped TOML basic string for any campaign name.
    (directory / "handbill.toml").write_text(
        config.replace('"Our Campaign"', json.dumps(name, ensure_ascii=False)), encoding="utf-8"
    )
    # The build's state (KIT/.handbill/) and its outputs are made again from the kit: not
    # worth sharing, and the private outputs hold letters to supporters (dist-private/).
    (directory / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    data = source.joinpath("data")
    if data.is_dir():
        for table in data.iterdir():
            (directory / "data" / table.name).write_text(
                table.read_text(encoding="utf-8"), encoding="utf-8"
            )
    created = []
    for template in stock_templates():
        text = source.joinpath(f"materials/{template}.md").read_text(encoding="utf-8")
        (directory / "materials" / f"{template}.md").write_text(text, encoding="utf-8")
        created.append(template)
    return created
