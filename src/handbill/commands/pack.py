"""``handbill pack``: a print run in its quantities, one PDF per paper stock."""

from __future__ import annotations

from pathlib import Path

import click

from handbill.build.writers import output_folder
from handbill.commands.options import kit_option, out_option
from handbill.engine import versions
from handbill.errors import display_path


@click.command("pack", epilog="Example: handbill pack runs/stall-day.toml")
@click.argument("run", type=click.Path(dir_okay=False, path_type=Path))
@kit_option
@out_option("Build folder; the pack goes in OUT/packs/RUN/.")
def pack_command(run: Path, kit_dir: Path, out_dir: Path | None) -> None:
    """Make a print run: every material in RUN.toml, in its quantity, one PDF per paper stock."""
    from handbill.kit.loader import load_kit
    from handbill.publish.pack import make_pack

    versions.tell_once()  # on an untested WeasyPrint, one line: slower, same pages
    kit = load_kit(kit_dir)
    folder = make_pack(kit, run, output_folder(kit.root, out_dir))
    click.echo((folder / "packing-list.txt").read_text(encoding="utf-8").rstrip())
    click.echo(f"Pack written to {display_path(folder)}/")
