"""``handbill site``: the download page for the built materials."""

from __future__ import annotations

from pathlib import Path

import click

from handbill.build.writers import output_folder
from handbill.commands.options import kit_option, out_option
from handbill.engine import versions
from handbill.errors import BuildError, display_path


@click.command("site", epilog="Example: handbill site --out public/")
@kit_option
@out_option("The build's output folder; index.html is written there.")
def site_command(kit_dir: Path, out_dir: Path | None) -> None:
    """Write a download page (index.html) for the built materials; it works offline, anywhere."""
    from handbill.build.runner import build as build_kit
    from handbill.check.preflight import outputs_stale
    from handbill.kit.loader import load_kit
    from handbill.publish.site import write_site

    versions.tell_once()  # on an untested WeasyPrint, one line: slower, same pages
    kit = load_kit(kit_dir)
    out = output_folder(kit.root, out_dir)
    if outputs_stale(kit, out, set(kit.materials)):
        report = build_kit(kit, (), out)
        if report.failures:
            raise BuildError("\n".join([*report.failures, report.summary]), closing=1)
        click.echo(f"{report.summary} -> {display_path(out)}/")
    page = write_site(kit, out)
    click.echo(f"Wrote {display_path(page)}: open it in a browser, or copy the folder anywhere")
