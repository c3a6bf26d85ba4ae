"""``handbill check``: the preflight on the built PDFs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from handbill.commands.options import kit_option, out_option
from handbill.engine import versions

if TYPE_CHECKING:
    from handbill.kit.loader import Kit


@click.command("check", epilog="Example: handbill check faq leaflet-a5 --json")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@kit_option
@out_option("Where the PDFs are (built first if stale).")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as a JSON list.")
def check_command(
    names: tuple[str, ...], kit_dir: Path, out_dir: Path | None, as_json: bool
) -> None:
    """Check the built PDFs (building them first where stale) for what ruins a print run."""
    from handbill.kit.loader import load_kit

    versions.tell_once()  # on an untested WeasyPrint, one line: slower, same pages
    report_check(load_kit(kit_dir), names, out_dir, None, as_json)


def report_check(
    kit: Kit, names: tuple[str, ...], out_dir: Path | None, jobs: int | None, as_json: bool
) -> None:
    from handbill.check.preflight import CheckFailed, check

    report = check(kit, names, out_dir, jobs)
    if as_json:
        click.echo(report.to_json())
    else:
        for finding in report.findings:
            colour = "red" if finding.severity == "error" else "yellow"
            click.secho(finding.line, fg=colour)
        click.echo(report.summary)
    if report.errors:
        raise CheckFailed(
            f"{report.errors} error{'s' * (report.errors != 1)} found; fix them before printing"
        )
