"""``handbill list``: the kit's materials, templates, paper sizes and outputs."""

from __future__ import annotations

from pathlib import Path

import click

from handbill.commands.options import kit_option


@click.command("list", epilog="Example: handbill list --kit my-campaign")
@kit_option
def list_materials(kit_dir: Path) -> None:
    """List the kit's materials with their templates, paper sizes and outputs."""
    from handbill.kit.loader import load_kit, material_table

    for line in material_table(load_kit(kit_dir)):
        click.echo(line)
